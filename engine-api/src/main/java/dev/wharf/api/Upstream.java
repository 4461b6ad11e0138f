package dev.wharf.api;

import dev.wharf.spi.UpstreamClient;

import java.security.cert.X509Certificate;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Another registry this one mirrors: pulls of its repositories that miss locally are fetched from it, stored,
 * and served from then on (a pull-through mirror). Configured with {@link RegistryBuilder#upstream(Upstream)}.
 *
 * <p>An upstream is known by its <em>source host</em>, the host a client puts first in an image name
 * ({@code docker.io} in {@code docker.io/library/alpine}) and sends as the {@code ns} query parameter when it
 * uses a mirror. Its content lives in this registry under {@link #prefix()}, the source host as a repository
 * name component ({@code docker.io/library/alpine}; a port's {@code :} becomes {@code -}, so
 * {@code localhost:5000/app} is kept as {@code localhost-5000/app}). Those repositories are read-only for
 * clients: pushes and deletes are refused with {@code DENIED}.
 *
 * <p>Instances are immutable; each {@code with} method returns a changed copy.
 *
 * <pre>{@code
 * Upstream hub = Upstream.of("docker.io", URI.create("https://registry-1.docker.io"))
 *         .withLibraryPrefix(true)                    // "alpine" is "library/alpine" there
 *         .withBasicAuth("me", token)                 // used for Basic and for the token flow
 *         .allowing("library/*", "grafana/**");       // nothing else is fetched
 * }</pre>
 */
public final class Upstream {
    /** How long a tag fetched from the upstream is served before it is checked there again, by default. */
    public static final Duration DEFAULT_TAG_RECHECK = Duration.ofMinutes(1);
    /** Default time to open a connection to the upstream. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default time to wait for the upstream's answer, and for each read of a body after it. */
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    private final String host;
    private final URI url;
    private final Optional<String> username;
    private final Optional<String> password;
    private final boolean libraryPrefix;
    private final List<RepositoryGlob> allowed;
    private final Duration tagRecheck;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final List<X509Certificate> trusted;
    private final Optional<UpstreamClient> client;
    private final Optional<Duration> retention;

    private Upstream(String host, URI url, Optional<String> username, Optional<String> password,
                     boolean libraryPrefix, List<RepositoryGlob> allowed, Duration tagRecheck,
                     Duration connectTimeout, Duration readTimeout, List<X509Certificate> trusted,
                     Optional<UpstreamClient> client, Optional<Duration> retention) {
        this.host = host;
        this.url = url;
        this.username = username;
        this.password = password;
        this.libraryPrefix = libraryPrefix;
        this.allowed = List.copyOf(allowed);
        this.tagRecheck = tagRecheck;
        this.connectTimeout = connectTimeout;
        this.readTimeout = readTimeout;
        this.trusted = List.copyOf(trusted);
        this.client = client;
        this.retention = retention;
    }

    /**
     * An upstream for source host {@code host} ({@code docker.io}, {@code ghcr.io}, {@code localhost:5000}),
     * reached at {@code url} ({@code https://registry-1.docker.io}): anonymous, every repository allowed, the
     * default timeouts and tag re-check time.
     *
     * @throws IllegalArgumentException for a host that is not a lowercase host name with an optional port, or
     *                                  a URL that is not absolute {@code http} or {@code https} without query
     */
    public static Upstream of(String host, URI url) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(url, "url");
        String h = host.toLowerCase(Locale.ROOT);
        if (!HostPattern.HOST.matcher(h).matches() || h.length() > 200) {
            throw new IllegalArgumentException("upstream host '" + host + "' is not a host name with an optional "
                    + "port (such as docker.io or localhost:5000)");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null
                || url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("upstream URL '" + url + "' for " + host
                    + " must be an absolute http or https URL without query, such as https://registry-1.docker.io");
        }
        return new Upstream(h, url, Optional.empty(), Optional.empty(), false, List.of(), DEFAULT_TAG_RECHECK,
                DEFAULT_CONNECT_TIMEOUT, DEFAULT_READ_TIMEOUT, List.of(), Optional.empty(), Optional.empty());
    }

    /** The source host clients name this upstream by (lowercase). */
    public String host() {
        return host;
    }

    /** Where the upstream registry answers (its {@code /v2/} lives under this URL). */
    public URI url() {
        return url;
    }

    /**
     * The first component of the local repositories that hold this upstream's content: the host, with a port's
     * {@code :} written as {@code -}.
     */
    public String prefix() {
        return host.replace(':', '-');
    }

    /** The user name sent to the upstream (Basic, or to its token service), if configured. */
    public Optional<String> username() {
        return username;
    }

    /** The password or access token sent with {@link #username()}. */
    public Optional<String> password() {
        return password;
    }

    /** Whether a one-component name is asked for under {@code library/} upstream, as Docker Hub names it. */
    public boolean libraryPrefix() {
        return libraryPrefix;
    }

    /** The upstream repositories that may be fetched, as upstream names; empty means all. */
    public List<RepositoryGlob> allowed() {
        return allowed;
    }

    /** How long a tag fetched from the upstream is served before it is checked there again. */
    public Duration tagRecheck() {
        return tagRecheck;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration readTimeout() {
        return readTimeout;
    }

    /**
     * The certificates an {@code https} upstream's chain must lead to, instead of the JDK's trusted ones (a private
     * CA); empty for the JDK's.
     */
    public List<X509Certificate> trustedCertificates() {
        return trusted;
    }

    /**
     * A client to reach the upstream with instead of the engine's HTTP client: for tests, or for a vendor's own
     * transport. Empty by default.
     */
    public Optional<UpstreamClient> client() {
        return client;
    }

    /**
     * How long mirrored content is kept after it was last pulled: garbage collection removes manifests (with
     * their tags) not pulled for longer, and the blobs only they used; the next pull fetches them again. Empty
     * (the default) keeps everything.
     */
    public Optional<Duration> retention() {
        return retention;
    }

    /** Lets garbage collection evict what was not pulled for {@code unused} (least recently pulled first out). */
    public Upstream withRetention(Duration unused) {
        if (unused.isNegative() || unused.isZero()) {
            throw new IllegalArgumentException("mirror retention must be positive");
        }
        return new Upstream(host, url, username, password, libraryPrefix, allowed, tagRecheck, connectTimeout,
                readTimeout, trusted, client, Optional.of(unused));
    }

    /** Sends these credentials upstream: as Basic, or to the upstream's token service for a bearer token. */
    public Upstream withBasicAuth(String user, String secret) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(secret, "secret");
        if (user.isEmpty() || user.indexOf(':') >= 0) {
            throw new IllegalArgumentException("an upstream user name must be non-empty and hold no ':'");
        }
        return new Upstream(host, url, Optional.of(user), Optional.of(secret), libraryPrefix, allowed, tagRecheck,
                connectTimeout, readTimeout, trusted, client, retention);
    }

    /** With {@code true}, a one-component name {@code alpine} is fetched as {@code library/alpine} upstream. */
    public Upstream withLibraryPrefix(boolean prefix) {
        return new Upstream(host, url, username, password, prefix, allowed, tagRecheck, connectTimeout,
                readTimeout, trusted, client, retention);
    }

    /**
     * Only upstream repositories matching one of {@code globs} (upstream names, after the {@code library/}
     * rewrite) are fetched; a pull of any other is refused with {@code DENIED}. Adds to earlier calls.
     */
    public Upstream allowing(String... globs) {
        List<RepositoryGlob> all = new ArrayList<>(allowed);
        for (String glob : globs) {
            all.add(RepositoryGlob.parse(glob));
        }
        return new Upstream(host, url, username, password, libraryPrefix, all, tagRecheck, connectTimeout,
                readTimeout, trusted, client, retention);
    }

    /** How long a fetched tag is trusted before the upstream is asked again; zero asks on every pull. */
    public Upstream withTagRecheck(Duration recheck) {
        if (recheck.isNegative()) {
            throw new IllegalArgumentException("tag re-check time must not be negative");
        }
        return new Upstream(host, url, username, password, libraryPrefix, allowed, recheck, connectTimeout,
                readTimeout, trusted, client, retention);
    }

    /** Time limits for connecting to the upstream and for each wait on its answer. */
    public Upstream withTimeouts(Duration connect, Duration read) {
        if (connect.isNegative() || connect.isZero() || read.isNegative() || read.isZero()) {
            throw new IllegalArgumentException("upstream timeouts must be positive");
        }
        return new Upstream(host, url, username, password, libraryPrefix, allowed, tagRecheck, connect, read,
                trusted, client, retention);
    }

    /** Trusts exactly {@code certificates} (a private CA) for an {@code https} upstream, instead of the JDK's. */
    public Upstream withTrustedCertificates(List<X509Certificate> certificates) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("give at least one certificate to trust");
        }
        return new Upstream(host, url, username, password, libraryPrefix, allowed, tagRecheck, connectTimeout,
                readTimeout, certificates, client, retention);
    }

    /** Reaches the upstream through {@code upstreamClient} instead of the engine's HTTP client. */
    public Upstream withClient(UpstreamClient upstreamClient) {
        return new Upstream(host, url, username, password, libraryPrefix, allowed, tagRecheck, connectTimeout,
                readTimeout, trusted, Optional.of(upstreamClient), retention);
    }

    /**
     * The name a repository has upstream, for the part of a local name after {@link #prefix()}: the same, or
     * under {@code library/} for a one-component name when {@link #libraryPrefix()} is set.
     */
    public String upstreamName(String localRest) {
        return libraryPrefix && localRest.indexOf('/') < 0 ? "library/" + localRest : localRest;
    }

    /** Whether the upstream repository {@code upstreamName} may be fetched ({@link #allowing}). */
    public boolean allows(String upstreamName) {
        if (allowed.isEmpty()) {
            return true;
        }
        RepositoryName name;
        try {
            name = RepositoryName.of(upstreamName);
        } catch (RegistryException e) {
            return false;
        }
        for (RepositoryGlob glob : allowed) {
            if (glob.matches(name)) {
                return true;
            }
        }
        return false;
    }

    /** The host and URL; never the credentials. */
    @Override
    public String toString() {
        return "Upstream[" + host + " = " + url + (username.isPresent() ? ", as " + username.get() : "") + "]";
    }

    /**
     * The host syntax, compiled on first use: reading {@link #DEFAULT_TAG_RECHECK} (every launcher start does) need
     * not compile it.
     */
    private static final class HostPattern {
        static final Pattern HOST = Pattern.compile(
                "[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]{1,5})?");

        private HostPattern() {
        }
    }
}
