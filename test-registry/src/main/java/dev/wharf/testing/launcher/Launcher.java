package dev.wharf.testing.launcher;

import dev.wharf.servlet.ErrorEnvelope;
import dev.wharf.testing.DataLayout;
import dev.wharf.testing.TestRegistry;
import dev.wharf.testing.TestRegistryOptions;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a registry on this machine: {@code java -jar wharf-registry.jar [--port N] [--host H]
 * [--data-dir DIR | --in-memory] [--upload-expiry D] [--tls-cert FILE --tls-key FILE]}, durable under {@code ./registry-data} by default
 * ({@link DataLayout}); or backs a stopped one up with {@code --backup-to BACKUP} ({@link OfflineBackup}).
 * See {@link LauncherOptions#USAGE} for the options. The registry is a {@link TestRegistry} started with the
 * options the flags give ({@link LauncherOptions#registryOptions()}).
 *
 * <p>Exit codes: 0 after {@code --help}, a clean stop or a finished backup, 2 for a wrong command line or TLS
 * files that cannot serve (the message names the file and what is wrong with it), 1
 * when the registry cannot start (port taken, data directory not writable or in use by another registry)
 * or cannot be backed up. On SIGTERM the JVM runs the shutdown hook installed here, which stops Jetty and
 * then closes the engine, and exits with the signal's status.
 */
public final class Launcher {
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    private static final String PROGRAM = "wharf-registry";
    /**
     * Classes whose static initialisers the start thread would otherwise run while it builds the server (Jetty's
     * media types and header tables, the servlet API's message bundle): about a fifth of its work.
     */
    static final java.util.List<String> EARLY_CLASSES = java.util.List.of(
            "org.eclipse.jetty.http.MimeTypes", "jakarta.servlet.GenericServlet", "org.eclipse.jetty.http.HttpHeader",
            "org.eclipse.jetty.http.PreEncodedHttpField", "org.eclipse.jetty.server.Server");
    /**
     * Classes whose static initialisers run later in a start, after {@link #EARLY_CLASSES}: while the start thread
     * starts Jetty (which asks for the time zone's rules and opens a socket) and the first connection and request
     * arrive. The warm-up thread would otherwise wait idle for the start to end.
     */
    static final java.util.List<String> SERVING_CLASSES = java.util.List.of(
            "java.time.zone.ZoneRulesProvider", "sun.util.calendar.ZoneInfoFile", "java.net.InetAddress",
            "sun.nio.ch.Net", "jdk.net.ExtendedSocketOptions", "org.eclipse.jetty.http.HttpParser",
            "org.eclipse.jetty.http.HttpGenerator", "org.eclipse.jetty.server.internal.HttpConnection");
    /** Set by the first {@link #warmUp()}: {@code main} starts it early, {@link #start} when called alone. */
    private static final AtomicBoolean WARMING_UP = new AtomicBoolean();
    /**
     * Completes when the warm-up may set up Jackson: once the registry {@link #start} started has answered its first
     * request ({@link TestRegistry#firstAnswer()}), or as soon as the start has failed.
     */
    private static final CompletableFuture<Void> JSON_MAY_START = new CompletableFuture<>();
    /**
     * The JSON warm-up waits at most this long for the first answer: a start that takes longer (stores recovering
     * a large log), or a registry nobody asks anything soon, has it done meanwhile.
     */
    private static final Duration JSON_WARM_UP_AT_THE_LATEST = Duration.ofSeconds(2);
    private static final String LOCALE_PROVIDERS = "java.locale.providers";
    /** Jetty logs through SLF4J; slf4j-simple would print every INFO line of a normal start otherwise. */
    private static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    /** Read once by Jetty's {@code MemoryUtils}; set, it spares the JMX lookup of {@code UseCompressedOops}. */
    private static final String JETTY_REFERENCES_PER_CACHE_LINE = "org.eclipse.jetty.util.referencesPerCacheLine";
    private static final String JETTY_CACHE_LINE_BYTES = "org.eclipse.jetty.util.cacheLineBytes";

    private Launcher() {
    }

    /** The {@code wharf-registry.jar} command: serves until stopped, or backs up and exits; see {@link Launcher}. */
    public static void main(String[] args) {
        lightLocaleData();
        if (LauncherOptions.mayServe(args)) {
            // before the arguments are parsed, which takes some 20 ms of a start
            quietLibraries();
            warmUp();
        }
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Parses, starts and blocks until the registry stops; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        LauncherOptions options;
        try {
            options = LauncherOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.println();
            err.print(LauncherOptions.USAGE);
            err.flush();
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.print(LauncherOptions.USAGE);
            StartupFiles.ofRunningJar().ifPresent(files -> out.print(archiveNote(files)));
            out.flush();
            return 0;
        }
        if (options.backupTo().isPresent()) {
            return backup(options, out, err);
        }
        TestRegistryOptions registryOptions;
        try {
            registryOptions = options.registryOptions();
        } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
            // a TLS, login or credentials file: the message names it and says what is wrong
            err.println(PROGRAM + ": " + e.getMessage());
            err.flush();
            return EXIT_USAGE;
        }
        Optional<TestRegistry> started = start(options, registryOptions, err);
        if (started.isEmpty()) {
            return EXIT_FAILURE;
        }
        TestRegistry registry = started.get();
        // Jetty's threads are daemons, so this thread keeps the JVM running until the hook has closed the registry.
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            registry.close();
            stopped.countDown();
        }, PROGRAM + "-shutdown"));
        announce(options, registry, out, err);

        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            registry.close();
        }
        return 0;
    }

    /**
     * Starts the registry {@code options} describe, {@code registryOptions} being {@link LauncherOptions#registryOptions()};
     * empty, with the reason on {@code err}, when it cannot start.
     */
    static Optional<TestRegistry> start(LauncherOptions options, TestRegistryOptions registryOptions, PrintStream err) {
        quietLibraries();
        warmUp();
        Optional<StartupFiles> files = StartupFiles.ofRunningJar();
        if (options.dataDirectory().isPresent() && files.isPresent()) {
            // Customisers run on the thread that opens the stores, before they open: there RocksDB finds its
            // library loaded, or extracts it itself when the copy beside the jar is missing or does not match.
            registryOptions = registryOptions.withEngine(engine -> RocksDbLibrary.load(files.get()));
        }
        try {
            TestRegistry registry = TestRegistry.start(registryOptions);
            registry.firstAnswer().thenRun(() -> JSON_MAY_START.complete(null));
            return Optional.of(registry);
        } catch (RuntimeException e) { // a taken port, an unwritable or locked data directory, no engine
            JSON_MAY_START.complete(null);
            err.println(PROGRAM + ": " + e.getMessage());
            err.flush();
            return Optional.empty();
        }
    }

    /** The ready line, and on an address other than loopback without logins the warning that anyone can push. */
    private static void announce(LauncherOptions options, TestRegistry registry, PrintStream out, PrintStream err) {
        String data = options.dataDirectory().map(Object::toString).orElse("in-memory");
        out.println("Wharf registry listening on " + registry.baseUri().getScheme() + "://" + registry.boundHostPort()
                + " (data: " + data + ")");
        out.flush();
        if (!isLoopback(options.host()) && !options.login().enabled()) {
            err.println(PROGRAM + ": warning: no authentication; anyone who can reach " + options.host()
                    + " can push, pull and delete");
            err.flush();
        }
    }

    /**
     * Prepares on a thread of its own what requests need and a start would otherwise do on its critical path. First
     * {@link #EARLY_CLASSES}, which the start thread needs while it builds the server, then
     * {@link #SERVING_CLASSES}, which it and the first request need later. Then Jackson, which writes
     * every JSON answer and whose first use sets up hundreds of classes and serializers: a client's first
     * {@code GET /v2/} answers constant bytes and does not need it, so it waits until the registry has answered its
     * first request (or its start failed) instead of taking a core from the start and from that answer, and writes
     * an error envelope nobody reads. A request that needs JSON sooner sets Jackson up itself, or waits for what is
     * in progress.
     */
    private static void warmUp() {
        if (!WARMING_UP.compareAndSet(false, true)) {
            return;
        }
        warmUp(() -> {
            initialise(EARLY_CLASSES);
            initialise(SERVING_CLASSES);
            try {
                JSON_MAY_START.get(JSON_WARM_UP_AT_THE_LATEST.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (TimeoutException | ExecutionException e) {
                // no answer yet: warm up now
            }
            ErrorEnvelope.forStatus(404, "warming up");
        });
    }

    /** Runs the static initialisers of {@code types} that this JVM has; the others are initialised where used. */
    private static void initialise(java.util.List<String> types) {
        for (String type : types) {
            try {
                Class.forName(type, true, Launcher.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                // initialised where it is used instead
            }
        }
    }

    /**
     * Runs {@code task} on a daemon thread. If it fails, it fails in silence: the work it did ahead of time is done
     * again, and fails where it is needed, with the error handling there.
     */
    static Thread warmUp(Runnable task) {
        Thread warmUp = new Thread(() -> {
            try {
                task.run();
            } catch (RuntimeException | LinkageError e) {
                // see above: not this thread's to report
            }
        }, PROGRAM + "-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        return warmUp;
    }

    /**
     * Unless the command line chose them, the locale data of the host, with the JDK's own as the fallback (on Linux
     * that is all there is), instead of the CLDR set: Jetty lists every available locale when it starts, and with
     * CLDR's thousand that listing cost about a third of the CPU of a start on two cores. A registry formats
     * nothing for a reader's locale; English dates, numbers and case mapping are the same in both. Set before
     * anything asks for locale data, so only from the {@code main} methods.
     */
    static void lightLocaleData() {
        if (System.getProperty(LOCALE_PROVIDERS) == null) {
            System.setProperty(LOCALE_PROVIDERS, "HOST");
        }
    }

    /**
     * System properties for the libraries inside the jar, unless the command line set them: slf4j-simple quiet
     * but for warnings, and Jetty told the width of an object reference, which it otherwise asks the platform
     * MBean server for (starting JMX for it costs about a tenth of a start; the answer only pads a queue).
     */
    private static void quietLibraries() {
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, "warn");
        }
        if (System.getProperty(JETTY_REFERENCES_PER_CACHE_LINE) == null) {
            referenceBytes().ifPresent(bytes -> System.setProperty(JETTY_REFERENCES_PER_CACHE_LINE,
                    Integer.toString(Integer.getInteger(JETTY_CACHE_LINE_BYTES, 64) / bytes)));
        }
    }

    /** 4 with compressed object pointers, 8 without, as an array of references stores them. */
    private static OptionalInt referenceBytes() {
        try {
            return OptionalInt.of(Class.forName("sun.misc.Unsafe").getField("ARRAY_OBJECT_INDEX_SCALE").getInt(null));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) { // a JDK without it: Jetty asks
            return OptionalInt.empty();
        }
    }

    /**
     * The end of {@code --help} when run from a jar: the command that starts it with its class-data archive, and
     * whether this JVM was given one. A jar cannot set JVM options for itself, so this is where a user learns it.
     */
    static String archiveNote(StartupFiles files) {
        if (!Files.isRegularFile(files.archive())) {
            return "\nNo class-data archive beside the jar (" + files.archive() + "): `mvn package` writes one,\n"
                    + "and with it the registry starts faster. For a jar moved elsewhere:\n"
                    + "  java -XX:ArchiveClassesAtExit=" + files.archive() + " -cp " + files.jar() + " "
                    + StartupTraining.class.getName() + "\n";
        }
        String note = "\nStarts faster with the class-data archive beside the jar:\n  "
                + files.fastCommand() + " [options]\n";
        boolean without = sharedArchiveFlag().map(String::isEmpty).orElse(false);
        return without ? note + "This JVM runs without it.\n" : note;
    }

    /** The value of {@code -XX:SharedArchiveFile} in this JVM ("" when not given); empty when it cannot tell. */
    private static Optional<String> sharedArchiveFlag() {
        try {
            return Optional.of(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("SharedArchiveFile").getValue());
        } catch (RuntimeException | LinkageError e) { // not HotSpot, or without jdk.management
            return Optional.empty();
        }
    }

    private static int backup(LauncherOptions options, PrintStream out, PrintStream err) {
        Path data = options.dataDirectory().orElseThrow(); // --in-memory with --backup-to is a usage error
        Path target = options.backupTo().orElseThrow();
        try {
            OfflineBackup.Result result = OfflineBackup.run(data, target);
            out.println("Backed up " + data + " to " + target + ": metadata checkpoint, " + result.blobs()
                    + " blob(s) (" + result.linked() + " hard-linked, " + result.copied() + " copied), "
                    + result.staged() + " staged upload file(s)");
            out.flush();
            return 0;
        } catch (OfflineBackup.BackupException e) {
            err.println(PROGRAM + ": " + e.getMessage());
            err.flush();
            return EXIT_FAILURE;
        }
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
