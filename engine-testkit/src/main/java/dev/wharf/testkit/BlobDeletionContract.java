package dev.wharf.testkit;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.spi.BlobDeletion;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.StagedBlob;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.wharf.testkit.BlobFixtures.bytes;
import static dev.wharf.testkit.BlobFixtures.in;
import static dev.wharf.testkit.BlobFixtures.put;
import static dev.wharf.testkit.BlobFixtures.random;
import static dev.wharf.testkit.BlobFixtures.read;
import static dev.wharf.testkit.BlobFixtures.sha256;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional {@link BlobDeletion} contract: a delete removes one blob wholly and says whether it was there;
 * the enumeration visits every published blob with its size, and nothing else. A store that declares no
 * deletion role ({@link BlobStore#deletion()} empty) skips these cases, saying so. Run through
 * {@link BlobStoreContract}.
 */
public interface BlobDeletionContract extends BlobStoreUnderTest {

    /** The deletion role of the store under test; skips the calling case when the store declares none. */
    private static BlobDeletion deletion(BlobStore store) {
        Assumptions.assumeTrue(store.deletion().isPresent(),
                "the store declares no deletion role (deletion() is empty): it keeps every blob, so there is "
                        + "nothing to delete or enumerate");
        return store.deletion().orElseThrow();
    }

    private static List<BlobInfo> stored(BlobDeletion deletion) {
        List<BlobInfo> all = new ArrayList<>();
        deletion.forEach(all::add);
        return all;
    }

    @Test
    default void shouldDeleteABlobWholly() {
        BlobDeletion deletion = deletion(store());
        Digest d = put(store(), random(50_000, 6)).digest();
        assertThat(store().stat(d)).as("read before the delete, so a store that remembers it must forget").isPresent();
        assertThat(deletion.delete(d)).isTrue();
        assertThat(store().stat(d)).isEmpty();
        assertThat(store().open(d, 0, 1)).isEmpty();
        assertThat(deletion.delete(d)).as("deleted already").isFalse();
    }

    @Test
    default void shouldAnswerFalseWhenDeletingBlobsNeverStored() {
        BlobDeletion deletion = deletion(store());
        assertThat(deletion.delete(sha256(bytes("never")))).isFalse();
        assertThat(deletion.delete(DigestAlgorithm.SHA512.digest(bytes("never")))).isFalse();
        assertThat(stored(deletion)).isEmpty();
    }

    @Test
    default void shouldDeleteOnlyTheBlobNamed() {
        BlobDeletion deletion = deletion(store());
        byte[] data = bytes("same bytes, two digests");
        Digest narrow = put(store(), data).digest();
        Digest wide = put(store(), data, DigestAlgorithm.SHA512).digest();
        Digest other = put(store(), bytes("other")).digest();
        assertThat(deletion.delete(narrow)).isTrue();
        assertThat(read(store(), wide)).as("the sha512 copy of the same bytes").isEqualTo(data);
        assertThat(read(store(), other)).isEqualTo(bytes("other"));
        assertThat(stored(deletion)).extracting(BlobInfo::digest).containsExactlyInAnyOrder(wide, other);
    }

    @Test
    default void shouldVisitEveryPublishedBlobWithItsSize() {
        BlobDeletion deletion = deletion(store());
        assertThat(stored(deletion)).as("an empty store").isEmpty();
        BlobInfo empty = put(store(), new byte[0]);
        BlobInfo large = put(store(), random(300_000, 7));
        BlobInfo wide = put(store(), bytes("wide"), DigestAlgorithm.SHA512);
        assertThat(stored(deletion)).containsExactlyInAnyOrder(empty, large, wide);
    }

    @Test
    default void shouldNotVisitStagedWritesOrDeletedBlobs() {
        BlobDeletion deletion = deletion(store());
        BlobInfo kept = put(store(), bytes("kept"));
        Digest deleted = put(store(), bytes("deleted")).digest();
        StagedBlob staged = store().stage();
        staged.append(in(bytes("staged, not published")));
        deletion.delete(deleted);
        assertThat(stored(deletion)).containsExactly(kept);
    }

    @Test
    default void shouldStoreADigestAgainAfterDeletingIt() {
        BlobDeletion deletion = deletion(store());
        byte[] data = bytes("back again");
        Digest d = put(store(), data).digest();
        deletion.delete(d);
        assertThat(put(store(), data)).isEqualTo(new BlobInfo(d, data.length));
        assertThat(read(store(), d)).isEqualTo(data);
        assertThat(stored(deletion)).containsExactly(new BlobInfo(d, data.length));
    }

    @Test
    default void shouldListOneCopyWhenOneDigestIsCommittedConcurrently() throws Exception {
        BlobDeletion deletion = deletion(store());
        byte[] data = bytes("same bytes");
        Parallel.run(Parallel.THREADS * 4, i -> () -> put(store(), data));
        assertThat(stored(deletion)).containsExactly(new BlobInfo(sha256(data), data.length));
    }

    @Test
    default void shouldKeepDeletionsAcrossReopen() throws Exception {
        deletion(store());
        Digest kept = put(store(), bytes("kept")).digest();
        Digest deleted = put(store(), bytes("deleted")).digest();
        store().deletion().orElseThrow().delete(deleted);
        BlobStore reopened = reopen();
        assertThat(reopened.stat(deleted)).isEmpty();
        assertThat(stored(deletion(reopened))).containsExactly(new BlobInfo(kept, 4));
    }
}
