/**
 * Contract test suites for the SPIs, published in engine-core's test-jar so every implementation (in
 * engine-core, storage-rocksdb, or a vendor's) runs the same tests.
 */
package dev.wharf.core.contract;
