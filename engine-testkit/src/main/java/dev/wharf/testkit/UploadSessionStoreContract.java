package dev.wharf.testkit;

import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.MetadataStore;
import dev.wharf.spi.UploadRecord;
import dev.wharf.spi.UploadSessionStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

import static dev.wharf.testkit.MetadataFixtures.REPO;
import static dev.wharf.testkit.MetadataFixtures.UPLOAD_ID;
import static dev.wharf.testkit.MetadataFixtures.T0;
import static dev.wharf.testkit.MetadataFixtures.digest;
import static dev.wharf.testkit.MetadataFixtures.repo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link UploadSessionStore} contract: records are kept, replaced and removed by exact id, listed in full,
 * and live apart from repositories. Run through {@link MetadataStoreContract}.
 */
public interface UploadSessionStoreContract extends MetadataStoreUnderTest {

    private static UploadRecord upload(String id) {
        return new UploadRecord(id, REPO, "staged-" + id, DigestAlgorithm.SHA256, 0, T0, T0);
    }

    @Test
    default void shouldAnswerAbsenceForUnknownUploads() {
        MetadataStore store = store();
        assertThat(store.upload(UPLOAD_ID)).isEmpty();
        assertThat(store.deleteUpload(UPLOAD_ID)).isFalse();
        assertThat(store.uploads()).isEmpty();
        store.putUpload(upload(UPLOAD_ID + "0"));
        assertThat(store.upload(UPLOAD_ID)).as("an id that another extends").isEmpty();
        assertThat(store.upload(UPLOAD_ID.substring(0, 8))).as("a prefix of an id").isEmpty();
        assertThat(store.deleteUpload(UPLOAD_ID)).isFalse();
    }

    @Test
    default void shouldKeepEveryFieldOfAnUploadRecord() {
        UploadRecord record = new UploadRecord(UPLOAD_ID, repo("a/b"), "staged/" + UPLOAD_ID, DigestAlgorithm.SHA512,
                123_456_789_012L, T0, T0.plusMillis(1500));
        store().putUpload(record);
        assertThat(store().upload(UPLOAD_ID)).contains(record);
    }

    @Test
    default void shouldKeepUploadTimesToTheMillisecondAtLeast() {
        Instant precise = T0.plusNanos(987_654_321);
        store().putUpload(new UploadRecord(UPLOAD_ID, REPO, "s", DigestAlgorithm.SHA256, 0, precise, precise));
        UploadRecord read = store().upload(UPLOAD_ID).orElseThrow();
        assertThat(read.created()).isIn(precise, precise.truncatedTo(ChronoUnit.MILLIS));
        assertThat(read.updated()).isIn(precise, precise.truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    default void shouldReplaceTheRecordOfTheSameId() {
        MetadataStore store = store();
        UploadRecord first = upload(UPLOAD_ID);
        store.putUpload(first);
        UploadRecord advanced = first.advancedTo(4096, T0.plusSeconds(7));
        store.putUpload(advanced);
        assertThat(store.upload(UPLOAD_ID)).contains(advanced);
        assertThat(store.uploads()).containsExactly(advanced);
    }

    @Test
    default void shouldListAndDeleteUploadsByExactId() {
        MetadataStore store = store();
        UploadRecord plain = upload(UPLOAD_ID);
        UploadRecord longer = upload(UPLOAD_ID + "0");
        UploadRecord other = upload("ffffffff-0000-4000-8000-000000000000");
        store.putUpload(longer);
        store.putUpload(plain);
        store.putUpload(other);
        assertThat(store.uploads()).containsExactlyInAnyOrder(plain, longer, other);
        assertThat(store.deleteUpload(UPLOAD_ID)).isTrue();
        assertThat(store.uploads()).containsExactlyInAnyOrder(longer, other);
        assertThat(store.upload(UPLOAD_ID + "0")).contains(longer);
        assertThat(store.deleteUpload(UPLOAD_ID)).isFalse();
    }

    @Test
    default void shouldKeepUploadsApartFromRepositories() {
        MetadataStore store = store();
        store.putUpload(upload(UPLOAD_ID));
        assertThat(store.repositoryExists(REPO)).as("an upload alone does not make a repository").isFalse();
        assertThat(store.repositories(Optional.empty(), 10).items()).isEmpty();
        store.linkBlob(REPO, digest("layer"));
        store.unlinkBlob(REPO, digest("layer"));
        assertThat(store.repositoryExists(REPO)).as("nor keeps one").isFalse();
        assertThat(store.upload(UPLOAD_ID)).as("and is not dropped with it").isPresent();
    }

    @Test
    default void shouldKeepUploadsAcrossReopen() throws Exception {
        MetadataStore store = store();
        UploadRecord kept = upload(UPLOAD_ID).advancedTo(10, T0.plusSeconds(1));
        store.putUpload(kept);
        store.putUpload(upload(UPLOAD_ID + "0"));
        store.deleteUpload(UPLOAD_ID + "0");
        store = reopen();
        assertThat(store.uploads()).containsExactly(kept);
    }
}
