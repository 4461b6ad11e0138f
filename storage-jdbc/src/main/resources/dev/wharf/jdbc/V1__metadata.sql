-- Wharf metadata on PostgreSQL, schema version 1. Names and tags compare in ASCII order (COLLATE "C"), as every
-- listing of the MetadataStore contract requires. Records the engine reads whole are bytea in the SPI's
-- RecordCodec encoding; what is queried or ordered is a column.

CREATE TABLE wharf_repositories (
    name TEXT COLLATE "C" PRIMARY KEY
);

CREATE TABLE wharf_links (
    repository TEXT COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (repository, digest)
);
CREATE INDEX wharf_links_by_digest ON wharf_links (digest, repository);

CREATE TABLE wharf_manifests (
    repository TEXT COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C" NOT NULL,
    record BYTEA NOT NULL,
    PRIMARY KEY (repository, digest)
);

CREATE TABLE wharf_referrers (
    repository TEXT COLLATE "C" NOT NULL,
    subject TEXT COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C" NOT NULL,
    descriptor BYTEA NOT NULL,
    PRIMARY KEY (repository, subject, digest)
);

CREATE TABLE wharf_tags (
    repository TEXT COLLATE "C" NOT NULL,
    tag TEXT COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (repository, tag)
);
CREATE INDEX wharf_tags_by_digest ON wharf_tags (repository, digest, tag);

CREATE TABLE wharf_tag_history (
    repository TEXT COLLATE "C" NOT NULL,
    tag TEXT COLLATE "C" NOT NULL,
    n BIGSERIAL,
    move BYTEA NOT NULL,
    PRIMARY KEY (repository, tag, n)
);

CREATE TABLE wharf_uploads (
    id TEXT PRIMARY KEY,
    record BYTEA NOT NULL
);

CREATE TABLE wharf_event_counter (
    id INT PRIMARY KEY,
    last_sequence BIGINT NOT NULL
);
INSERT INTO wharf_event_counter VALUES (1, 0);

CREATE TABLE wharf_events (
    sequence BIGINT PRIMARY KEY,
    event BYTEA NOT NULL
);

CREATE TABLE wharf_event_cursors (
    sink TEXT PRIMARY KEY,
    sequence BIGINT NOT NULL
);

CREATE TABLE wharf_usage_key (
    id INT PRIMARY KEY,
    counting_key TEXT NOT NULL
);
INSERT INTO wharf_usage_key VALUES (1, '');

CREATE TABLE wharf_usage (
    scope TEXT PRIMARY KEY,
    bytes BIGINT NOT NULL,
    manifests BIGINT NOT NULL,
    tags BIGINT NOT NULL,
    repositories BIGINT NOT NULL
);

CREATE TABLE wharf_usage_refs (
    scope TEXT NOT NULL,
    digest TEXT NOT NULL,
    count BIGINT NOT NULL,
    size BIGINT NOT NULL,
    PRIMARY KEY (scope, digest)
);

CREATE TABLE wharf_search (
    repository TEXT COLLATE "C" NOT NULL,
    tag TEXT COLLATE "C" NOT NULL,
    digest TEXT COLLATE "C" NOT NULL,
    pushed_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    entry BYTEA NOT NULL,
    PRIMARY KEY (repository, tag)
);
CREATE INDEX wharf_search_pushed ON wharf_search (pushed_at, repository, tag);
CREATE INDEX wharf_search_updated ON wharf_search (updated_at, repository, tag);
CREATE INDEX wharf_search_repository_pushed ON wharf_search (repository, pushed_at, tag);
CREATE INDEX wharf_search_repository_updated ON wharf_search (repository, updated_at, tag);
CREATE INDEX wharf_search_by_digest ON wharf_search (repository, digest);
