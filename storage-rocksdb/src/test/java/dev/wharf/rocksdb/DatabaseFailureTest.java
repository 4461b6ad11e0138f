package dev.wharf.rocksdb;

import dev.wharf.spi.StorageException;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDBException;
import org.rocksdb.Status;

import static org.assertj.core.api.Assertions.assertThat;

/** RocksDB's "no space" status becomes the SPI's FULL condition; every other failure stays FAILED. */
class DatabaseFailureTest {
    @Test
    void shouldReportRocksDbsNoSpaceAsAFullStore() {
        RocksDBException noSpace = new RocksDBException("IO error: No space left on device: While appending to file",
                new Status(Status.Code.IOError, Status.SubCode.NoSpace, "No space left on device"));
        assertThat(Database.failure("RocksDB: write", noSpace).condition()).isEqualTo(StorageException.Condition.FULL);
    }

    @Test
    void shouldReportOtherRocksDbFailuresAsFailed() {
        RocksDBException corrupt = new RocksDBException("Corruption: block checksum mismatch",
                new Status(Status.Code.Corruption, Status.SubCode.None, "block checksum mismatch"));
        assertThat(Database.failure("RocksDB: read", corrupt).condition()).isEqualTo(StorageException.Condition.FAILED);
    }
}
