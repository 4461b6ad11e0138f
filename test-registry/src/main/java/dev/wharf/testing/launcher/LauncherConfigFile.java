package dev.wharf.testing.launcher;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.Upstream;
import dev.wharf.api.Webhook;
import dev.wharf.servlet.limit.Budget;
import dev.wharf.servlet.limit.Rate;
import dev.wharf.servlet.limit.RateLimits;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The launcher's configuration file, {@code --config FILE}: YAML (or JSON) for what is too much for flags. This
 * version knows three sections, {@code events} (see docs/events.md), {@code mirror} (docs/mirror.md) and
 * {@code rateLimits} (docs/rate-limits.md):
 *
 * <pre>{@code
 * mirror:
 *   defaultUpstream: docker.io              # optional: pulls without ns of names not held here go there
 *   upstreams:
 *     - host: docker.io                     # the source host clients name (and send as ns)
 *       url: https://registry-1.docker.io   # where it answers
 *       credentialsFile: hub-login.txt      # optional: user:password on the first line
 *       libraryPrefix: true                 # optional: "alpine" is "library/alpine" there (default: docker.io only)
 *       allow: ["library/*", "grafana/**"]  # optional: only these upstream repositories are fetched
 *       tagRecheck: PT5M                    # optional, ISO-8601 (default PT1M)
 *       retention: P30D                     # optional: evict what was not pulled for this long
 *       connectTimeout: PT5S                # optional (default PT5S)
 *       readTimeout: PT30S                  # optional (default PT30S)
 *       caFile: corp-ca.pem                 # optional: PEM certificates to trust instead of the JDK's
 * }</pre>
 *
 * Paths are relative to the file's directory. The reader is strict: an unknown key, a key given twice, a value of
 * the wrong kind, a bad URL, host, glob or duration, or a file it names that cannot be read is an
 * {@link IllegalArgumentException} whose message starts with {@code FILE: } and the entry's path
 * ({@code mirror.upstreams[0].url}), ready for the launcher to print before it exits with status 2.
 *
 * <pre>{@code
 * events:
 *   retention: P30D                         # optional: how long the event log keeps events (default P7D)
 *   webhooks:
 *     - url: https://scanner.example/hook   # POSTed every event, at least once, in order
 *       name: scanner                       # optional: its cursor's key (default: the URL)
 *       secretFile: hook-secret.txt         # optional: HMAC-SHA256 key on the first line
 *       format: cloudevents                 # optional: cloudevents (default) or distribution
 *       types: [MANIFEST_PUSHED, TAG_UPDATED]   # optional: only these kinds
 *       repositories: ["team/**"]          # optional: only these repositories
 *       timeout: PT10S                      # optional (default PT10S)
 *       batch: 100                          # optional: up to 100 events per request (default 1)
 * }</pre>
 *
 * <pre>{@code
 * rateLimits:                               # per client: a user by name, an anonymous client by address
 *   reads: 100/s                            # optional: GET and HEAD; AMOUNT/UNIT with UNIT s, m or h
 *   writes: {rate: 20/s, burst: 40}         # optional: POST, PUT, PATCH, DELETE; burst defaults to the amount
 *   uploadBytes:                            # optional: the bytes of request bodies
 *     rate: 50MiB/s
 *     burst: 200MiB
 * }</pre>
 *
 * @param upstreams       the upstreams the file configures, in order
 * @param defaultUpstream {@code mirror.defaultUpstream}
 * @param webhooks        {@code events.webhooks}
 * @param eventRetention  {@code events.retention}
 * @param guardRails      the {@code quotas} and {@code contentPolicy} sections (see {@link GuardRails})
 * @param rateLimits      {@code rateLimits} (see docs/rate-limits.md); {@link RateLimits#none()} when absent
 */
record LauncherConfigFile(List<Upstream> upstreams, Optional<String> defaultUpstream, List<Webhook> webhooks,
                          Optional<Duration> eventRetention, GuardRails guardRails, RateLimits rateLimits) {
    private static final Set<String> TOP = Set.of("mirror", "events", "quotas", "contentPolicy", "rateLimits");
    private static final Set<String> RATE = Set.of("rate", "burst");
    private static final Set<String> EVENTS = Set.of("retention", "webhooks");
    private static final Set<String> WEBHOOK = Set.of("url", "name", "secretFile", "format", "types", "repositories",
            "timeout", "batch");
    private static final Set<String> MIRROR = Set.of("defaultUpstream", "upstreams");
    private static final Set<String> UPSTREAM = Set.of("host", "url", "credentialsFile", "libraryPrefix", "allow",
            "tagRecheck", "retention", "connectTimeout", "readTimeout", "caFile");

    static final LauncherConfigFile EMPTY = new LauncherConfigFile(List.of(), Optional.empty(), List.of(),
            Optional.empty(), GuardRails.NONE, RateLimits.none());

    LauncherConfigFile {
        upstreams = List.copyOf(upstreams);
        webhooks = List.copyOf(webhooks);
    }

    /** Reads and checks {@code file}. */
    static LauncherConfigFile read(Path file) {
        JsonNode root;
        try {
            root = Yaml.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read configuration file " + file + ": "
                    + (e instanceof NoSuchFileException || !Files.exists(file) ? "it does not exist" : e));
        }
        Reader r = new Reader(file);
        if (root == null || root.isMissingNode() || root.isNull()) {
            return EMPTY;
        }
        r.keys(root, "", TOP);
        GuardRails guardRails = GuardRails.read(root, r);
        List<Webhook> webhooks = new ArrayList<>();
        Optional<Duration> retention = Optional.empty();
        JsonNode events = root.path("events");
        if (!events.isMissingNode() && !events.isNull()) {
            r.keys(events, "events", EVENTS);
            retention = r.optionalDuration(events, "events", "retention", false);
            JsonNode hooks = events.path("webhooks");
            if (!hooks.isMissingNode()) {
                if (!hooks.isArray()) {
                    throw r.wrong("events.webhooks", "must be a list of webhooks, each starting with '- url: ...'");
                }
                for (int i = 0; i < hooks.size(); i++) {
                    webhooks.add(r.webhook(hooks.get(i), "events.webhooks[" + i + "]"));
                }
            }
        }
        RateLimits rateLimits = r.rateLimits(root.path("rateLimits"));
        JsonNode mirror = root.path("mirror");
        if (mirror.isMissingNode() || mirror.isNull()) {
            return new LauncherConfigFile(List.of(), Optional.empty(), webhooks, retention, guardRails, rateLimits);
        }
        r.keys(mirror, "mirror", MIRROR);
        List<Upstream> upstreams = new ArrayList<>();
        JsonNode list = mirror.path("upstreams");
        if (!list.isMissingNode()) {
            if (!list.isArray()) {
                throw r.wrong("mirror.upstreams", "must be a list of upstreams, each starting with '- host: ...'");
            }
            for (int i = 0; i < list.size(); i++) {
                upstreams.add(r.upstream(list.get(i), "mirror.upstreams[" + i + "]"));
            }
        }
        Optional<String> defaultHost = r.optionalString(mirror, "mirror", "defaultUpstream")
                .map(h -> h.toLowerCase(Locale.ROOT));
        if (defaultHost.isPresent() && upstreams.stream().noneMatch(u -> u.host().equals(defaultHost.get()))) {
            throw r.wrong("mirror.defaultUpstream", "names " + defaultHost.get()
                    + ", which is not one of the upstreams' hosts here");
        }
        return new LauncherConfigFile(upstreams, defaultHost, webhooks, retention, guardRails, rateLimits);
    }

    /** Reads one file's entries, naming the file and the entry in every complaint. */
    /** Reads entries of one file, refusing a bad one with a message that names the file and the entry. */
    record Reader(Path file) {

        Upstream upstream(JsonNode node, String at) {
            keys(node, at, UPSTREAM);
            String host = string(node, at, "host");
            URI url;
            try {
                url = new URI(string(node, at, "url"));
            } catch (URISyntaxException e) {
                throw wrong(at + ".url", "is not a URL: " + e.getMessage());
            }
            Upstream upstream;
            try {
                upstream = Upstream.of(host, url);
            } catch (IllegalArgumentException e) {
                throw wrong(at, e.getMessage());
            }
            Optional<Boolean> library = optionalBoolean(node, at, "libraryPrefix");
            upstream = upstream.withLibraryPrefix(library.orElse(upstream.host().equals("docker.io")));
            Optional<String> credentials = optionalString(node, at, "credentialsFile");
            if (credentials.isPresent()) {
                String[] login;
                try {
                    login = UpstreamFlags.readLogin(resolve(credentials.get()));
                } catch (IllegalArgumentException e) {
                    throw wrong(at + ".credentialsFile", e.getMessage());
                }
                upstream = upstream.withBasicAuth(login[0], login[1]);
            }
            JsonNode allow = node.path("allow");
            if (!allow.isMissingNode()) {
                if (!allow.isArray() || allow.isEmpty()) {
                    throw wrong(at + ".allow", "must be a non-empty list of repository globs, as in [\"library/*\"]");
                }
                for (int i = 0; i < allow.size(); i++) {
                    JsonNode glob = allow.get(i);
                    if (!glob.isTextual()) {
                        throw wrong(at + ".allow[" + i + "]", "must be a string; quote it");
                    }
                    try {
                        upstream = upstream.allowing(glob.asText());
                    } catch (IllegalArgumentException e) {
                        throw wrong(at + ".allow[" + i + "]", e.getMessage());
                    }
                }
            }
            Optional<Duration> recheck = optionalDuration(node, at, "tagRecheck", true);
            if (recheck.isPresent()) {
                upstream = upstream.withTagRecheck(recheck.get());
            }
            Optional<Duration> retention = optionalDuration(node, at, "retention", false);
            if (retention.isPresent()) {
                upstream = upstream.withRetention(retention.get());
            }
            Optional<Duration> connect = optionalDuration(node, at, "connectTimeout", false);
            Optional<Duration> read = optionalDuration(node, at, "readTimeout", false);
            if (connect.isPresent() || read.isPresent()) {
                upstream = upstream.withTimeouts(connect.orElse(upstream.connectTimeout()),
                        read.orElse(upstream.readTimeout()));
            }
            Optional<String> ca = optionalString(node, at, "caFile");
            if (ca.isPresent()) {
                upstream = upstream.withTrustedCertificates(certificates(resolve(ca.get()), at + ".caFile"));
            }
            return upstream;
        }

        Webhook webhook(JsonNode node, String at) {
            keys(node, at, WEBHOOK);
            Webhook hook;
            try {
                hook = Webhook.to(new URI(string(node, at, "url")));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw wrong(at + ".url", e.getMessage());
            }
            Optional<String> name = optionalString(node, at, "name");
            if (name.isPresent()) {
                try {
                    hook = hook.named(name.get());
                } catch (IllegalArgumentException e) {
                    throw wrong(at + ".name", e.getMessage());
                }
            }
            Optional<String> secretFile = optionalString(node, at, "secretFile");
            if (secretFile.isPresent()) {
                Path secret = resolve(secretFile.get());
                String key;
                try {
                    key = SecretFile.firstLine(secret, "webhook secret file");
                } catch (IllegalArgumentException e) {
                    throw wrong(at + ".secretFile", e.getMessage());
                }
                if (key.isEmpty()) {
                    throw wrong(at + ".secretFile", secret + " is empty; put the key on its first line");
                }
                hook = hook.withSecret(key);
            }
            Optional<String> format = optionalString(node, at, "format");
            if (format.isPresent()) {
                hook = hook.withFormat(switch (format.get().toLowerCase(Locale.ROOT)) {
                    case "cloudevents" -> Webhook.Format.CLOUDEVENTS;
                    case "distribution" -> Webhook.Format.DISTRIBUTION;
                    default -> throw wrong(at + ".format", "must be cloudevents or distribution, was '"
                            + format.get() + "'");
                });
            }
            JsonNode types = node.path("types");
            if (!types.isMissingNode()) {
                if (!types.isArray() || types.isEmpty()) {
                    throw wrong(at + ".types", "must be a non-empty list of event kinds, as in [MANIFEST_PUSHED]");
                }
                List<RegistryEvent.Type> kinds = new ArrayList<>();
                for (int i = 0; i < types.size(); i++) {
                    try {
                        kinds.add(RegistryEvent.Type.valueOf(types.get(i).asText().toUpperCase(Locale.ROOT)));
                    } catch (IllegalArgumentException e) {
                        throw wrong(at + ".types[" + i + "]", "is not an event kind; expected one of "
                                + List.of(RegistryEvent.Type.values()));
                    }
                }
                hook = hook.forTypes(kinds.get(0), kinds.subList(1, kinds.size()).toArray(RegistryEvent.Type[]::new));
            }
            JsonNode repositories = node.path("repositories");
            if (!repositories.isMissingNode()) {
                if (!repositories.isArray() || repositories.isEmpty()) {
                    throw wrong(at + ".repositories", "must be a non-empty list of repository globs");
                }
                for (int i = 0; i < repositories.size(); i++) {
                    try {
                        hook = hook.forRepositories(repositories.get(i).asText());
                    } catch (IllegalArgumentException e) {
                        throw wrong(at + ".repositories[" + i + "]", e.getMessage());
                    }
                }
            }
            Optional<Duration> timeout = optionalDuration(node, at, "timeout", false);
            if (timeout.isPresent()) {
                hook = hook.withTimeout(timeout.get());
            }
            JsonNode batch = node.path("batch");
            if (!batch.isMissingNode()) {
                if (!batch.canConvertToInt() || !batch.isIntegralNumber()) {
                    throw wrong(at + ".batch", "must be a whole number of events per request, 1 to 1000");
                }
                try {
                    hook = hook.withBatches(batch.intValue());
                } catch (IllegalArgumentException e) {
                    throw wrong(at + ".batch", e.getMessage());
                }
            }
            return hook;
        }

        /** The {@code rateLimits} section; none when it is absent or empty. */
        RateLimits rateLimits(JsonNode section) {
            RateLimits limits = RateLimits.none();
            if (section.isMissingNode() || section.isNull()) {
                return limits;
            }
            Set<String> budgets = new java.util.TreeSet<>();
            for (Budget budget : Budget.values()) {
                budgets.add(budget.key());
            }
            keys(section, "rateLimits", budgets);
            for (Budget budget : Budget.values()) {
                JsonNode node = section.path(budget.key());
                if (!node.isMissingNode()) {
                    limits = limits.with(budget, rate(node, "rateLimits." + budget.key()));
                }
            }
            return limits;
        }

        /** {@code 100/s}, or {@code {rate: 100/s, burst: 300}}. */
        Rate rate(JsonNode node, String at) {
            boolean mapping = node.isObject();
            if (mapping) {
                keys(node, at, RATE);
            }
            String rateAt = mapping ? at + ".rate" : at;
            JsonNode text = mapping ? node.path("rate") : node;
            if (text.isMissingNode()) {
                throw wrong(rateAt, "is required");
            }
            if (!text.isTextual()) {
                throw wrong(rateAt, "must be a rate such as 100/s, 6000/m or 50MiB/s (AMOUNT/UNIT, UNIT s, m or h)"
                        + (mapping ? "" : ", or a mapping {rate: 100/s, burst: 300}"));
            }
            Rate rate;
            try {
                rate = Rate.parse(text.asText());
            } catch (IllegalArgumentException e) {
                throw wrong(rateAt, "is not a rate: " + e.getMessage());
            }
            JsonNode burst = node.path("burst");
            if (!mapping || burst.isMissingNode()) {
                return rate;
            }
            try {
                if (burst.isIntegralNumber() && burst.canConvertToLong()) {
                    return rate.withBurst(burst.longValue());
                }
                if (burst.isTextual()) {
                    return rate.withBurst(Rate.parseAmount(burst.asText()));
                }
            } catch (IllegalArgumentException e) {
                throw wrong(at + ".burst", "is not a burst: " + e.getMessage());
            }
            throw wrong(at + ".burst", "must be a whole number, optionally with a size suffix (300, 200MiB)");
        }

        /** The PEM certificates in {@code pem}, at least one. */
        List<X509Certificate> certificates(Path pem, String at) {
            try (InputStream in = Files.newInputStream(pem)) {
                List<X509Certificate> out = new ArrayList<>();
                for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    out.add((X509Certificate) certificate);
                }
                if (out.isEmpty()) {
                    throw wrong(at, pem + " holds no certificate");
                }
                return out;
            } catch (NoSuchFileException e) {
                throw wrong(at, pem + " does not exist");
            } catch (IOException | GeneralSecurityException e) {
                throw wrong(at, "cannot read certificates from " + pem + ": " + e.getMessage());
            }
        }

        Path resolve(String path) {
            Path p = Path.of(path);
            Path dir = file.toAbsolutePath().getParent();
            return p.isAbsolute() || dir == null ? p : dir.resolve(p);
        }

        void keys(JsonNode node, String at, Set<String> known) {
            if (!node.isObject()) {
                throw wrong(at.isEmpty() ? "the top level" : at, "must be a mapping of keys to values");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                String key = it.next().getKey();
                if (!known.contains(key)) {
                    throw wrong(at.isEmpty() ? key : at + "." + key, "is not a key this version knows; expected one of "
                            + known.stream().sorted().toList());
                }
            }
        }

        String string(JsonNode node, String at, String key) {
            return optionalString(node, at, key).orElseThrow(() -> wrong(at + "." + key, "is required"));
        }

        Optional<String> optionalString(JsonNode node, String at, String key) {
            JsonNode value = node.path(key);
            if (value.isMissingNode()) {
                return Optional.empty();
            }
            if (!value.isTextual() || value.asText().isBlank()) {
                throw wrong(at + "." + key, "must be a non-empty string");
            }
            return Optional.of(value.asText().trim());
        }

        Optional<Boolean> optionalBoolean(JsonNode node, String at, String key) {
            JsonNode value = node.path(key);
            if (value.isMissingNode()) {
                return Optional.empty();
            }
            if (!value.isBoolean()) {
                throw wrong(at + "." + key, "must be true or false");
            }
            return Optional.of(value.asBoolean());
        }

        Optional<Duration> optionalDuration(JsonNode node, String at, String key, boolean zeroAllowed) {
            Optional<String> text = optionalString(node, at, key);
            if (text.isEmpty()) {
                return Optional.empty();
            }
            try {
                Duration d = Duration.parse(text.get());
                if (d.isNegative() || (d.isZero() && !zeroAllowed)) {
                    throw new DateTimeParseException("not positive", text.get(), 0);
                }
                return Optional.of(d);
            } catch (DateTimeParseException e) {
                throw wrong(at + "." + key, "must be an ISO-8601 duration" + (zeroAllowed ? "" : " above zero")
                        + " such as PT30S, PT5M or P30D, was '" + text.get() + "'");
            }
        }

        IllegalArgumentException wrong(String entry, String what) {
            return new IllegalArgumentException(file + ": " + entry + " " + what);
        }
    }

    /**
     * The YAML reader, built on first use: most starts have no configuration file, and building it sets up Jackson
     * on the thread that starts the registry (about a tenth of a start).
     */
    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }
}
