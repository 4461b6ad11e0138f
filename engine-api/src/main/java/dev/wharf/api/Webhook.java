package dev.wharf.api;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An HTTP receiver of the registry's events ({@link RegistryBuilder#webhook(Webhook)}): each event of the event
 * log that passes the filters is {@code POST}ed to {@link #url()}, one per request, in log order, at least once.
 * A receiver that is down, slow or failing is retried with exponential backoff and jitter, without holding up a
 * push; its place in the log (its cursor) is kept in the metadata store, so a restart resumes where it stopped.
 *
 * <p>The body is a CloudEvents 1.0 event in structured JSON mode ({@link Format#CLOUDEVENTS}, the default), or
 * shaped like CNCF distribution's notification envelope ({@link Format#DISTRIBUTION}). With a secret, each request
 * carries {@code X-Wharf-Signature: sha256=<hex HMAC-SHA256 of the body>}.
 *
 * <p>Instances are immutable; each {@code with} method returns a changed copy.
 */
public final class Webhook {
    /** The header holding the body's HMAC-SHA256 signature. */
    public static final String SIGNATURE_HEADER = "X-Wharf-Signature";
    /** Default time to connect and to wait for the receiver's answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** What a request's body looks like. */
    public enum Format {
        /** CloudEvents 1.0, structured JSON mode ({@code application/cloudevents+json}). */
        CLOUDEVENTS,
        /** CNCF distribution's notification envelope ({@code application/vnd.docker.distribution.events.v1+json}). */
        DISTRIBUTION
    }

    /** The most events {@link #withBatches} puts in one request. */
    public static final int MAX_BATCH = 1000;

    private final String name;
    private final URI url;
    private final Optional<byte[]> secret;
    private final Format format;
    private final Set<RegistryEvent.Type> types;
    private final List<RepositoryGlob> repositories;
    private final Duration timeout;
    private final int batch;

    private Webhook(String name, URI url, Optional<byte[]> secret, Format format, Set<RegistryEvent.Type> types,
                    List<RepositoryGlob> repositories, Duration timeout, int batch) {
        this.name = name;
        this.url = url;
        this.secret = secret;
        this.format = format;
        this.types = types.isEmpty() ? EnumSet.noneOf(RegistryEvent.Type.class) : EnumSet.copyOf(types);
        this.repositories = List.copyOf(repositories);
        this.timeout = timeout;
        this.batch = batch;
    }

    /**
     * A webhook to {@code url} (absolute http or https), named by the URL, every event, CloudEvents, no secret.
     *
     * @throws IllegalArgumentException for a URL that is not absolute http or https
     */
    public static Webhook to(URI url) {
        Objects.requireNonNull(url, "url");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("webhook URL '" + url + "' must be an absolute http or https URL");
        }
        return new Webhook(url.toString(), url, Optional.empty(), Format.CLOUDEVENTS, Set.of(), List.of(),
                DEFAULT_TIMEOUT, 1);
    }

    /** The name its cursor is kept under (the URL unless {@link #named}); a renamed webhook starts afresh. */
    public String name() {
        return name;
    }

    public URI url() {
        return url;
    }

    /** The HMAC key, if requests are signed (a copy). */
    public Optional<byte[]> secret() {
        return secret.map(byte[]::clone);
    }

    public Format format() {
        return format;
    }

    /** The kinds of event sent; empty means all. */
    public Set<RegistryEvent.Type> types() {
        return types.isEmpty() ? Set.of() : EnumSet.copyOf(types);
    }

    /** The repositories whose events are sent; empty means all (repository-less events go only then). */
    public List<RepositoryGlob> repositories() {
        return repositories;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Whether {@code event} passes this webhook's filters. */
    public boolean wants(RegistryEvent event) {
        if (!types.isEmpty() && !types.contains(event.type())) {
            return false;
        }
        if (repositories.isEmpty()) {
            return true;
        }
        return event.repository().isPresent() && repositories.stream().anyMatch(g -> g.matches(event.repository().get()));
    }

    /** Names the webhook (its cursor's key); letters, digits, {@code . _ - : /} only, at most 200 characters. */
    public Webhook named(String newName) {
        if (newName == null || newName.isEmpty() || newName.length() > 200
                || !newName.chars().allMatch(c -> Character.isLetterOrDigit(c) || ".-_:/".indexOf(c) >= 0)) {
            throw new IllegalArgumentException("a webhook name is 1 to 200 letters, digits, '.', '-', '_', ':' or '/'");
        }
        return new Webhook(newName, url, secret, format, types, repositories, timeout, batch);
    }

    /** Signs each request's body with HMAC-SHA256 under {@code key} (UTF-8 bytes of it). */
    public Webhook withSecret(String key) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("a webhook secret must not be empty");
        }
        return new Webhook(name, url, Optional.of(key.getBytes(StandardCharsets.UTF_8)), format, types, repositories,
                timeout, batch);
    }

    public Webhook withFormat(Format newFormat) {
        return new Webhook(name, url, secret, Objects.requireNonNull(newFormat), types, repositories, timeout, batch);
    }

    /** Sends only events of these kinds. */
    public Webhook forTypes(RegistryEvent.Type first, RegistryEvent.Type... rest) {
        return new Webhook(name, url, secret, format, EnumSet.of(first, rest), repositories, timeout, batch);
    }

    /** Sends only events of repositories matching one of {@code globs}. Adds to earlier calls. */
    public Webhook forRepositories(String... globs) {
        List<RepositoryGlob> all = new ArrayList<>(repositories);
        for (String glob : globs) {
            all.add(RepositoryGlob.parse(glob));
        }
        return new Webhook(name, url, secret, format, types, all, timeout, batch);
    }

    /** Time to connect, and to wait for the receiver's answer. */
    public Webhook withTimeout(Duration newTimeout) {
        if (newTimeout.isNegative() || newTimeout.isZero()) {
            throw new IllegalArgumentException("a webhook timeout must be positive");
        }
        return new Webhook(name, url, secret, format, types, repositories, newTimeout, batch);
    }

    /** The most events one request carries; 1 (the default) sends each event on its own. */
    public int batch() {
        return batch;
    }

    /**
     * Sends up to {@code maxEvents} events per request when more are waiting: for {@link Format#CLOUDEVENTS}, as
     * a JSON array of structured events ({@code application/cloudevents-batch+json}, the CloudEvents HTTP
     * binding's batched mode); for {@link Format#DISTRIBUTION}, in one envelope's {@code events}. The receiver
     * must then take batches; each request's {@code X-Wharf-Event-Id} is its last event's id.
     */
    public Webhook withBatches(int maxEvents) {
        if (maxEvents < 1 || maxEvents > MAX_BATCH) {
            throw new IllegalArgumentException("a webhook batch holds 1 to " + MAX_BATCH + " events, was " + maxEvents);
        }
        return new Webhook(name, url, secret, format, types, repositories, timeout, maxEvents);
    }

    /** The name and URL; never the secret. */
    @Override
    public String toString() {
        return "Webhook[" + name + (name.equals(url.toString()) ? "" : " = " + url) + ", " + format + "]";
    }
}
