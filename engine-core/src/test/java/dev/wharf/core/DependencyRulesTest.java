package dev.wharf.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dependencies point one way (DESIGN.md): engine-api imports only the JDK and itself; engine-core never
 * imports the servlet API, RocksDB or Jetty. Checked on the sources so a violation fails the build.
 */
class DependencyRulesTest {
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(?:static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    private static List<String> imports(Path sourceRoot) throws IOException {
        try (Stream<Path> files = Files.walk(sourceRoot)) {
            return files.filter(p -> p.toString().endsWith(".java")).flatMap(p -> {
                try {
                    String text = Files.readString(p);
                    return IMPORT.matcher(text).results().map(m -> p.getFileName() + ": " + m.group(1));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    @Test
    void shouldKeepEngineApiFreeOfThirdPartyImports() throws IOException {
        Path api = Path.of("..", "engine-api", "src", "main", "java");
        assertThat(api).isDirectory();
        assertThat(imports(api)).isNotEmpty()
                .allSatisfy(i -> assertThat(i.substring(i.indexOf(": ") + 2)).matches("(java|javax\\.annotation|dev\\.wharf)\\..*"));
    }

    @Test
    void shouldKeepEngineCoreFreeOfServletRocksDbAndJetty() throws IOException {
        Path core = Path.of("src", "main", "java");
        assertThat(imports(core)).isNotEmpty()
                .noneSatisfy(i -> assertThat(i).containsAnyOf("jakarta.servlet", "org.rocksdb", "org.eclipse.jetty"));
    }
}
