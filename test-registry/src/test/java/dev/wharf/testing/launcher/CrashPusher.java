package dev.wharf.testing.launcher;

import dev.wharf.servlet.suite.MediaTypes;
import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.testing.Http;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One client of {@link CrashSafetyTest}: pushes images (a config, one to three layers of random sizes,
 * monolithic or in chunks, sometimes a layer every pusher shares) and then their manifests by a tag unique to
 * the push, until its connection dies with the registry. Every answer it gets is checked; only the kill may
 * end its requests without one.
 */
final class CrashPusher implements Callable<CrashLog> {
    private static final int KIB = 1024;

    private final RegistryHttp http;
    private final String name;
    private final List<byte[]> sharedLayers;
    private final AtomicBoolean killed;
    private final SplittableRandom random;
    private final CrashLog log = new CrashLog();
    private int pushes;

    /**
     * @param name         unique over the whole test (round and pusher), used in repository names and tags
     * @param sharedLayers layers several pushers push at the same time, to the same or other repositories
     * @param killed       set just before the registry is killed: a failed request before that is a bug
     */
    CrashPusher(URI base, String name, List<byte[]> sharedLayers, AtomicBoolean killed, long seed) {
        this.http = new RegistryHttp(base);
        this.name = name;
        this.sharedLayers = sharedLayers;
        this.killed = killed;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public CrashLog call() {
        try {
            while (!killed.get()) {
                pushImage();
            }
        } catch (UncheckedIOException connectionLost) {
            if (!killed.get()) {
                log.failures.add(name + ": request failed while the registry was up: " + connectionLost);
            }
        } catch (UnexpectedAnswer e) {
            log.failures.add(name + ": " + e.getMessage());
        }
        return log;
    }

    private void pushImage() {
        String repo = random.nextInt(3) == 0 ? "crash/shared" : "crash/" + name.replace('-', '/');
        String tag = name + "-" + pushes++;
        List<CrashLog.Blob> blobs = new ArrayList<>();
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"wharf.crash\":\"" + tag + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        blobs.add(pushBlob(repo, config, false));
        int layers = 1 + random.nextInt(3);
        for (int i = 0; i < layers; i++) {
            byte[] layer = random.nextInt(4) == 0 ? sharedLayers.get(random.nextInt(sharedLayers.size()))
                    : randomBytes(randomSize());
            blobs.add(pushBlob(repo, layer, layer.length >= 4 && random.nextBoolean()));
        }
        byte[] manifest = manifest(tag, blobs);
        CrashLog.Manifest pushed = new CrashLog.Manifest(repo, tag, Http.sha256Digest(manifest), manifest, List.copyOf(blobs));
        log.unanswered.add(pushed);
        Response r = http.put("/v2/" + repo + "/manifests/" + tag, manifest, "Content-Type", MediaTypes.OCI_MANIFEST);
        expect(r, 201);
        log.unanswered.remove(log.unanswered.size() - 1);
        log.acknowledged.add(pushed);
    }

    private CrashLog.Blob pushBlob(String repo, byte[] bytes, boolean chunked) {
        CrashLog.Blob blob = new CrashLog.Blob(repo, Http.sha256Digest(bytes), bytes.length);
        log.blobsUnanswered.add(blob);
        if (chunked) {
            pushChunked(repo, bytes, blob.digest());
        } else {
            Response r = http.post("/v2/" + repo + "/blobs/uploads/?digest=" + blob.digest(), bytes,
                    "Content-Type", MediaTypes.OCTET_STREAM);
            expect(r, 201);
        }
        log.blobsUnanswered.remove(log.blobsUnanswered.size() - 1);
        log.blobsAcknowledged.add(blob);
        return blob;
    }

    /** POST, one to four PATCHes of at least two bytes each (so {@code Range} is never ambiguous), PUT. */
    private void pushChunked(String repo, byte[] bytes, String digest) {
        Response started = http.post("/v2/" + repo + "/blobs/uploads/", new byte[0]);
        expect(started, 202);
        String location = started.header("Location").orElseThrow();
        int chunks = Math.min(1 + random.nextInt(4), bytes.length / 2);
        int offset = 0;
        for (int i = 0; i < chunks; i++) {
            int end = i == chunks - 1 ? bytes.length : offset + 2 + random.nextInt(bytes.length - offset - 2 * (chunks - i) + 1);
            log.openSession = Optional.of(new CrashLog.Session(repo, location, offset, end - offset, false));
            Response r = http.patch(location, java.util.Arrays.copyOfRange(bytes, offset, end),
                    "Content-Type", MediaTypes.OCTET_STREAM, "Content-Range", offset + "-" + (end - 1));
            expect(r, 202);
            if (!r.header("Range").equals(Optional.of("0-" + (end - 1)))) {
                throw new UnexpectedAnswer("PATCH acknowledged " + r.header("Range") + ", expected 0-" + (end - 1));
            }
            location = r.header("Location").orElseThrow();
            offset = end;
        }
        log.openSession = Optional.of(new CrashLog.Session(repo, location, offset, 0, true));
        expect(http.put(RegistryHttp.withQuery(location, "digest=" + digest), new byte[0]), 201);
        log.openSession = Optional.empty();
    }

    /** Mostly small, sometimes up to half a MiB, rarely up to 2 MiB; empty now and then. */
    private int randomSize() {
        int dice = random.nextInt(20);
        if (dice == 0) {
            return 0;
        }
        if (dice == 1) {
            return 512 * KIB + random.nextInt(3 * 512 * KIB);
        }
        return dice < 6 ? 64 * KIB + random.nextInt(448 * KIB) : random.nextInt(64 * KIB);
    }

    private byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i += 8) {
            long word = random.nextLong();
            for (int b = 0; b < 8 && i + b < size; b++) {
                bytes[i + b] = (byte) (word >>> (8 * b));
            }
        }
        return bytes;
    }

    private static byte[] manifest(String tag, List<CrashLog.Blob> blobs) {
        StringBuilder json = new StringBuilder("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                + "\",\"config\":" + descriptor(MediaTypes.OCI_CONFIG, blobs.get(0)) + ",\"layers\":[");
        for (int i = 1; i < blobs.size(); i++) {
            json.append(i > 1 ? "," : "").append(descriptor(MediaTypes.OCI_LAYER, blobs.get(i)));
        }
        json.append("],\"annotations\":{\"dev.wharf.crash.tag\":\"").append(tag).append("\"}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String descriptor(String mediaType, CrashLog.Blob blob) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + blob.digest() + "\",\"size\":" + blob.size() + "}";
    }

    private void expect(Response response, int status) {
        if (response.status() != status) {
            throw new UnexpectedAnswer("expected " + status + ", got " + response.describe());
        }
    }

    /** An answer the registry should not have given; ends this pusher's round as a failure. */
    private static final class UnexpectedAnswer extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnexpectedAnswer(String message) {
            super(message);
        }
    }
}
