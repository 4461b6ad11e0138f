package dev.wharf.testkit;

import dev.wharf.api.BlobInfo;
import dev.wharf.spi.BlobStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole {@link BlobStore} contract, every role kit at once: {@link BlobReaderContract},
 * {@link BlobStagingContract}, and the optional {@link BlobDeletionContract} and {@link BlobRedirectsContract}
 * (skipped, saying why, for a store that does not declare the role), plus an idempotent
 * {@link BlobStore#close()}.
 *
 * <p>Extend it once per store and say how to open one: {@link #openStore()} gives a fresh, empty store before
 * each case, and a durable store also overrides {@link #reopenStore()} to open the same storage again after the
 * kit has closed it, which runs the durability cases (skipped otherwise, saying why). The store under test is
 * closed after each case. Subclasses may add cases of their own that use {@link #store}.
 */
public abstract class BlobStoreContract
        implements BlobReaderContract, BlobStagingContract, BlobDeletionContract, BlobRedirectsContract {

    /** The store under test; null once a case has closed it for good. */
    protected BlobStore store;

    /** A fresh, empty store. Called before each case. */
    protected abstract BlobStore openStore() throws Exception;

    /**
     * The same storage as the store just closed, opened again; or null (the default) for stores that do not
     * persist, whose durability cases are then skipped.
     */
    protected BlobStore reopenStore() throws Exception {
        return null;
    }

    @BeforeEach
    void openFresh() throws Exception {
        store = openStore();
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    @Override
    public final BlobStore store() {
        return store;
    }

    @Override
    public final BlobStore reopen() throws Exception {
        store.close();
        store = reopenStore();
        Assumptions.assumeTrue(store != null,
                "the store does not persist (reopenStore() gives null), so there is no durability to check");
        return store;
    }

    /** Publishes {@code data} under its sha256 digest, as an upload would: for a subclass's own cases. */
    protected BlobInfo put(byte[] data) {
        return BlobFixtures.put(store, data);
    }

    /** UTF-8 bytes of {@code s}: for a subclass's own cases. */
    protected static byte[] bytes(String s) {
        return BlobFixtures.bytes(s);
    }

    @Test
    void shouldCloseIdempotently() {
        assertThat(put(bytes("before close")).size()).isEqualTo(12);
        store.close();
        store.close();
        store = null;
    }
}
