package dev.wharf.testing.launcher;

import dev.wharf.api.RegistryBuilder;
import dev.wharf.api.Upstream;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The launcher's pull-through mirror flags, validated together:
 * <ul>
 *   <li>{@code --upstream HOST=URL} (repeatable): mirror the registry at URL for source host HOST
 *       ({@code docker.io=https://registry-1.docker.io}); {@code docker.io} gets the {@code library/} rewrite of
 *       one-component names;</li>
 *   <li>{@code --default-upstream HOST}: pulls without {@code ns} of repositories that do not exist here go to
 *       HOST's upstream;</li>
 *   <li>{@code --upstream-credentials HOST=FILE}: log in to HOST's upstream with the {@code user:password} on
 *       FILE's first line (Basic, or for a bearer token);</li>
 *   <li>{@code --upstream-tag-recheck D}: how long a mirrored tag is served before the upstream is asked again
 *       (ISO-8601, default PT1M).</li>
 * </ul>
 *
 * @param upstreams   source host to URL, in the order given
 * @param defaultHost {@code --default-upstream}
 * @param credentials source host to credentials file
 * @param tagRecheck  {@code --upstream-tag-recheck}
 */
record UpstreamFlags(Map<String, URI> upstreams, Optional<String> defaultHost, Map<String, Path> credentials,
                     Duration tagRecheck) {
    static final UpstreamFlags NONE = new UpstreamFlags(Map.of(), Optional.empty(), Map.of(),
            Upstream.DEFAULT_TAG_RECHECK);

    UpstreamFlags {
        upstreams = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(upstreams));
        Objects.requireNonNull(defaultHost, "defaultHost");
        credentials = Map.copyOf(credentials);
        Objects.requireNonNull(tagRecheck, "tagRecheck");
    }

    /** Parses one {@code HOST=VALUE} flag value into {@code into}; a host given twice is an error. */
    static <T> void put(String flag, String value, Map<String, T> into, java.util.function.Function<String, T> parse) {
        int equals = value.indexOf('=');
        if (equals <= 0 || equals == value.length() - 1) {
            throw new IllegalArgumentException(flag + " needs HOST=" + (flag.equals("--upstream") ? "URL" : "FILE")
                    + ", such as " + (flag.equals("--upstream") ? "docker.io=https://registry-1.docker.io"
                    : "docker.io=hub-login.txt") + "; was '" + value + "'");
        }
        String host = value.substring(0, equals).trim().toLowerCase(Locale.ROOT);
        if (into.put(host, parse.apply(value.substring(equals + 1).trim())) != null) {
            throw new IllegalArgumentException(flag + " names " + host + " twice");
        }
    }

    /** Checks that the flags fit together and that each upstream is well formed. */
    UpstreamFlags validated() {
        return validated(false);
    }

    /**
     * {@link #validated()}, where {@code withConfigFile} says a {@code --config} file may configure the upstream
     * {@code --default-upstream} names (checked when the file is read).
     */
    UpstreamFlags validated(boolean withConfigFile) {
        for (String host : upstreams.keySet()) {
            upstream(host, upstreams.get(host)); // throws for a bad host or URL
        }
        if (!withConfigFile && defaultHost.isPresent() && !upstreams.containsKey(defaultHost.get())) {
            throw new IllegalArgumentException("--default-upstream " + defaultHost.get()
                    + " needs an --upstream " + defaultHost.get() + "=URL");
        }
        for (String host : credentials.keySet()) {
            if (!upstreams.containsKey(host)) {
                throw new IllegalArgumentException("--upstream-credentials names " + host
                        + ", which no --upstream HOST=URL configures");
            }
        }
        return this;
    }

    /** Adds the upstreams to the engine; reads the credentials files. */
    void applyTo(RegistryBuilder engine) {
        applyTo(engine, LauncherConfigFile.EMPTY, Optional.empty());
    }

    /**
     * Adds the flags' upstreams and {@code file}'s ({@code --config}) to the engine; reads the credentials files.
     *
     * @throws IllegalArgumentException for a host configured by both, or a default upstream given by both
     */
    void applyTo(RegistryBuilder engine, LauncherConfigFile file, Optional<Path> fileName) {
        String source = fileName.map(Path::toString).orElse("the configuration file");
        for (Upstream fromFile : file.upstreams()) {
            if (upstreams.containsKey(fromFile.host())) {
                throw new IllegalArgumentException("upstream " + fromFile.host() + " is configured twice: by --upstream "
                        + "and in " + source);
            }
        }
        if (defaultHost.isPresent() && file.defaultUpstream().isPresent()) {
            throw new IllegalArgumentException("the default upstream is given twice: by --default-upstream and in "
                    + source);
        }
        for (Map.Entry<String, URI> entry : upstreams.entrySet()) {
            Upstream upstream = upstream(entry.getKey(), entry.getValue()).withTagRecheck(tagRecheck);
            Path login = credentials.get(entry.getKey());
            if (login != null) {
                String[] pair = readLogin(login);
                upstream = upstream.withBasicAuth(pair[0], pair[1]);
            }
            engine.upstream(upstream);
        }
        file.upstreams().forEach(engine::upstream);
        Optional<String> chosen = defaultHost.or(file::defaultUpstream);
        if (chosen.isPresent() && !upstreams.containsKey(chosen.get())
                && file.upstreams().stream().noneMatch(u -> u.host().equals(chosen.get()))) {
            throw new IllegalArgumentException("--default-upstream " + chosen.get() + " needs an upstream for "
                    + chosen.get());
        }
        chosen.ifPresent(engine::defaultUpstream);
    }

    /** Reads every credentials file now, so that a bad one stops the launcher before it serves. */
    List<String> checkFiles() {
        List<String> users = new ArrayList<>();
        for (Path file : credentials.values()) {
            users.add(readLogin(file)[0]);
        }
        return users;
    }

    private static Upstream upstream(String host, URI url) {
        Upstream upstream = Upstream.of(host, url);
        return host.equals("docker.io") ? upstream.withLibraryPrefix(true) : upstream;
    }

    /** The user and password on {@code file}'s first line, {@code user:password}. */
    static String[] readLogin(Path file) {
        String first = SecretFile.firstLine(file, "upstream credentials file");
        int colon = first.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("upstream credentials file " + file
                    + " must hold user:password on its first line");
        }
        return new String[] {first.substring(0, colon), first.substring(colon + 1)};
    }
}
