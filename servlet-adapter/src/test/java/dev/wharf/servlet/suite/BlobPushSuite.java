package dev.wharf.servlet.suite;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertDigestHeader;
import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertHeadError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static dev.wharf.servlet.suite.ApiAssertions.locationPath;
import static dev.wharf.servlet.suite.RegistryHttp.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's Push workflow for blobs: POST then PUT (end-4a, end-6), single POST (end-4b), sha512
 * sessions (end-4c), chunks (end-5) with session status (end-13), cancel (end-14) and cross-repository
 * mount (end-11, with and without {@code from}). Every way of uploading stores the body byte for byte,
 * whatever its {@code Content-Type}, forms included.
 */
public abstract class BlobPushSuite extends RegistrySuite {

    @Test
    void shouldStoreBlobWhenUploadedWithPostThenPut() {
        String repo = Content.uniqueRepo("push");
        byte[] blob = Content.randomBytes(4000);
        String digest = Content.sha256(blob);

        Response start = http().post(uploadsPath(repo), new byte[0]);
        assertStatus(start, 202);
        assertThat(locationPath(http(), start)).startsWith("/v2/" + repo + "/blobs/uploads/")
                .hasSizeGreaterThan(("/v2/" + repo + "/blobs/uploads/").length());
        assertThat(start.header("Range")).as(start::describe).contains("0-0");
        assertThat(start.header("Docker-Upload-UUID")).as(start::describe).isPresent();
        Response other = http().post(uploadsPath(repo), new byte[0]);
        assertThat(other.header("Location")).as("each session has its own location").isNotEqualTo(start.header("Location"));

        Response put = http().put(withQuery(start.header("Location").orElseThrow(), "digest=" + digest), blob,
                "Content-Type", MediaTypes.OCTET_STREAM);
        assertStatus(put, 201);
        assertThat(locationPath(http(), put)).isEqualTo(blobPath(repo, digest));
        assertDigestHeader(put, digest);
        Response pulled = http().get(put.header("Location").orElseThrow());
        assertStatus(pulled, 200);
        assertThat(pulled.body()).isEqualTo(blob);
    }

