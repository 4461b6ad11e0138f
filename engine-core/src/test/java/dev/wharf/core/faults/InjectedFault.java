package dev.wharf.core.faults;

import java.util.EnumSet;
import java.util.Set;

/**
 * The storage faults every write path is tested under, each a {@link StorageFault} aimed at some calls of a
 * {@link FaultyMetadataStore} or a {@link FaultyBlobStore}: a whole device full or failing, and the two
 * moments between a path's writes where a device running out of space splits them.
 */
public enum InjectedFault {
    /** The metadata device is full: every metadata write fails. */
    METADATA_FULL(StorageFault.full(), FaultyMetadataStore.Operation.WRITES, Set.of()),
    /** The metadata device fails (an I/O error): every metadata write fails. */
    METADATA_FAILED(StorageFault.failed(), FaultyMetadataStore.Operation.WRITES, Set.of()),
    /** A blob's bytes are published; linking them into the repository finds the metadata full. */
    METADATA_FULL_AT_LINK(StorageFault.full(), EnumSet.of(FaultyMetadataStore.Operation.LINK_BLOB), Set.of()),
    /** The blob device is full: staging, appending (halfway through the bytes) and publishing fail. */
    BLOB_FULL(StorageFault.full(), Set.of(), FaultyBlobStore.Operation.WRITES),
    /** The blob device fails: staging, appending (halfway through the bytes) and publishing fail. */
    BLOB_FAILED(StorageFault.failed(), Set.of(), FaultyBlobStore.Operation.WRITES),
    /** Every byte is staged; publishing them finds the device full (a delayed allocation failing at fsync). */
    BLOB_FULL_AT_COMMIT(StorageFault.full(), Set.of(), EnumSet.of(FaultyBlobStore.Operation.COMMIT));

    private final StorageFault fault;
    private final Set<FaultyMetadataStore.Operation> metadata;
    private final Set<FaultyBlobStore.Operation> blobs;

    InjectedFault(StorageFault fault, Set<FaultyMetadataStore.Operation> metadata,
                  Set<FaultyBlobStore.Operation> blobs) {
        this.fault = fault;
        this.metadata = metadata;
        this.blobs = blobs;
    }

    /** True for a full device, which the registry names ({@code STORAGE_FULL}); false for a failing one. */
    public boolean isFull() {
        return fault.isFull();
    }

    /**
     * True if a path whose store writes are {@code metadataWrites} and {@code blobWrites} meets this fault,
     * and must therefore fail.
     */
    public boolean meets(Set<FaultyMetadataStore.Operation> metadataWrites, Set<FaultyBlobStore.Operation> blobWrites) {
        return metadataWrites.stream().anyMatch(metadata::contains) || blobWrites.stream().anyMatch(blobs::contains);
    }

    /** Switches this fault on in the two stores. */
    public void injectInto(FaultyMetadataStore metadataStore, FaultyBlobStore blobStore) {
        if (!metadata.isEmpty()) {
            metadataStore.inject(fault, metadata);
        }
        if (!blobs.isEmpty()) {
            blobStore.inject(fault, blobs);
        }
    }
}
