package dev.wharf.servlet.suite;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertHeadError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static dev.wharf.servlet.suite.RegistryHttp.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Uploads that go wrong: chunks out of order or repeated (416, and the session keeps its accepted range),
 * lengths that disagree (SIZE_INVALID), malformed {@code Content-Range}, digests that do not match the bytes
 * (DIGEST_INVALID, nothing stored), and sessions that do not exist (BLOB_UPLOAD_UNKNOWN).
 */
public abstract class BadUploadSuite extends RegistrySuite {
    private static final int CHUNK = 1024;

    /** A session that has accepted the first {@value #CHUNK} bytes of a 3 KiB blob. */
    record Session(String repo, String location, byte[] blob) {
        byte[] part(int from, int to) {
            return Content.slice(blob, from, to);
        }
    }

    /** A request that misuses an open session. */
    @FunctionalInterface
    interface SessionProbe {
        Response send(RegistryHttp http, Session session);
    }

    /** One row: the misuse and the error it must get. */
    record ChunkCase(SessionProbe probe, int status, String code) {
    }

    private Session openSessionWithFirstChunk() {
        String repo = Content.uniqueRepo("badupload");
        byte[] blob = Content.randomBytes(3 * CHUNK);
        String location = http().startUpload(repo);
        Response first = http().patch(location, Content.slice(blob, 0, CHUNK),
                "Content-Type", MediaTypes.OCTET_STREAM, "Content-Range", "0-" + (CHUNK - 1));
        assertStatus(first, 202);
        return new Session(repo, first.header("Location").orElse(location), blob);
    }

    private static Arguments chunkRow(String name, SessionProbe probe, int status, String code) {
        return Arguments.of(Named.of(name, new ChunkCase(probe, status, code)));
    }

    private static Response patch(RegistryHttp h, Session s, String range, byte[] body) {
        return h.patch(s.location(), body, "Content-Type", MediaTypes.OCTET_STREAM, "Content-Range", range);
    }

    private static Response raw(RegistryHttp h, String method, String target, byte[] body, String... lines) {
        List<String> headers = new ArrayList<>(List.of(lines));
        headers.add("Content-Type: " + MediaTypes.OCTET_STREAM);
        return RawHttp.exchange(h.base(), method, target, headers, body, false)
                .orElseThrow(() -> new AssertionError("no answer to " + method + " " + target));
    }

    static Stream<Arguments> chunkMisuse() {
        return Stream.of(
                chunkRow("chunk leaves a gap after the accepted bytes",
                        (h, s) -> patch(h, s, "2048-3071", s.part(2048, 3072)), 416, "RANGE_INVALID"),
                chunkRow("accepted chunk sent again",
                        (h, s) -> patch(h, s, "0-1023", s.part(0, 1024)), 416, "RANGE_INVALID"),
                chunkRow("chunk overlaps the accepted bytes",
                        (h, s) -> patch(h, s, "512-1535", s.part(512, 1536)), 416, "RANGE_INVALID"),
                chunkRow("final chunk in the closing PUT out of order",
                        (h, s) -> h.put(withQuery(s.location(), "digest=" + Content.sha256(s.blob())),
                                s.part(2048, 3072), "Content-Type", MediaTypes.OCTET_STREAM,
                                "Content-Range", "2048-3071"), 416, "RANGE_INVALID"),
                chunkRow("Content-Range longer than Content-Length",
                        (h, s) -> raw(h, "PATCH", s.location(), s.part(1024, 1536),
                                "Content-Range: 1024-2047", "Content-Length: 512"), 400, "SIZE_INVALID"),
                chunkRow("Content-Range shorter than Content-Length",
                        (h, s) -> raw(h, "PATCH", s.location(), s.part(1024, 2048),
                                "Content-Range: 1024-1535", "Content-Length: 1024"), 400, "SIZE_INVALID"),
                chunkRow("closing PUT whose Content-Range disagrees with Content-Length",
                        (h, s) -> raw(h, "PUT", withQuery(s.location(), "digest=" + Content.sha256(s.blob())),
                                s.part(1024, 2048), "Content-Range: 1024-3071", "Content-Length: 1024"),
                        400, "SIZE_INVALID"),
                chunkRow("Content-Range without a dash",
                        (h, s) -> patch(h, s, "1024", s.part(1024, 2048)), 400, "BLOB_UPLOAD_INVALID"),
                chunkRow("Content-Range with letters",
                        (h, s) -> patch(h, s, "1024-abc", s.part(1024, 2048)), 400, "BLOB_UPLOAD_INVALID"));
    }

    @ParameterizedTest
    @MethodSource("chunkMisuse")
    void shouldRefuseChunkAndKeepSessionWhenChunkIsMisplacedOrMismeasured(ChunkCase c) {
        Session s = openSessionWithFirstChunk();

        Response refused = c.probe().send(http(), s);

        assertError(refused, c.status(), c.code());
        if (c.status() == 416) {
            assertThat(refused.header("Range")).as(refused::describe).contains("0-1023");
        }
        assertSessionCanStillFinish(s);
    }

