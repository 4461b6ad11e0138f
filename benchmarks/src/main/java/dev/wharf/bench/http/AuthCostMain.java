package dev.wharf.bench.http;

import dev.wharf.servlet.auth.HtpasswdFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Measures what a login costs: the launcher started afresh for each {@link Login} (none, Basic, the token flow)
 * in every round, the order rotating, and the harness's manifest GET and blob HEAD loads ({@link ReadLoads}) run
 * against each with the login's {@code Authorization} header on every request. Prints the Markdown report
 * ({@link AuthCostReport}) and writes it to {@code --out}. Exit status 0 on success, 1 when a load failed its
 * checks, 2 for a bad command line.
 */
public final class AuthCostMain {
    /** The one user of the htpasswd file; its password is new in every run. */
    static final String USER = "bench";
    /** The token service's path and service name, as the launcher serves them with {@code --token-auth}. */
    static final String TOKEN_PATH = "/token";
    static final String TOKEN_SERVICE = "wharf-registry";
    /** The image's tag; the repository and layer size are the HTTP harness's small blobs'. */
    static final String TAG = "latest";
    static final long LAYER_SIZE = 4096;

    private AuthCostMain() {
    }

    /** The command: see {@link AuthCostOptions#USAGE}. */
    public static void main(String[] args) {
        CommandLine.main("wharf-auth", AuthCostOptions.USAGE, args, AuthCostOptions::parse, AuthCostOptions::help,
                o -> run(o, System.out, System.err));
    }

