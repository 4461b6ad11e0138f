package dev.wharf.servlet.suite;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.function.BiFunction;
import java.util.stream.Stream;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertHeadError;

/**
 * Requests for things that are not there, as tables: unknown repositories (NAME_UNKNOWN), unknown
 * manifests, tags and blobs in a known repository (MANIFEST_UNKNOWN, BLOB_UNKNOWN, including content that
 * only another repository holds), bad pagination numbers, and paths or methods the API does not have.
 */
public abstract class UnknownContentSuite extends RegistrySuite {

    /** A repository with one image, another repository holding a blob this one lacks. */
    record Arranged(String repo, PushedImage image, String foreignBlob, String foreignManifest) {
    }

    /** One table row: the request, and the expected status and code (no code for HEAD: no body). */
    record Case(BiFunction<RegistryHttp, Arranged, Response> request, int status, String code) {
    }

    private Arranged arrange() {
        String repo = Content.uniqueRepo("known");
        PushedImage image = http().pushImage(repo, "v1");
        String elsewhere = Content.uniqueRepo("elsewhere");
        String foreign = http().pushBlob(elsewhere, Content.randomBytes(700));
        PushedImage foreignImage = http().pushImage(elsewhere, "v1");
        return new Arranged(repo, image, foreign, foreignImage.digest());
    }

    private static Arguments row(String name, BiFunction<RegistryHttp, Arranged, Response> request, int status,
                                 String code) {
        return Arguments.of(Named.of(name, new Case(request, status, code)));
    }

    static Stream<Arguments> missingThings() {
        String nowhere = "/v2/nowhere-" + Content.randomId() + "/app";
        return Stream.of(
                row("GET manifest by tag in unknown repository", (h, a) -> h.get(nowhere + "/manifests/v1"),
                        404, "NAME_UNKNOWN"),
                row("GET manifest by digest in unknown repository",
                        (h, a) -> h.get(nowhere + "/manifests/" + a.image().digest()), 404, "NAME_UNKNOWN"),
                row("HEAD manifest in unknown repository", (h, a) -> h.head(nowhere + "/manifests/v1"), 404, null),
                row("GET blob in unknown repository",
                        (h, a) -> h.get(nowhere + "/blobs/" + a.image().config().digest()), 404, "NAME_UNKNOWN"),
                row("HEAD blob in unknown repository",
                        (h, a) -> h.head(nowhere + "/blobs/" + a.image().config().digest()), 404, null),
                row("GET tags of unknown repository", (h, a) -> h.get(nowhere + "/tags/list"), 404, "NAME_UNKNOWN"),
                row("DELETE manifest in unknown repository",
                        (h, a) -> h.delete(nowhere + "/manifests/" + a.image().digest()), 404, "NAME_UNKNOWN"),
                row("DELETE blob in unknown repository",
                        (h, a) -> h.delete(nowhere + "/blobs/" + a.image().config().digest()), 404, "NAME_UNKNOWN"),
                row("GET unknown tag", (h, a) -> h.get(manifestPath(a.repo(), "missing")), 404, "MANIFEST_UNKNOWN"),
                row("HEAD unknown tag", (h, a) -> h.head(manifestPath(a.repo(), "missing")), 404, null),
                row("GET unknown manifest digest",
                        (h, a) -> h.get(manifestPath(a.repo(), Content.unknownDigest())), 404, "MANIFEST_UNKNOWN"),
                row("HEAD unknown manifest digest",
                        (h, a) -> h.head(manifestPath(a.repo(), Content.unknownDigest())), 404, null),
                row("GET manifest by a blob's digest",
                        (h, a) -> h.get(manifestPath(a.repo(), a.image().layers().get(0).digest())), 404,
                        "MANIFEST_UNKNOWN"),
                row("GET manifest pushed only to another repository",
                        (h, a) -> h.get(manifestPath(a.repo(), a.foreignManifest())), 404, "MANIFEST_UNKNOWN"),
                row("HEAD manifest pushed only to another repository",
                        (h, a) -> h.head(manifestPath(a.repo(), a.foreignManifest())), 404, null),
                row("GET unknown blob", (h, a) -> h.get(blobPath(a.repo(), Content.unknownDigest())), 404,
                        "BLOB_UNKNOWN"),
                row("HEAD unknown blob", (h, a) -> h.head(blobPath(a.repo(), Content.unknownDigest())), 404, null),
                row("GET blob linked only in another repository",
                        (h, a) -> h.get(blobPath(a.repo(), a.foreignBlob())), 404, "BLOB_UNKNOWN"),
                row("HEAD blob linked only in another repository",
                        (h, a) -> h.head(blobPath(a.repo(), a.foreignBlob())), 404, null),
                row("DELETE blob linked only in another repository",
                        (h, a) -> h.delete(blobPath(a.repo(), a.foreignBlob())), 404, "BLOB_UNKNOWN"),
                row("DELETE unknown tag", (h, a) -> h.delete(manifestPath(a.repo(), "missing")), 404,
                        "MANIFEST_UNKNOWN"),
                row("DELETE unknown manifest digest",
                        (h, a) -> h.delete(manifestPath(a.repo(), Content.unknownDigest())), 404, "MANIFEST_UNKNOWN"));
    }

