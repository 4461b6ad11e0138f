/**
 * Contract kits for the storage SPIs: the JUnit 5 cases every {@link dev.wharf.spi.MetadataStore} and
 * {@link dev.wharf.spi.BlobStore} runs unchanged, one kit per role. Wharf's own stores (in-memory, filesystem,
 * RocksDB) are checked by these same cases.
 *
 * <p>Each role's contract, as its SPI Javadoc states it, is a test interface of default {@code @Test} methods
 * that needs only the store under test ({@link dev.wharf.testkit.MetadataStoreUnderTest},
 * {@link dev.wharf.testkit.BlobStoreUnderTest}):
 * <ul>
 *   <li>metadata: {@link dev.wharf.testkit.RepositoryLinksContract}, {@link dev.wharf.testkit.ManifestStoreContract},
 *       {@link dev.wharf.testkit.TagStoreContract}, {@link dev.wharf.testkit.UploadSessionStoreContract};</li>
 *   <li>blobs: {@link dev.wharf.testkit.BlobReaderContract}, {@link dev.wharf.testkit.BlobStagingContract}, and
 *       for the optional roles {@link dev.wharf.testkit.BlobDeletionContract} and
 *       {@link dev.wharf.testkit.BlobRedirectsContract}, whose cases are skipped (saying why) when a store does
 *       not declare the role.</li>
 * </ul>
 * Two abstract classes compose them and own the store's lifecycle: {@link dev.wharf.testkit.MetadataStoreContract}
 * and {@link dev.wharf.testkit.BlobStoreContract}. A store runs every case of every role by extending one of them
 * and saying how to open a fresh, empty store; a durable store also says how to reopen the same storage, which
 * runs the durability cases (skipped otherwise, saying why).
 *
 * <p>To check a store, add one test-scope dependency on {@code dev.wharf:engine-testkit} (it brings JUnit 5's
 * API and AssertJ) and extend the class for its SPI. For a metadata store kept in a directory:
 *
 * <pre>{@code
 * class MyMetadataStoreContractTest extends MetadataStoreContract {
 *     @TempDir
 *     Path dir;
 *
 *     @Override
 *     protected MetadataStore openStore() {
 *         return MyMetadataStore.open(dir);   // before each case: a fresh store in a new directory
 *     }
 *
 *     @Override
 *     protected MetadataStore reopenStore() {
 *         return MyMetadataStore.open(dir);   // after the kit closed it: the same directory again
 *     }
 * }
 * }</pre>
 *
 * A blob store's test extends {@link dev.wharf.testkit.BlobStoreContract} the same way. The kit closes the store
 * after each case; a subclass may add cases for its store's own promises, using the {@code store} field.
 */
package dev.wharf.testkit;