    static int run(AuthCostOptions o, PrintStream out, PrintStream log) {
        ServerProcess.requireLauncherJar(o.wharfJar());
        try (TempDirs.Scratch dir = TempDirs.scratch(o.workDir(), "wharf-auth-")) {
            char[] password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16)).toCharArray();
            Path htpasswd = dir.path().resolve("users.htpasswd");
            try {
                Files.writeString(htpasswd, USER + ":" + HtpasswdFile.hash(password, HtpasswdFile.DEFAULT_COST) + "\n",
                        StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new BenchmarkFailure("cannot write " + htpasswd + ": " + e, e);
            }
            String basic = RegistryClient.basic(USER, new String(password));
            Image image = Image.of(BlobWorkloads.SMALL);
            List<String> header = header(o, dir.path());
            Results results = new Results();
            for (int round = 1; round <= o.rounds(); round++) {
                String prefix = "[round " + round + "/" + o.rounds() + "]";
                for (Login login : order(round)) {
                    List<String> flags = new ArrayList<>(login.flags(htpasswd));
                    flags.addAll(o.wharfArgs());
                    try (ServerProcess server = ServerProcess.wharf(o.wharfJar(), o.wharfJavaOptions(), flags, dir.path())) {
                        log.println(prefix + " " + login.label() + ": started on port " + server.target().port());
                        measure(o, server, login, basic, image, results, log, prefix);
                    }
                }
            }
            Report.publish(AuthCostReport.render("Wharf: the cost of a login over HTTP", header, results), o.out(),
                    out, log, "wharf-auth");
            return 0;
        }
    }

    /** The logins in round {@code round}'s order: rotated by one each round, so each goes first in turn. */
    static List<Login> order(int round) {
        return Report.inTurn(List.of(Login.values()), round);
    }

    /** Pushes the image as {@code login} allows, then times both loads with its credentials and records them. */
    private static void measure(AuthCostOptions o, ServerProcess server, Login login, String basic, Image image,
                                Results results, PrintStream log, String prefix) {
        Target target = server.target();
        String repo = image.repository();
        Optional<String> push = login.authorization(basic, target, "repository:" + repo + ":pull,push", 0);
        try (RegistryClient c = new RegistryClient(target, ServerRun.READ_TIMEOUT_MILLIS, push)) {
            image.push(c, TAG);
        }
        if (login != Login.ANONYMOUS) {
            // What is measured must be a login: without credentials, the same request is refused.
            try (RegistryClient anonymous = new RegistryClient(target, ServerRun.READ_TIMEOUT_MILLIS)) {
                anonymous.expect(Request.of("HEAD", "/v2/" + repo + "/blobs/" + image.layers().get(0).digest()), 401);
            }
        }
        Optional<String> pull = login.authorization(basic, target, "repository:" + repo + ":pull", o.loadSeconds());
        ReadLoads loads = o.loads();
        LoadResult head = loads.blobHead(target, repo, image.layers().get(0), pull);
        LoadResult get = loads.manifestGet(target, server.directory(), repo, TAG, image.manifest(), image.digest(), pull);
        try (RegistryClient c = new RegistryClient(target, ServerRun.READ_TIMEOUT_MILLIS, push)) {
            c.getManifest(repo, TAG, OciManifest.MEDIA_TYPE, image.manifest()); // wrk checks status codes only
        }
        server.requireAlive();
        String headDetail = loads.connections() + " connections, " + head.tool() + " client, " + loads.seconds() + " s";
        String getDetail = loads.connections() + " connections, " + get.tool() + ", " + loads.seconds() + " s";
        results.detail(Metric.BLOB_HEAD, headDetail);
        results.detail(Metric.BLOB_HEAD_P99, headDetail);
        results.detail(Metric.MANIFEST_GET, getDetail);
        results.detail(Metric.MANIFEST_GET_P99, getDetail);
        record(results, log, prefix, login, Metric.BLOB_HEAD, head.requestsPerSecond());
        record(results, log, prefix, login, Metric.BLOB_HEAD_P99, head.p99Millis());
        record(results, log, prefix, login, Metric.MANIFEST_GET, get.requestsPerSecond());
        record(results, log, prefix, login, Metric.MANIFEST_GET_P99, get.p99Millis());
    }

    private static void record(Results results, PrintStream log, String prefix, Login login, Metric metric, double value) {
        results.add(metric, login.label(), value);
        log.printf(Locale.ROOT, "%s %s: %s = %s %s%n", prefix, login.label(), metric.name().toLowerCase(Locale.ROOT),
                Report.num(value), metric.unit());
        log.flush();
    }

    /** What a reader needs to judge the numbers: when, where, which versions, which logins and loads. */
    static List<String> header(AuthCostOptions o, Path scratch) {
        ReadLoads loads = o.loads();
        List<String> lines = new ArrayList<>();
        lines.add("date: " + HarnessMain.now());
        lines.add("machine: " + Environment.machine());
        lines.add(Environment.java() + " for the harness and the launcher; launcher " + o.wharfJar() + ", options "
                + String.join(" ", o.wharfJavaOptions())
                + (o.wharfArgs().isEmpty() ? "" : ", flags " + String.join(" ", o.wharfArgs())));
        lines.add("logins: " + Login.ANONYMOUS.label() + " (no login flags); " + Login.BASIC.label()
                + " (--htpasswd, one user, bcrypt cost " + HtpasswdFile.DEFAULT_COST
                + "; every request carries Authorization: Basic); " + Login.TOKEN.label()
                + " (--htpasswd --token-auth; one token per round from " + TOKEN_PATH + " for repository:"
                + BlobWorkloads.SMALL + ":pull, every request carries Authorization: Bearer)");
        lines.add(Environment.loadClients(loads.wrk()));
        lines.add("image: " + BlobWorkloads.SMALL + ":" + TAG + ", two layers of " + HarnessOptions.human(LAYER_SIZE)
                + "; blob HEAD of the first layer");
        lines.add("data: " + Environment.filesystem(scratch));
        lines.add("loads: " + loads.connections() + " connections, " + loads.seconds() + " s measured after "
                + loads.warmupSeconds() + " s warm-up");
        lines.add("rounds: " + o.rounds() + ", the launcher started afresh for each login in each round, the order"
                + " rotating; medians over rounds");
        return lines;
    }

    /** The ways a client may reach the launcher, each with the launcher flags that ask for it. */
    enum Login {
        ANONYMOUS("anonymous"),
        BASIC("Basic"),
        TOKEN("token");

        private final String label;

        Login(String label) {
            this.label = label;
        }

        /** The name in the report. */
        String label() {
            return label;
        }

        /** The launcher flags for this login, with {@code htpasswd} as the users' file. */
        List<String> flags(Path htpasswd) {
            return switch (this) {
                case ANONYMOUS -> List.of();
                case BASIC -> List.of("--htpasswd", htpasswd.toString());
                case TOKEN -> List.of("--htpasswd", htpasswd.toString(), "--token-auth");
            };
        }

        /**
         * The {@code Authorization} header for {@code scope}: none, {@code basic} itself, or a bearer token the
         * token service at {@code target} grants for {@code basic}, which must live at least {@code seconds}.
         */
        Optional<String> authorization(String basic, Target target, String scope, long seconds) {
            return switch (this) {
                case ANONYMOUS -> Optional.empty();
                case BASIC -> Optional.of(basic);
                case TOKEN -> {
                    BearerToken token;
                    try (RegistryClient c = new RegistryClient(target, ServerRun.READ_TIMEOUT_MILLIS, Optional.of(basic))) {
                        token = c.token(TOKEN_PATH, TOKEN_SERVICE, scope);
                    }
                    if (token.expiresInSeconds() < seconds) {
                        throw new BenchmarkFailure("a token lives " + token.expiresInSeconds() + " s, but the loads"
                                + " it is fetched for take " + seconds + " s: give less --seconds or --warmup");
                    }
                    yield Optional.of(token.authorization());
                }
            };
        }
    }

    /**
     * The image both loads read: two layers (the HTTP harness's first two small blobs), a config and a manifest.
     *
     * @param repository where it is pushed
     * @param layers     its layers
     * @param config     its config document
     * @param manifest   its manifest, {@link OciManifest#MEDIA_TYPE}
     * @param digest     the manifest's digest
     */
    record Image(String repository, List<PatternBlob> layers, byte[] config, byte[] manifest, String digest) {
        static Image of(String repository) {
            List<PatternBlob> layers = List.of(BlobSet.smallBlob(LAYER_SIZE, 0), BlobSet.smallBlob(LAYER_SIZE, 1));
            byte[] config = OciManifest.config();
            byte[] manifest = OciManifest.of(RegistryClient.sha256(config), config.length, layers);
            return new Image(repository, layers, config, manifest, RegistryClient.sha256(manifest));
        }

        /** Pushes the layers, the config and the manifest as {@code tag}, and reads the manifest back. */
        void push(RegistryClient c, String tag) {
            for (PatternBlob layer : layers) {
                c.pushMonolithic(repository, layer);
            }
            c.pushMonolithic(repository, RegistryClient.sha256(config), BodySource.of(config));
            c.putManifest(repository, tag, OciManifest.MEDIA_TYPE, manifest); // checks Docker-Content-Digest
            c.getManifest(repository, tag, OciManifest.MEDIA_TYPE, manifest);
        }
    }
}