    @ParameterizedTest
    @MethodSource("missingThings")
    void shouldAnswer404WithTheRightCodeWhenContentIsMissing(Case c) {
        assertCase(c);
    }

    static Stream<Arguments> badPagination() {
        return Stream.of(
                row("tags n negative", (h, a) -> h.get("/v2/" + a.repo() + "/tags/list?n=-1"), 400,
                        "PAGINATION_NUMBER_INVALID"),
                row("tags n not a number", (h, a) -> h.get("/v2/" + a.repo() + "/tags/list?n=ten"), 400,
                        "PAGINATION_NUMBER_INVALID"),
                row("tags n a fraction", (h, a) -> h.get("/v2/" + a.repo() + "/tags/list?n=1.5"), 400,
                        "PAGINATION_NUMBER_INVALID"),
                row("catalog n negative", (h, a) -> h.get("/v2/_catalog?n=-5"), 400, "PAGINATION_NUMBER_INVALID"),
                row("catalog n not a number", (h, a) -> h.get("/v2/_catalog?n=lots"), 400,
                        "PAGINATION_NUMBER_INVALID"));
    }

    @ParameterizedTest
    @MethodSource("badPagination")
    void shouldAnswerPaginationNumberInvalidWhenNIsNotACount(Case c) {
        assertCase(c);
    }

    static Stream<Arguments> unsupportedRequests() {
        return Stream.of(
                row("unknown path under a repository", (h, a) -> h.get("/v2/" + a.repo() + "/nothing-here"), 404,
                        "UNSUPPORTED"),
                row("unknown top-level path", (h, a) -> h.get("/v2/_nothing/here"), 404, "UNSUPPORTED"),
                row("POST to a manifest", (h, a) -> h.post(manifestPath(a.repo(), "v1"), a.image().manifest()), 405,
                        "UNSUPPORTED"),
                row("PATCH the tag list", (h, a) -> h.patch("/v2/" + a.repo() + "/tags/list", new byte[0]), 405,
                        "UNSUPPORTED"),
                row("PUT a blob directly",
                        (h, a) -> h.put(blobPath(a.repo(), a.image().config().digest()), a.image().configBytes()),
                        405, "UNSUPPORTED"),
                row("DELETE the catalog", (h, a) -> h.delete("/v2/_catalog"), 405, "UNSUPPORTED"),
                row("POST the version check", (h, a) -> h.post("/v2/", new byte[0]), 405, "UNSUPPORTED"),
                row("DELETE referrers", (h, a) -> h.delete("/v2/" + a.repo() + "/referrers/" + a.image().digest()),
                        405, "UNSUPPORTED"));
    }

    @ParameterizedTest
    @MethodSource("unsupportedRequests")
    void shouldAnswerUnsupportedWhenEndpointOrMethodDoesNotExist(Case c) {
        assertCase(c);
    }

    private void assertCase(Case c) {
        Response r = c.request().apply(http(), arrange());
        if (c.code() == null) {
            assertHeadError(r, c.status());
        } else {
            assertError(r, c.status(), c.code());
        }
    }
}
