package dev.wharf.jdbc;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for tests: Debian's {@code postgresql} package ({@code /usr/lib/postgresql/N/bin}), a
 * private cluster initialised in a temporary directory and started on a free port of 127.0.0.1, stopped when the
 * JVM exits. PostgreSQL refuses to run as root, so under root (as in CI) it runs as the {@code postgres} user the
 * package creates. The cluster runs with {@code fsync=off}: the tests kill Wharf, never PostgreSQL, so they need
 * its commits, not its crash safety, and this spares the disk. One server serves the whole test JVM; each test
 * takes a fresh database ({@link #newDatabase()}). Other modules' tests use it through this module's test jar.
 */
public final class PostgresServer {
    private static final String USER = "wharf";
    private static PostgresServer shared;

    private final int port;
    private final AtomicInteger databases = new AtomicInteger();

    private PostgresServer(int port) {
        this.port = port;
    }

    /** The directory of PostgreSQL's programs, if the package is installed. */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(bin -> Files.isExecutable(bin.resolve("initdb")))
                    .max(Comparator.comparing(Path::toString));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The JVM's server, started on first use. Without PostgreSQL installed the calling test is skipped, saying so
     * ({@code .ci/run} installs it, so CI always runs these tests).
     */
    public static synchronized PostgresServer shared() throws IOException, InterruptedException {
        if (shared == null) {
            Optional<Path> bin = binaries();
            org.junit.jupiter.api.Assumptions.assumeTrue(bin.isPresent(), "PostgreSQL is not installed (no"
                    + " /usr/lib/postgresql/N/bin/initdb): apt-get install postgresql, as .ci/run does");
            shared = start(bin.get());
        }
        return shared;
    }

    private static PostgresServer start(Path bin) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("wharf-postgres");
        Path data = dir.resolve("data");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        run(root, List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync"), dir.resolve("initdb.log"));
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        run(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-w", "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start"),
                dir.resolve("pg_ctl.log"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                run(root, List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "stop"),
                        dir.resolve("stop.log"));
            } catch (Exception e) {
                // the JVM is exiting: nothing left to tell
            }
        }));
        return new PostgresServer(port);
    }

    private static void run(boolean asPostgres, List<String> command, Path log) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + Files.readString(log));
        }
    }

    /** The JDBC URL of database {@code name}. */
    public String url(String name) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + name + "?user=" + USER;
    }

    /** Creates a fresh, empty database and returns its JDBC URL. */
    public String newDatabase() throws SQLException {
        String name = "wharf_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
        try (Connection c = DriverManager.getConnection(url("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }
}
