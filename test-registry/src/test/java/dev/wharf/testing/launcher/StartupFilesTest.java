package dev.wharf.testing.launcher;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StartupFilesTest {
    private static final StartupFiles FILES = new StartupFiles(Path.of("/opt/wharf/wharf-registry.jar"));

    @Test
    void shouldNameFilesAfterJarBesideItWhenAsked() {
        assertThat(FILES.archive()).isEqualTo(Path.of("/opt/wharf/wharf-registry.jsa"));
        assertThat(FILES.nativeDirectory()).isEqualTo(Path.of("/opt/wharf/wharf-registry-native"));
    }

    @Test
    void shouldGiveCommandWithArchiveBeforeJarWhenAsked() {
        assertThat(FILES.fastCommand()).isEqualTo(
                "java -XX:SharedArchiveFile=/opt/wharf/wharf-registry.jsa -jar /opt/wharf/wharf-registry.jar");
    }

    @Test
    void shouldFindNoFilesWhenLoadedFromClassesDirectory() {
        assertThat(StartupFiles.ofRunningJar()).isEmpty();
    }
}
