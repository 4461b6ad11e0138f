-- Schema version 2: what nodes sharing the database coordinate through (the Coordination role). A repository's
-- change count outlives the repository (it never goes back); a lease's expiry is in the database's clock, in
-- milliseconds since the epoch, so that every node measures terms alike.

CREATE TABLE wharf_repository_versions (
    name TEXT COLLATE "C" PRIMARY KEY,
    version BIGINT NOT NULL
);

CREATE TABLE wharf_leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires BIGINT NOT NULL
);
