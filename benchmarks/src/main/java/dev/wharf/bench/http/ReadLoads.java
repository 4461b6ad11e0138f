package dev.wharf.bench.http;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The two read loads the harnesses time: a manifest GET by tag (with {@code wrk} when there is one, else the
 * {@link SelectorLoadRunner}) and a blob HEAD (always the {@link SelectorLoadRunner}: wrk waits for a body after
 * a HEAD answer with {@code Content-Length}). Both keep {@code connections} keep-alive connections busy for a
 * warm-up (discarded) and the measured seconds, send the same {@code Authorization} header, if any, on every
 * request, and fail the run on any answer other than the expected one.
 *
 * @param wrk           the wrk binary for manifest GETs, or empty for the Java client
 * @param connections   keep-alive connections
 * @param warmupSeconds seconds of load before the measured ones, discarded
 * @param seconds       measured seconds
 */
record ReadLoads(Optional<Path> wrk, int connections, long warmupSeconds, long seconds) {

    /** The loads {@code o} asks for. */
    static ReadLoads of(HarnessOptions o) {
        return new ReadLoads(o.wrk(), o.connections(), o.warmupSeconds(), o.seconds());
    }

    /** HEAD of {@code blob} in {@code repo}; every answer must be 200 with the blob's size as Content-Length. */
    LoadResult blobHead(Target target, String repo, PatternBlob blob, Optional<String> authorization) {
        return blobHead(List.of(target), repo, blob, authorization);
    }

    /** {@link #blobHead(Target, String, PatternBlob, Optional)} with the connections spread over {@code targets}. */
    LoadResult blobHead(List<Target> targets, String repo, PatternBlob blob, Optional<String> authorization) {
        String size = Long.toString(blob.size());
        Request head = authorize(Request.of("HEAD", "/v2/" + repo + "/blobs/" + blob.digest()), authorization);
        return SelectorLoadRunner.run(targets, connections, warmupSeconds, seconds, head, response -> {
            if (response.status() != 200 || !response.header("Content-Length").orElse("").equals(size)) {
                throw new BenchmarkFailure("blob HEAD answered " + response.describe() + " with Content-Length "
                        + response.header("Content-Length").orElse("(none)"));
            }
        });
    }

    /**
     * GET of {@code repo:tag}, which must serve {@code manifest} (digest {@code digest}) as
     * {@link OciManifest#MEDIA_TYPE}. wrk checks status codes only, so the caller checks the bytes before and
     * after; {@code scratch} takes wrk's script, if it needs one.
     */
    LoadResult manifestGet(Target target, Path scratch, String repo, String tag, byte[] manifest, String digest,
                           Optional<String> authorization) {
        if (wrk.isPresent()) {
            String path = "/v2/" + repo + "/manifests/" + tag;
            List<String> headers = new ArrayList<>(List.of("Accept: " + OciManifest.MEDIA_TYPE));
            authorization.ifPresent(a -> headers.add("Authorization: " + a));
            return new WrkRunner(wrk.get(), Runtime.getRuntime().availableProcessors(), scratch).run("GET",
                    "http://" + target.host() + ":" + target.port() + path, headers, connections, warmupSeconds, seconds);
        }
        return manifestGet(List.of(target), repo, tag, manifest, digest, authorization);
    }

    /**
     * GET of {@code repo:tag} with the connections spread over {@code targets}, always with the Java client
     * (wrk loads one server), which checks every answer's status, length and digest.
     */
    LoadResult manifestGet(List<Target> targets, String repo, String tag, byte[] manifest, String digest,
                           Optional<String> authorization) {
        String path = "/v2/" + repo + "/manifests/" + tag;
        String length = Integer.toString(manifest.length);
        Request get = authorize(Request.of("GET", path).header("Accept", OciManifest.MEDIA_TYPE), authorization);
        return SelectorLoadRunner.run(targets, connections, warmupSeconds, seconds, get, response -> {
            if (response.status() != 200 || response.bodyLength() != manifest.length
                    || !response.header("Docker-Content-Digest").orElse("").equals(digest)) {
                throw new BenchmarkFailure("manifest GET answered " + response.describe()
                        + " (expected 200, " + length + " bytes, " + digest + ")");
            }
        });
    }

    private static Request authorize(Request request, Optional<String> authorization) {
        return authorization.map(a -> request.header("Authorization", a)).orElse(request);
    }
}
