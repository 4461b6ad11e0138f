package dev.wharf.testkit;

import dev.wharf.spi.BlobStore;

/**
 * What every blob role kit needs from the class that runs it: the store under test, and a way to reopen it.
 * {@link BlobStoreContract} provides both; a role kit's cases use nothing else.
 */
public interface BlobStoreUnderTest {

    /** The open store under test: fresh and empty when a case starts. */
    BlobStore store();

    /**
     * Closes the store under test and opens the same storage again; the reopened store is the store under test
     * from then on. For a store that does not persist, the calling case is skipped (a JUnit assumption saying
     * so).
     */
    BlobStore reopen() throws Exception;
}
