package dev.wharf.testing.launcher;

import dev.wharf.servlet.suite.RegistryHttp;
import dev.wharf.servlet.suite.Response;
import dev.wharf.testing.Http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks {@link CrashSafetyTest} runs against a registry restarted after a kill: acknowledged content is
 * all there, byte for byte; unacknowledged content is either whole or absent; upload sessions stand where
 * their last 202 (or the unanswered request) left them; and every file under {@code blobs/} on disk hashes
 * to its name.
 */
final class CrashVerifier {
    private final RegistryHttp http;
    private final String context;
    /** Blobs already read back and hashed through this registry, as repo + digest. */
    private final Set<String> blobsRead = new HashSet<>();

    CrashVerifier(URI base, String context) {
        this.http = new RegistryHttp(base);
        this.context = context;
    }

    /** A manifest that got a 201: by digest and by tag, identical bytes; each blob it references reads back. */
    void acknowledgedManifest(CrashLog.Manifest manifest) {
        Response byDigest = http.get("/v2/" + manifest.repo() + "/manifests/" + manifest.digest());
        assertThat(byDigest.status()).as("%s: acknowledged manifest by digest: %s", context, byDigest.describe())
                .isEqualTo(200);
        assertThat(byDigest.body()).as("%s: bytes of %s", context, manifest.digest()).isEqualTo(manifest.bytes());
        assertThat(byDigest.header("Docker-Content-Digest")).as(context).hasValue(manifest.digest());
        Response byTag = http.get("/v2/" + manifest.repo() + "/manifests/" + manifest.tag());
        assertThat(byTag.status()).as("%s: acknowledged manifest by tag: %s", context, byTag.describe()).isEqualTo(200);
        assertThat(byTag.body()).as("%s: bytes of tag %s", context, manifest.tag()).isEqualTo(manifest.bytes());
        manifest.blobs().forEach(this::acknowledgedBlob);
    }

    /** A manifest sent but not answered: absent, or there with exactly the bytes sent. */
    void unansweredManifest(CrashLog.Manifest manifest) {
        for (String reference : List.of(manifest.digest(), manifest.tag())) {
            Response r = http.get("/v2/" + manifest.repo() + "/manifests/" + reference);
            assertThat(r.status()).as("%s: unanswered manifest %s: %s", context, reference, r.describe()).isIn(200, 404);
            if (r.status() == 200) {
                assertThat(r.body()).as("%s: bytes of unanswered manifest %s", context, reference)
                        .isEqualTo(manifest.bytes());
            }
        }
    }

    /** A blob that got a 201 (alone or as part of an acknowledged manifest): there, whole and correct. */
    void acknowledgedBlob(CrashLog.Blob blob) {
        if (blobsRead.contains(blob.repo() + "@" + blob.digest())) {
            return;
        }
        Response r = http.get("/v2/" + blob.repo() + "/blobs/" + blob.digest());
        assertThat(r.status()).as("%s: acknowledged blob: %s", context, r.describe()).isEqualTo(200);
        assertWhole(blob, r);
    }

    /** A blob sent but not answered: absent, or whole and correct, never a prefix. */
    void unansweredBlob(CrashLog.Blob blob) {
        Response r = http.get("/v2/" + blob.repo() + "/blobs/" + blob.digest());
        assertThat(r.status()).as("%s: unanswered blob: %s", context, r.describe()).isIn(200, 404);
        if (r.status() == 200) {
            assertWhole(blob, r);
        }
    }

    /**
     * An upload open at the kill: the session reports what its last 202 acknowledged, or that plus the chunk in
     * flight if the registry stored it before dying; a PUT in flight may have completed the upload instead.
     */
    void openSession(CrashLog.Session session) {
        Response r = http.get(session.location());
        if (session.completing() && r.status() == 404) {
            return; // the PUT went through before the kill; the blob is checked as an unanswered blob
        }
        assertThat(r.status()).as("%s: session open at the kill: %s", context, r.describe()).isEqualTo(204);
        long offset = acceptedBytes(r.header("Range").orElseThrow());
        assertThat(offset).as("%s: bytes accepted by %s", context, session)
                .isIn(session.accepted(), session.accepted() + session.inFlight());
    }

    private void assertWhole(CrashLog.Blob blob, Response r) {
        assertThat((long) r.body().length).as("%s: size of %s", context, blob.digest()).isEqualTo(blob.size());
        assertThat(Http.sha256Digest(r.body())).as("%s: content of %s", context, blob.digest()).isEqualTo(blob.digest());
        blobsRead.add(blob.repo() + "@" + blob.digest());
    }

    /** {@code Range: 0-<last>} to a byte count; the pushers never leave a session at exactly one byte. */
    private static long acceptedBytes(String range) {
        long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
        return last == 0 ? 0 : last + 1;
    }

    /**
     * Hashes every file under {@code blobs/} not in {@code alreadyChecked} (blob files never change once
     * published) and checks it sits at {@code sha256/<first two hex>/<hex>} of its own digest; adds each to
     * {@code alreadyChecked} and returns how many were new.
     */
    static int blobFilesOnDisk(Path dataDirectory, Set<String> alreadyChecked, String context) throws IOException {
        Path blobs = dataDirectory.resolve("blobs");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(blobs)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !alreadyChecked.contains(f.toString())).toList();
        }
        for (Path file : files) {
            String hex;
            try (InputStream in = Files.newInputStream(file)) {
                hex = sha256Hex(in);
            }
            assertThat(blobs.relativize(file).toString()).as("%s: file on disk named by its content", context)
                    .isEqualTo("sha256/" + hex.substring(0, 2) + "/" + hex);
            alreadyChecked.add(file.toString());
        }
        return files.size();
    }

    /** Like {@link #blobFilesOnDisk}, for blobs in S3: every object under {@code prefix/blobs/} hashes to its key. */
    static int blobObjectsInS3(dev.wharf.s3.S3ProxyServer s3, String bucket, String prefix, Set<String> alreadyChecked,
                               String context) throws IOException {
        int checked = 0;
        try (var client = s3.client()) {
            List<String> keys = new java.util.ArrayList<>();
            client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix + "blobs/")).contents()
                    .forEach(o -> keys.add(o.key()));
            for (String key : keys) {
                if (alreadyChecked.contains(key)) {
                    continue;
                }
                String hex;
                try (InputStream in = client.getObject(b -> b.bucket(bucket).key(key))) {
                    hex = sha256Hex(in);
                }
                assertThat(key.substring(prefix.length())).as("%s: object named by its content", context)
                        .isEqualTo("blobs/sha256/" + hex);
                alreadyChecked.add(key);
                checked++;
            }
            return checked;
        }
    }

    private static String sha256Hex(InputStream in) throws IOException {
        MessageDigest sha256 = Http.sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
            sha256.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }
}
