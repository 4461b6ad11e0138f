package dev.wharf.api;

import java.time.Duration;

/**
 * What one garbage collection run reclaimed.
 *
 * @param blobsDeleted      blobs whose bytes were removed
 * @param bytesReclaimed    their total size
 * @param blobsPending      unreferenced blobs still inside their grace period
 * @param manifestsDeleted  untagged manifests removed by the retention rule
 * @param uploadsExpired    idle upload sessions closed
 * @param took              how long the run took
 */
public record GcReport(int blobsDeleted, long bytesReclaimed, int blobsPending, int manifestsDeleted,
                       int uploadsExpired, Duration took) {
}
