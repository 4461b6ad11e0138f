package dev.wharf.spi;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.FileSystemException;

import static org.assertj.core.api.Assertions.assertThat;

/** Stores name a full device from what the operating system says, so the engine can answer 507. */
class StorageExceptionTest {
    @Test
    void shouldNameAFullDeviceFromTheOperatingSystemsMessage() {
        IOException enospc = new FileSystemException("/data/blobs/staging/x", null, "No space left on device");
        assertThat(StorageException.ofIo("cannot append", enospc).condition()).isEqualTo(StorageException.Condition.FULL);
        IOException wrapped = new IOException("write failed", new IOException("Disk quota exceeded"));
        assertThat(StorageException.ofIo("cannot append", wrapped).condition()).isEqualTo(StorageException.Condition.FULL);
    }

    @Test
    void shouldCallAnyOtherFailureFailed() {
        assertThat(StorageException.ofIo("cannot read", new IOException("Input/output error")).condition())
                .isEqualTo(StorageException.Condition.FAILED);
        assertThat(new StorageException("corrupt record").condition()).isEqualTo(StorageException.Condition.FAILED);
    }
}
