package dev.wharf.spi;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RecordCodecTest {
    private static final byte[] BYTES = "{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8);
    private static final ManifestRecord RECORD = new ManifestRecord(
            new Manifest(DigestAlgorithm.SHA256.digest(BYTES), MediaTypes.OCI_MANIFEST, BYTES),
            Set.of(DigestAlgorithm.SHA256.digest(new byte[] {1})), Set.of(), Optional.empty(),
            Optional.of("application/vnd.example"), Map.of("k", "v"), Instant.ofEpochMilli(1_700_000_000_123L),
            BYTES.length + 4_000_000_000L);

    @Test
    void aManifestRecordRoundTripsWithItsContentSize() {
        ManifestRecord read = RecordCodec.manifest(RecordCodec.manifest(RECORD));
        assertThat(read).isEqualTo(RECORD);
        assertThat(read.contentSize()).isEqualTo(BYTES.length + 4_000_000_000L);
    }

    @Test
    void aSearchEntryRoundTripsWithTheRepositoryAndTagOfItsKey() {
        SearchIndex.Entry entry = new SearchIndex.Entry(RepositoryName.of("team/app"), Tag.of("v1"), RECORD.digest(),
                SearchIndex.Summary.of(RECORD),
                Instant.ofEpochMilli(1_700_000_000_123L), Instant.ofEpochMilli(-86_400_001L));
        assertThat(RecordCodec.searchEntry(RecordCodec.searchEntry(entry), entry.repository(), entry.tag()))
                .isEqualTo(entry);
    }

    @Test
    void aRecordWrittenBeforeContentSizesWereKeptReadsAsTheManifestsOwnSize() {
        byte[] current = RecordCodec.manifest(RECORD);
        // the earlier encoding is today's without the trailing content size
        byte[] earlier = Arrays.copyOf(current, current.length - Long.BYTES);
        ManifestRecord read = RecordCodec.manifest(earlier);
        assertThat(read.contentSize()).isEqualTo(BYTES.length);
        assertThat(read.pushedAt()).isEqualTo(RECORD.pushedAt());
        assertThat(read.annotations()).isEqualTo(RECORD.annotations());
    }
}