    @Test
    void shouldStoreBlobWhenUploadedWithSinglePost() {
        String repo = Content.uniqueRepo("push");
        byte[] blob = Content.randomBytes(3500);
        String digest = Content.sha256(blob);
        Response r = http().post(withQuery(uploadsPath(repo), "digest=" + digest), blob,
                "Content-Type", MediaTypes.OCTET_STREAM);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(blobPath(repo, digest));
        assertDigestHeader(r, digest);
        assertThat(http().get(blobPath(repo, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldStoreEmptyBlobWhenSinglePostHasNoBody() {
        String repo = Content.uniqueRepo("push");
        Response r = http().post(withQuery(uploadsPath(repo), "digest=" + Content.EMPTY_BLOB_DIGEST), new byte[0]);
        assertStatus(r, 201);
        Response pulled = http().get(blobPath(repo, Content.EMPTY_BLOB_DIGEST));
        assertStatus(pulled, 200);
        assertThat(pulled.body()).isEmpty();
        assertDigestHeader(pulled, Content.EMPTY_BLOB_DIGEST);
    }

    @Test
    void shouldAssembleBlobWhenChunksArriveInOrder() {
        String repo = Content.uniqueRepo("chunks");
        byte[] blob = Content.randomBytes(3000);
        String location = http().startUpload(repo);

        Response empty = http().get(location);
        assertStatus(empty, 204);
        assertThat(empty.header("Range")).as(empty::describe).contains("0-0");
        assertThat(locationPath(http(), empty)).startsWith("/v2/" + repo + "/blobs/uploads/");

        Response first = http().patch(location, Content.slice(blob, 0, 1024),
                "Content-Type", MediaTypes.OCTET_STREAM, "Content-Range", "0-1023");
        assertStatus(first, 202);
        assertThat(first.header("Range")).as(first::describe).contains("0-1023");
        assertThat(locationPath(http(), first)).startsWith("/v2/" + repo + "/blobs/uploads/");

        Response status = http().get(first.header("Location").orElseThrow());
        assertStatus(status, 204);
        assertThat(status.header("Range")).as(status::describe).contains("0-1023");

        Response second = http().patch(status.header("Location").orElseThrow(), Content.slice(blob, 1024, 2048),
                "Content-Type", MediaTypes.OCTET_STREAM, "Content-Range", "1024-2047");
        assertStatus(second, 202);
        assertThat(second.header("Range")).as(second::describe).contains("0-2047");

        String digest = Content.sha256(blob);
        Response close = http().put(withQuery(second.header("Location").orElseThrow(), "digest=" + digest),
                Content.slice(blob, 2048, 3000), "Content-Type", MediaTypes.OCTET_STREAM,
                "Content-Range", "2048-2999");
        assertStatus(close, 201);
        assertThat(locationPath(http(), close)).isEqualTo(blobPath(repo, digest));
        assertDigestHeader(close, digest);
        assertThat(http().get(blobPath(repo, digest)).body()).isEqualTo(blob);
    }

    // ---- bodies a container could take for a form ----

    /** How an upload is made: returns the final answer (201 expected) for {@code body} sent as {@code type}. */
    @FunctionalInterface
    interface UploadFlow {
        Response upload(RegistryHttp http, String repo, byte[] body, String digest, String[] typeHeader);
    }

    /**
     * Upload bodies that look like forms, sent as forms: a container parses such a body as request
     * parameters if the servlet asks for one, and the bytes are then gone. The form carries a {@code digest}
     * field of its own (wrong) so that a registry reading parameters from the body would also fail the push.
     */
    static Stream<Arguments> formLikeUploads() {
        String boundary = "wharf-" + Content.randomId();
        Map<String, Object[]> bodies = new LinkedHashMap<>();
        bodies.put("url-encoded form", new Object[] {"application/x-www-form-urlencoded",
                Content.utf8("a=b&c=d&digest=" + Content.unknownDigest() + "&e=%41%zz+f&mount=x&=")});
        bodies.put("multipart form", new Object[] {"multipart/form-data; boundary=" + boundary,
                Content.concat(Content.utf8("--" + boundary + "\r\nContent-Disposition: form-data; name=\"digest\"\r\n\r\n"
                        + Content.unknownDigest() + "\r\n--" + boundary + "\r\nContent-Disposition: form-data;"
                        + " name=\"layer\"; filename=\"layer.tar\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
                        Content.randomBytes(1500), Content.utf8("\r\n--" + boundary + "--\r\n"))});
        bodies.put("form bytes without Content-Type", new Object[] {null, Content.utf8("a=b&c=d&digest=x")});

        Map<String, UploadFlow> flows = new LinkedHashMap<>();
        flows.put("POST then PUT", (h, repo, body, digest, type) -> {
            Response start = h.post(uploadsPath(repo), new byte[0], type);
            assertStatus(start, 202);
            return h.put(withQuery(start.header("Location").orElseThrow(), "digest=" + digest), body, type);
        });
        flows.put("PATCH chunks then PUT", (h, repo, body, digest, type) -> {
            int half = body.length / 2;
            Response first = h.patch(h.startUpload(repo), Content.slice(body, 0, half),
                    with(type, "Content-Range", "0-" + (half - 1)));
            assertStatus(first, 202);
            Response second = h.patch(first.header("Location").orElseThrow(), Content.slice(body, half, body.length),
                    with(type, "Content-Range", half + "-" + (body.length - 1)));
            assertStatus(second, 202);
            return h.put(withQuery(second.header("Location").orElseThrow(), "digest=" + digest), new byte[0], type);
        });
        flows.put("streamed PATCH then PUT", (h, repo, body, digest, type) -> {
            Response patch = h.send("PATCH", h.startUpload(repo),
                    BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)), type);
            assertStatus(patch, 202);
            return h.put(withQuery(patch.header("Location").orElseThrow(), "digest=" + digest), new byte[0], type);
        });
        flows.put("single POST", (h, repo, body, digest, type) ->
                h.post(withQuery(uploadsPath(repo), "digest=" + digest), body, type));

        List<Arguments> out = new ArrayList<>();
        bodies.forEach((bodyName, body) -> flows.forEach((flowName, flow) -> out.add(Arguments.of(
                Named.of(bodyName + " / " + flowName, flow), body[0], body[1]))));
        return out.stream();
    }

    private static String[] with(String[] headers, String... more) {
        String[] all = Arrays.copyOf(headers, headers.length + more.length);
        System.arraycopy(more, 0, all, headers.length, more.length);
        return all;
    }

    @ParameterizedTest
    @MethodSource("formLikeUploads")
    void shouldStoreBodyByteForByteWhenItIsSentAsAForm(UploadFlow flow, String contentType, byte[] body) {
        String repo = Content.uniqueRepo("form");
        String digest = Content.sha256(body);
        String[] type = contentType == null ? new String[0] : new String[] {"Content-Type", contentType};

        Response done = flow.upload(http(), repo, body, digest, type);
        assertStatus(done, 201);
        assertDigestHeader(done, digest);
        Response pulled = http().get(blobPath(repo, digest));
        assertStatus(pulled, 200);
        assertThat(pulled.body()).as("the pulled bytes are the pushed bytes").isEqualTo(body);
    }

    @Test
    void shouldCloseSessionWhenFinalPutHasNoBody() {
        String repo = Content.uniqueRepo("chunks");
        byte[] blob = Content.randomBytes(2500);
        String location = http().startUpload(repo);
        Response patch = http().patch(location, blob, "Content-Type", MediaTypes.OCTET_STREAM,
                "Content-Range", "0-2499");
        assertStatus(patch, 202);
        String digest = Content.sha256(blob);
        Response close = http().put(withQuery(patch.header("Location").orElseThrow(), "digest=" + digest), new byte[0]);
        assertStatus(close, 201);
        assertThat(http().get(blobPath(repo, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldAppendStreamedChunksWhenPatchHasNoContentRange() {
        String repo = Content.uniqueRepo("stream");
        byte[] blob = Content.randomBytes(6000);
        String location = http().startUpload(repo);
        Response first = http().send("PATCH", location,
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(Content.slice(blob, 0, 4000))),
                "Content-Type", MediaTypes.OCTET_STREAM);
        assertStatus(first, 202);
        assertThat(first.header("Range")).as(first::describe).contains("0-3999");
        Response second = http().send("PATCH", first.header("Location").orElseThrow(),
                BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(Content.slice(blob, 4000, 6000))),
                "Content-Type", MediaTypes.OCTET_STREAM);
        assertStatus(second, 202);
        assertThat(second.header("Range")).as(second::describe).contains("0-5999");
        String digest = Content.sha256(blob);
        assertStatus(http().put(withQuery(second.header("Location").orElseThrow(), "digest=" + digest), new byte[0]), 201);
        assertThat(http().get(blobPath(repo, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldVerifySha512WhenSessionAsksForThatAlgorithm() {
        String repo = Content.uniqueRepo("sha512");
        byte[] blob = Content.randomBytes(3000);
        String digest = Content.sha512(blob);
        Response start = http().post(withQuery(uploadsPath(repo), "digest-algorithm=sha512"), new byte[0]);
        assertStatus(start, 202);
        Response patch = http().patch(start.header("Location").orElseThrow(), Content.slice(blob, 0, 1000),
                "Content-Type", MediaTypes.OCTET_STREAM, "Content-Range", "0-999");
        assertStatus(patch, 202);
        Response close = http().put(withQuery(patch.header("Location").orElseThrow(), "digest=" + digest),
                Content.slice(blob, 1000, 3000), "Content-Type", MediaTypes.OCTET_STREAM,
                "Content-Range", "1000-2999");
        assertStatus(close, 201);
        assertDigestHeader(close, digest);
        assertThat(locationPath(http(), close)).isEqualTo(blobPath(repo, digest));
        Response pulled = http().get(blobPath(repo, digest));
        assertStatus(pulled, 200);
        assertThat(pulled.body()).isEqualTo(blob);
        assertDigestHeader(pulled, digest);
    }

    @Test
    void shouldStoreSha512BlobWhenSinglePostNamesSha512Digest() {
        String repo = Content.uniqueRepo("sha512");
        byte[] blob = Content.randomBytes(2000);
        String digest = Content.sha512(blob);
        Response r = http().post(withQuery(uploadsPath(repo), "digest=" + digest), blob,
                "Content-Type", MediaTypes.OCTET_STREAM);
        assertStatus(r, 201);
        assertDigestHeader(r, digest);
        Response head = http().head(blobPath(repo, digest));
        assertStatus(head, 200);
        assertDigestHeader(head, digest);
        assertThat(head.header("Content-Length")).contains("2000");
    }

    @Test
    void shouldForgetSessionWhenUploadIsCancelled() {
        String repo = Content.uniqueRepo("cancel");
        byte[] chunk = Content.randomBytes(1024);
        String location = http().startUpload(repo);
        Response patch = http().patch(location, chunk, "Content-Range", "0-1023");
        assertStatus(patch, 202);

        Response cancel = http().delete(patch.header("Location").orElseThrow());
        assertStatus(cancel, 204);

        assertError(http().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(http().patch(location, chunk, "Content-Range", "1024-2047"), 404, "BLOB_UPLOAD_UNKNOWN");
        assertError(http().put(withQuery(location, "digest=" + Content.sha256(chunk)), new byte[0]), 404,
                "BLOB_UPLOAD_UNKNOWN");
        assertHeadError(http().head(blobPath(repo, Content.sha256(chunk))), 404);
    }

    @Test
    void shouldMountBlobWhenFromRepositoryLinksIt() {
        String source = Content.uniqueRepo("mount-src");
        String target = Content.uniqueRepo("mount-dst");
        byte[] blob = Content.randomBytes(2222);
        String digest = http().pushBlob(source, blob);
        Response r = http().post(withQuery(uploadsPath(target), "mount=" + digest + "&from=" + source), new byte[0]);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(blobPath(target, digest));
        assertDigestHeader(r, digest);
        assertThat(http().get(blobPath(target, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldMountBlobWhenFromIsOmittedAndAnotherRepositoryLinksIt() {
        String source = Content.uniqueRepo("mount-src");
        String target = Content.uniqueRepo("mount-dst");
        byte[] blob = Content.randomBytes(2222);
        String digest = http().pushBlob(source, blob);
        Response r = http().post(withQuery(uploadsPath(target), "mount=" + digest), new byte[0]);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(blobPath(target, digest));
        assertThat(http().get(blobPath(target, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldOpenUsableSessionWhenMountedBlobIsUnknown() {
        String source = Content.uniqueRepo("mount-src");
        String target = Content.uniqueRepo("mount-dst");
        http().pushImage(source, "v1");
        byte[] blob = Content.randomBytes(1800);
        String digest = Content.sha256(blob);
        Response r = http().post(withQuery(uploadsPath(target), "mount=" + digest + "&from=" + source), new byte[0]);
        assertStatus(r, 202);
        assertThat(locationPath(http(), r)).startsWith("/v2/" + target + "/blobs/uploads/");
        Response put = http().put(withQuery(r.header("Location").orElseThrow(), "digest=" + digest), blob,
                "Content-Type", MediaTypes.OCTET_STREAM);
        assertStatus(put, 201);
        assertThat(http().get(blobPath(target, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldMountFromAnotherReadableRepositoryWhenFromDoesNotLinkTheBlob() {
        // The spec lets a registry treat 'from' as optional; Wharf falls back to any repository the caller
        // may pull, so a wrong 'from' costs no upload (the access rule is the same as without 'from').
        String holder = Content.uniqueRepo("mount-holder");
        String wrongSource = Content.uniqueRepo("mount-src");
        String target = Content.uniqueRepo("mount-dst");
        byte[] blob = Content.randomBytes(1000);
        String digest = http().pushBlob(holder, blob);
        http().pushImage(wrongSource, "v1");
        Response r = http().post(withQuery(uploadsPath(target), "mount=" + digest + "&from=" + wrongSource),
                new byte[0]);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(blobPath(target, digest));
        assertThat(http().get(blobPath(target, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldOpenSessionWhenFromDoesNotLinkTheBlobAndNoRepositoryDoes() {
        String wrongSource = Content.uniqueRepo("mount-src");
        String target = Content.uniqueRepo("mount-dst");
        String digest = Content.unknownDigest();
        http().pushImage(wrongSource, "v1");
        Response r = http().post(withQuery(uploadsPath(target), "mount=" + digest + "&from=" + wrongSource),
                new byte[0]);
        assertStatus(r, 202);
        assertThat(locationPath(http(), r)).startsWith("/v2/" + target + "/blobs/uploads/");
        assertHeadError(http().head(blobPath(target, digest)), 404);
    }

    @Test
    void shouldLinkExistingBlobWhenSinglePostNamesItsDigestWithoutBody() {
        String source = Content.uniqueRepo("dedupe-src");
        String target = Content.uniqueRepo("dedupe-dst");
        byte[] blob = Content.randomBytes(1500);
        String digest = http().pushBlob(source, blob);
        Response r = http().post(withQuery(uploadsPath(target), "digest=" + digest), new byte[0]);
        assertStatus(r, 201);
        assertThat(locationPath(http(), r)).isEqualTo(blobPath(target, digest));
        assertThat(http().get(blobPath(target, digest)).body()).isEqualTo(blob);
    }

    @Test
    void shouldOpenSessionWhenSinglePostNamesUnknownDigestWithoutBody() {
        String repo = Content.uniqueRepo("dedupe");
        String digest = Content.unknownDigest();
        Response r = http().post(withQuery(uploadsPath(repo), "digest=" + digest), new byte[0]);
        assertStatus(r, 202);
        assertThat(locationPath(http(), r)).startsWith("/v2/" + repo + "/blobs/uploads/");
        assertHeadError(http().head(blobPath(repo, digest)), 404);
    }

    @Test
    void shouldServeSameBytesInBothRepositoriesWhenIdenticalBlobIsUploadedTwice() {
        byte[] blob = Content.randomBytes(2048);
        String a = Content.uniqueRepo("dedupe-a");
        String b = Content.uniqueRepo("dedupe-b");
        String digest = http().pushBlob(a, blob);
        assertThat(http().pushBlob(b, blob)).isEqualTo(digest);
        assertThat(http().pushBlob(b, blob)).as("re-uploading existing content succeeds").isEqualTo(digest);
        assertThat(http().get(blobPath(a, digest)).body()).isEqualTo(blob);
        assertThat(http().get(blobPath(b, digest)).body()).isEqualTo(blob);
    }
}
