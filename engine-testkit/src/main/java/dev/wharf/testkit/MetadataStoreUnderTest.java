package dev.wharf.testkit;

import dev.wharf.spi.MetadataStore;

/**
 * What every metadata role kit needs from the class that runs it: the store under test, and a way to reopen
 * it. {@link MetadataStoreContract} provides both; a role kit's cases use nothing else.
 */
public interface MetadataStoreUnderTest {

    /** The open store under test: fresh and empty when a case starts. */
    MetadataStore store();

    /**
     * Makes every change durable ({@link MetadataStore#sync()}), closes the store under test and opens the same
     * storage again; the reopened store is the store under test from then on. For a store that does not
     * persist, the calling case is skipped (a JUnit assumption saying so).
     */
    MetadataStore reopen() throws Exception;
}
