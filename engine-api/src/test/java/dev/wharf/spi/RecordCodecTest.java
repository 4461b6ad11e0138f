package dev.wharf.spi;

import dev.wharf.api.Caller;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
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
    void shouldBuildAnEventAsTheLogReadsItBackWhenRecorded() {
        Principal named = () -> "ci-bot";
        Principal nameless = () -> null;
        Instant nanos = Instant.ofEpochSecond(1_700_000_000L, 123_456_789);
        Instant before1970 = Instant.ofEpochSecond(-1, 999_999_999);
        var repo = Optional.of(RepositoryName.of("team/app"));
        var digest = Optional.of(DigestAlgorithm.SHA256.digest(BYTES));
        List<RegistryEvent> events = List.of(
                new RegistryEvent(RegistryEvent.Type.MANIFEST_PUSHED, RegistryEvent.Origin.CLIENT, repo, digest,
                        Optional.of(Tag.of("v1")), Optional.of(MediaTypes.OCI_MANIFEST),
                        Optional.of("application/vnd.example"), OptionalLong.of(42), Caller.of(named), nanos),
                new RegistryEvent(RegistryEvent.Type.TAG_DELETED, RegistryEvent.Origin.MIRROR, repo, Optional.empty(),
                        Optional.of(Tag.of("old")), Optional.empty(), Optional.empty(), OptionalLong.empty(),
                        Caller.of(nameless), before1970),
                new RegistryEvent(RegistryEvent.Type.BLOB_COLLECTED, RegistryEvent.Origin.GARBAGE_COLLECTION,
                        Optional.empty(), digest, Optional.empty(), Optional.empty(), Optional.empty(),
                        OptionalLong.of(0), Caller.anonymous(), Instant.EPOCH),
                // a negative size reads back as none; lone surrogates as '?', a pair as itself
                new RegistryEvent(RegistryEvent.Type.MANIFEST_PUSHED, RegistryEvent.Origin.CLIENT, repo, digest,
                        Optional.empty(), Optional.of("type/\ud800x"), Optional.of("a\ud83d\ude00\udc00"),
                        OptionalLong.of(-5), Caller.of(() -> "bot\udbff"), nanos));
        for (RegistryEvent e : events) {
            RegistryEvent read = RecordCodec.event(RecordCodec.event(e), 77);
            assertThat(RecordCodec.asRecorded(e, 77)).isEqualTo(read);
        }
        assertThat(RecordCodec.asRecorded(events.get(0), 77).time()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_123L));
        assertThat(RecordCodec.asRecorded(events.get(0), 77)).isNotEqualTo(events.get(0).withSequence(77));
        RegistryEvent odd = RecordCodec.asRecorded(events.get(3), 77);
        assertThat(odd.size()).isEmpty();
        assertThat(odd.mediaType()).hasValue("type/?x");
        assertThat(odd.artifactType()).hasValue("a\ud83d\ude00?");
        assertThat(odd.caller().principal().map(Principal::getName)).hasValue("bot?");
    }

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
