package dev.wharf.testkit;

import dev.wharf.api.Digest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.spi.MetadataStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.wharf.testkit.MetadataFixtures.digest;
import static dev.wharf.testkit.MetadataFixtures.manifest;
import static dev.wharf.testkit.MetadataFixtures.push;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole {@link MetadataStore} contract, every role kit at once: {@link RepositoryLinksContract},
 * {@link ManifestStoreContract}, {@link TagStoreContract}, {@link UploadSessionStoreContract} and, for stores that
 * keep one, {@link EventLogContract}, {@link UsageLedgerContract}, {@link SearchIndexContract} and
 * {@link CoordinationContract}, plus the
 * store's own lifecycle ({@link MetadataStore#sync()} at any time, an idempotent {@link MetadataStore#close()}).
 *
 * <p>Extend it once per store and say how to open one: {@link #openStore()} gives a fresh, empty store before
 * each case, and a durable store also overrides {@link #reopenStore()} to open the same storage again after the
 * kit has closed it, which runs the durability cases (skipped otherwise, saying why). The store under test is
 * closed after each case. Subclasses may add cases of their own that use {@link #store}.
 */
public abstract class MetadataStoreContract
        implements RepositoryLinksContract, ManifestStoreContract, TagStoreContract, UploadSessionStoreContract,
        EventLogContract, UsageLedgerContract, SearchIndexContract, CoordinationContract {
    /** The repository most cases use. */
    protected static final RepositoryName REPO = MetadataFixtures.REPO;

    /** The store under test; null once a case has closed it for good. */
    protected MetadataStore store;

    /** A fresh, empty store. Called before each case. */
    protected abstract MetadataStore openStore() throws Exception;

    /**
     * The same storage as the store just closed, opened again; or null (the default) for stores that do not
     * persist, whose durability cases are then skipped.
     */
    protected MetadataStore reopenStore() throws Exception {
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
    public final MetadataStore store() {
        return store;
    }

    @Override
    public final MetadataStore reopen() throws Exception {
        store.sync();
        store.close();
        store = reopenStore();
        Assumptions.assumeTrue(store != null,
                "the store does not persist (reopenStore() gives null), so there is no durability to check");
        return store;
    }

    @Test
    void shouldSyncAtAnyTime() throws Exception {
        store.sync();
        store.sync();
        store.linkBlob(REPO, digest("layer"));
        push(store, REPO, manifest("m"), "latest");
        store.sync();
        List<Digest> fromOtherThreads = Parallel.run(2, i -> () -> {
            store.sync(); // a thread that changed nothing has nothing to wait for
            return store.resolveTag(REPO, Tag.of("latest")).orElseThrow();
        });
        assertThat(fromOtherThreads).containsOnly(manifest("m").digest());
        assertThat(store.isBlobLinked(REPO, digest("layer"))).isTrue();
    }

    @Test
    void shouldCloseIdempotently() {
        store.linkBlob(REPO, digest("layer"));
        store.close();
        store.close();
        store = null;
    }
}