    @Test
    void shouldAnswerSizeInvalidAndKeepSessionWhenPatchBodyIsShorterThanContentLength() {
        Session s = openSessionWithFirstChunk();
        Optional<Response> answer = RawHttp.exchange(http().base(), "PATCH", s.location(),
                List.of("Content-Type: " + MediaTypes.OCTET_STREAM, "Content-Range: 1024-2047",
                        "Content-Length: 1024"), s.part(1024, 1624), true);
        assertTruncatedBodyAnswer(answer);
        assertSessionCanStillFinish(s);
    }

    @Test
    void shouldAnswerSizeInvalidAndStoreNothingWhenSinglePostBodyIsShorterThanContentLength() {
        String repo = Content.uniqueRepo("badupload");
        http().pushImage(repo, "v1");
        byte[] blob = Content.randomBytes(2000);
        String digest = Content.sha256(blob);
        Optional<Response> answer = RawHttp.exchange(http().base(), "POST",
                withQuery(uploadsPath(repo), "digest=" + digest),
                List.of("Content-Type: " + MediaTypes.OCTET_STREAM, "Content-Length: 2000"),
                Content.slice(blob, 0, 1200), true);
        assertTruncatedBodyAnswer(answer);
        assertHeadError(http().head(blobPath(repo, digest)), 404);
    }

    /**
     * A body shorter than its Content-Length: 400 SIZE_INVALID, or the container's own 400 where it answers
     * such a request before the servlet can ({@link ContainerQuirk#ANSWERS_TRUNCATED_BODY_ITSELF}). Either
     * way never a 500, and the caller goes on to check that the registry rolled the upload back. A container
     * that closes such a connection unanswered ({@link ContainerQuirk#CLOSES_TRUNCATED_NON_BLOCKING_BODY_UNANSWERED})
     * may give no answer at all.
     */
    private void assertTruncatedBodyAnswer(Optional<Response> received) {
        if (received.isEmpty() && http().containerHas(ContainerQuirk.CLOSES_TRUNCATED_NON_BLOCKING_BODY_UNANSWERED)) {
            return;
        }
        assertThat(received).as("an answer to the truncated request").isPresent();
        Response answer = received.get();
        if (http().containerHas(ContainerQuirk.ANSWERS_TRUNCATED_BODY_ITSELF)) {
            assertStatus(answer, 400);
        } else {
            assertError(answer, 400, "SIZE_INVALID");
        }
    }

    /** GET reports the range accepted before the failure; a correct next chunk and close still work. */
    private void assertSessionCanStillFinish(Session s) {
        Response status = http().get(s.location());
        assertStatus(status, 204);
        assertThat(status.header("Range")).as(status::describe).contains("0-1023");
        String location = status.header("Location").orElse(s.location());

        Response next = http().patch(location, s.part(1024, 2048), "Content-Type", MediaTypes.OCTET_STREAM,
                "Content-Range", "1024-2047");
        assertStatus(next, 202);
        assertThat(next.header("Range")).as(next::describe).contains("0-2047");
        String digest = Content.sha256(s.blob());
        Response close = http().put(withQuery(next.header("Location").orElse(location), "digest=" + digest),
                s.part(2048, 3072), "Content-Type", MediaTypes.OCTET_STREAM, "Content-Range", "2048-3071");
        assertStatus(close, 201);
        Response pulled = http().get(blobPath(s.repo(), digest));
        assertStatus(pulled, 200);
        assertThat(pulled.body()).isEqualTo(s.blob());
    }

    // ---- digest mismatch ----

    /** An upload of {@code blob} that claims the digest {@code claimed}; returns the final answer. */
    @FunctionalInterface
    interface MismatchProbe {
        Response send(RegistryHttp http, String repo, byte[] blob, String claimed);
    }

