package dev.wharf.testing.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one pusher of {@link CrashSafetyTest} did in one round, split by what the registry acknowledged
 * (a 201, or a 202 for a chunk) and what was in flight when the registry was killed. Written by one
 * pusher thread, read by the test after joining it.
 */
final class CrashLog {
    /** A blob as a manifest or a push refers to it. */
    record Blob(String repo, String digest, long size) {
    }

    /** A manifest pushed by tag: its exact bytes and what it references. */
    record Manifest(String repo, String tag, String digest, byte[] bytes, List<Blob> blobs) {
    }

    /**
     * A chunked upload that was open when the registry died.
     *
     * @param location   the session URL of the last answer
     * @param accepted   bytes the registry acknowledged with a 202
     * @param inFlight   length of a PATCH sent but not answered, 0 if none
     * @param completing a PUT (with no body) was sent but not answered
     */
    record Session(String repo, String location, long accepted, long inFlight, boolean completing) {
    }

    final List<Manifest> acknowledged = new ArrayList<>();
    final List<Manifest> unanswered = new ArrayList<>();
    final List<Blob> blobsAcknowledged = new ArrayList<>();
    final List<Blob> blobsUnanswered = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    Optional<Session> openSession = Optional.empty();
}
