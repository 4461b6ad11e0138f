package dev.wharf.rocksdb;

/**
 * The blob store contract against {@link InlineBlobStore} with a limit of 8 bytes, so that nearly every staged
 * write of the kit outgrows it mid-write and moves to the filesystem store: the moving path meets the whole
 * contract too.
 */
class InlineBlobStoreSmallLimitContractTest extends InlineBlobStoreContractTest {
    @Override
    int limit() {
        return 8;
    }
}