    static Stream<Arguments> digestMismatches() {
        Map<String, MismatchProbe> probes = new LinkedHashMap<>();
        probes.put("closing PUT carrying the whole blob", (h, repo, blob, claimed) ->
                h.put(withQuery(h.startUpload(repo), "digest=" + claimed), blob,
                        "Content-Type", MediaTypes.OCTET_STREAM));
        probes.put("closing PUT without body after a PATCH", (h, repo, blob, claimed) -> {
            Response p = h.patch(h.startUpload(repo), blob, "Content-Range", "0-" + (blob.length - 1));
            assertStatus(p, 202);
            return h.put(withQuery(p.header("Location").orElseThrow(), "digest=" + claimed), new byte[0]);
        });
        probes.put("closing PUT carrying the final chunk", (h, repo, blob, claimed) -> {
            Response p = h.patch(h.startUpload(repo), Content.slice(blob, 0, 1000), "Content-Range", "0-999");
            assertStatus(p, 202);
            return h.put(withQuery(p.header("Location").orElseThrow(), "digest=" + claimed),
                    Content.slice(blob, 1000, blob.length), "Content-Range", "1000-" + (blob.length - 1));
        });
        probes.put("single POST", (h, repo, blob, claimed) ->
                h.post(withQuery(uploadsPath(repo), "digest=" + claimed), blob,
                        "Content-Type", MediaTypes.OCTET_STREAM));
        probes.put("sha512 session", (h, repo, blob, claimed) -> {
            Response start = h.post(withQuery(uploadsPath(repo), "digest-algorithm=sha512"), new byte[0]);
            assertStatus(start, 202);
            return h.put(withQuery(start.header("Location").orElseThrow(),
                    "digest=" + Content.sha512(Content.randomBytes(10))), blob);
        });
        List<Arguments> out = new ArrayList<>();
        probes.forEach((name, probe) -> out.add(Arguments.of(Named.of(name, probe))));
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("digestMismatches")
    void shouldStoreNothingWhenUploadedBytesDoNotMatchTheDigest(MismatchProbe probe) {
        String repo = Content.uniqueRepo("mismatch");
        http().pushImage(repo, "v1");
        byte[] blob = Content.randomBytes(2500);
        String claimed = Content.unknownDigest();

        Response r = probe.send(http(), repo, blob, claimed);

        assertError(r, 400, "DIGEST_INVALID");
        assertHeadError(http().head(blobPath(repo, claimed)), 404);
        assertHeadError(http().head(blobPath(repo, Content.sha256(blob))), 404);
        assertHeadError(http().head(blobPath(repo, Content.sha512(blob))), 404);
        assertError(http().get(blobPath(repo, Content.sha256(blob))), 404, "BLOB_UNKNOWN");
    }

    @Test
    void shouldCancelSessionWhenClosingDigestDoesNotMatch() {
        String repo = Content.uniqueRepo("mismatch");
        byte[] blob = Content.randomBytes(1500);
        String location = http().startUpload(repo);
        assertError(http().put(withQuery(location, "digest=" + Content.unknownDigest()), blob), 400, "DIGEST_INVALID");
        assertError(http().get(location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void shouldAnswerDigestInvalidWhenClosingPutHasNoDigest() {
        String repo = Content.uniqueRepo("nodigest");
        byte[] blob = Content.randomBytes(1500);
        Response r = http().put(http().startUpload(repo), blob, "Content-Type", MediaTypes.OCTET_STREAM);
        assertError(r, 400, "DIGEST_INVALID");
        assertHeadError(http().head(blobPath(repo, Content.sha256(blob))), 404);
    }

    // ---- unknown sessions ----

    /** Makes the URL of a session that does not exist (or no longer exists) in a known repository. */
    @FunctionalInterface
    interface DeadSession {
        String url(RegistryHttp http, String repo);
    }

    static Stream<Arguments> unknownSessions() {
        Map<String, DeadSession> sessions = new LinkedHashMap<>();
        sessions.put("never issued", (h, repo) -> uploadsPath(repo) + UUID.randomUUID());
        sessions.put("issued for another repository", (h, repo) -> {
            URI other = h.resolve(h.startUpload(Content.uniqueRepo("other")));
            String id = other.getRawPath().substring(other.getRawPath().lastIndexOf('/') + 1);
            return uploadsPath(repo) + id + (other.getRawQuery() == null ? "" : "?" + other.getRawQuery());
        });
        sessions.put("already completed", (h, repo) -> {
            String location = h.startUpload(repo);
            byte[] blob = Content.randomBytes(100);
            assertStatus(h.put(withQuery(location, "digest=" + Content.sha256(blob)), blob), 201);
            return location;
        });
        sessions.put("cancelled", (h, repo) -> {
            String location = h.startUpload(repo);
            assertStatus(h.delete(location), 204);
            return location;
        });
        Map<String, SessionRequest> requests = new LinkedHashMap<>();
        requests.put("GET", (h, url) -> h.get(url));
        requests.put("PATCH", (h, url) -> h.patch(url, Content.randomBytes(10), "Content-Range", "0-9"));
        requests.put("PUT", (h, url) -> h.put(withQuery(url, "digest=" + Content.EMPTY_BLOB_DIGEST), new byte[0]));
        requests.put("DELETE", (h, url) -> h.delete(url));
        List<Arguments> out = new ArrayList<>();
        sessions.forEach((which, session) -> requests.forEach((method, request) ->
                out.add(Arguments.of(Named.of(method + " a session " + which, new UnknownSessionCase(session, request))))));
        return out.stream();
    }

    @FunctionalInterface
    interface SessionRequest {
        Response send(RegistryHttp http, String url);
    }

    record UnknownSessionCase(DeadSession session, SessionRequest request) {
    }

    @ParameterizedTest
    @MethodSource("unknownSessions")
    void shouldAnswerBlobUploadUnknownWhenSessionDoesNotExist(UnknownSessionCase c) {
        String repo = Content.uniqueRepo("nosession");
        http().pushImage(repo, "v1");
        String url = c.session().url(http(), repo);
        assertError(c.request().send(http(), url), 404, "BLOB_UPLOAD_UNKNOWN");
    }
}
