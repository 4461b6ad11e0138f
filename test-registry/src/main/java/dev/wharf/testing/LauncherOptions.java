package dev.wharf.testing;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The launcher's command line, parsed and validated.
 *
 * @param host          address to bind
 * @param port          TCP port, 0 for a free one
 * @param dataDirectory where blobs are kept; empty for {@code --in-memory}
 * @param help          {@code --help} was given: print {@link #USAGE} and exit
 */
record LauncherOptions(String host, int port, Optional<Path> dataDirectory, boolean help) {
    static final int DEFAULT_PORT = 5000;
    static final Path DEFAULT_DATA_DIRECTORY = Path.of("registry-data");

    static final String USAGE = """
            Usage: java -jar wharf-registry.jar [options]

            Runs a Wharf OCI Distribution registry on this machine, without authentication.

            Options:
              --port N          TCP port to listen on (default 5000; 0 picks a free port)
              --host H          address to bind (default 127.0.0.1; 0.0.0.0 for every interface)
              --data-dir DIR    keep blobs on disk under DIR (default ./registry-data)
              --in-memory       keep everything in memory; nothing is written to disk
              --help            print this help and exit

            Blobs survive a restart with --data-dir, but metadata (repositories, manifests, tags,
            upload sessions) is held in memory for now and is lost when the registry stops; durable
            metadata arrives with the RocksDB store.

            Prints one line when ready:
              Wharf registry listening on http://HOST:PORT (data: DIR|in-memory)
            Stops cleanly on SIGTERM or Ctrl+C.
            """;

    LauncherOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
    }

    /**
     * Parses {@code --name value} and {@code --name=value} forms.
     *
     * @throws IllegalArgumentException with a message for the user when the command line is wrong
     */
    static LauncherOptions parse(String... args) {
        String host = Settings.DEFAULT_HOST;
        int port = DEFAULT_PORT;
        Path dataDirectory = null;
        boolean inMemory = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg;
            String inlineValue = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                inlineValue = arg.substring(equals + 1);
            }
            switch (name) {
                case "--help", "-h" -> help = true;
                case "--in-memory" -> inMemory = true;
                case "--port" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    port = parsePort(value);
                }
                case "--host" -> {
                    host = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    if (host.isBlank()) {
                        throw new IllegalArgumentException("--host needs an address, e.g. 127.0.0.1");
                    }
                }
                case "--data-dir" -> {
                    String value = inlineValue != null ? inlineValue : valueAfter(args, i++, name);
                    if (value.isBlank()) {
                        throw new IllegalArgumentException("--data-dir needs a directory");
                    }
                    dataDirectory = Path.of(value);
                }
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
            if (inlineValue != null && (name.equals("--help") || name.equals("--in-memory"))) {
                throw new IllegalArgumentException(name + " takes no value");
            }
        }
        if (inMemory && dataDirectory != null) {
            throw new IllegalArgumentException("--in-memory and --data-dir exclude each other");
        }
        Optional<Path> data = inMemory ? Optional.empty()
                : Optional.of(dataDirectory != null ? dataDirectory : DEFAULT_DATA_DIRECTORY);
        return new LauncherOptions(host, port, data.map(dir -> dir.toAbsolutePath().normalize()), help);
    }

    private static String valueAfter(String[] args, int index, String name) {
        if (index + 1 >= args.length || args[index + 1].startsWith("--")) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        return args[index + 1];
    }

    private static int parsePort(String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below, with the same message as an out-of-range number
        }
        throw new IllegalArgumentException("--port must be a number from 0 to 65535, was '" + value + "'");
    }
}
