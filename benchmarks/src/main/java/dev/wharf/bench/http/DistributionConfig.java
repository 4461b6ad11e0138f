package dev.wharf.bench.http;

import java.nio.file.Path;

/**
 * The configuration CNCF distribution ({@code docker-registry serve CONFIG}) runs with in the comparison:
 * filesystem storage under a fresh directory, the in-memory blob descriptor cache, deletes on, upload
 * purging off (it would scan the tree during a run), errors-only logging and no access log (Wharf writes
 * none either), on 127.0.0.1 only.
 */
final class DistributionConfig {
    private DistributionConfig() {
    }

    /**
     * Prints the configuration for {@code ROOT_DIRECTORY PORT}, for a script that starts distribution itself
     * ({@code benchmarks/run-start.sh}), so that both measure the same distribution.
     */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: DistributionConfig ROOT_DIRECTORY PORT");
            System.exit(2);
        }
        System.out.print(yaml(Path.of(args[0]), Integer.parseInt(args[1])));
    }

    static String yaml(Path rootDirectory, int port) {
        return """
                version: 0.1
                log:
                  level: error
                  accesslog:
                    disabled: true
                storage:
                  filesystem:
                    rootdirectory: %s
                  cache:
                    blobdescriptor: inmemory
                  delete:
                    enabled: true
                  maintenance:
                    uploadpurging:
                      enabled: false
                http:
                  addr: 127.0.0.1:%d
                """.formatted(rootDirectory.toAbsolutePath(), port);
    }
}
