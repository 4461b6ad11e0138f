package dev.wharf.testkit;

import dev.wharf.core.storage.InMemoryBlobStore;
import dev.wharf.spi.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The blob store contract against {@link InMemoryBlobStore} with a heap limit of 5 bytes, so that nearly every
 * case writes temporary files, and many move their staged bytes from the heap into a file half way. After each
 * case, the temporary directory holds no name: each file's name goes as soon as it is open.
 */
@DisabledOnOs(value = OS.WINDOWS, disabledReason = "Windows keeps an open file's name until it is closed")
class InMemoryBlobStoreInFilesContractTest extends BlobStoreContract {
    @TempDir
    Path temporaryDirectory;

    @Override
    protected BlobStore openStore() {
        return new InMemoryBlobStore(5, temporaryDirectory);
    }

    @AfterEach
    void shouldLeaveNoFileBehind() throws IOException {
        try (Stream<Path> names = Files.list(temporaryDirectory)) {
            assertThat(names).isEmpty();
        }
    }
}
