package dev.wharf.servlet.suite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tags as refs: conditional tag moves ({@code If-Match} / {@code If-None-Match} on manifest PUT, 412 when
 * the tag is elsewhere) and conditional reads ({@code ETag}, 304 on {@code If-None-Match}).
 */
public abstract class TagRefSuite extends RegistrySuite {

    private static String quoted(String digest) {
        return "\"" + digest + "\"";
    }

    @Test
    void shouldMoveTagWhenIfMatchNamesItsCurrentDigest() {
        String repo = Content.uniqueRepo("cas");
        PushedImage one = http().pushImage(repo, "latest");
        PushedImage two = http().pushImage(repo, "other");
        Response moved = http().put(manifestPath(repo, "latest"), two.manifest(), "Content-Type", MediaTypes.OCI_MANIFEST,
                "If-Match", quoted(one.digest()));
        assertStatus(moved, 201);
        assertThat(http().get(manifestPath(repo, "latest")).header("Docker-Content-Digest")).contains(two.digest());
    }

    @Test
    void shouldRefuseMoveWith412WhenIfMatchNamesAnotherDigest() {
        String repo = Content.uniqueRepo("cas");
        PushedImage one = http().pushImage(repo, "latest");
        PushedImage two = http().pushImage(repo, "other");
        Response refused = http().put(manifestPath(repo, "latest"), two.manifest(), "Content-Type",
                MediaTypes.OCI_MANIFEST, "If-Match", quoted(Content.unknownDigest()));
        assertError(refused, 412, "PRECONDITION_FAILED");
        assertThat(http().get(manifestPath(repo, "latest")).header("Docker-Content-Digest")).contains(one.digest());
    }

    @Test
    void shouldRefuseIfMatchWhenTagDoesNotExist() {
        String repo = Content.uniqueRepo("cas");
        PushedImage image = http().pushImage(repo, "v1");
        Response r = http().put(manifestPath(repo, "missing"), image.manifest(), "Content-Type", MediaTypes.OCI_MANIFEST,
                "If-Match", "*");
        assertError(r, 412, "PRECONDITION_FAILED");
        assertStatus(http().get(manifestPath(repo, "missing")), 404);
    }

    @Test
    void shouldCreateTagOnlyOnceWithIfNoneMatchStar() {
        String repo = Content.uniqueRepo("cas");
        PushedImage one = http().pushImage(repo, "seed");
        PushedImage two = http().pushImage(repo, "seed2");
        assertStatus(http().put(manifestPath(repo, "release"), one.manifest(), "Content-Type", MediaTypes.OCI_MANIFEST,
                "If-None-Match", "*"), 201);
        assertError(http().put(manifestPath(repo, "release"), two.manifest(), "Content-Type", MediaTypes.OCI_MANIFEST,
                "If-None-Match", "*"), 412, "PRECONDITION_FAILED");
        assertThat(http().get(manifestPath(repo, "release")).header("Docker-Content-Digest")).contains(one.digest());
    }

    @Test
    void shouldLetExactlyOneConcurrentCompareAndSetWin() throws Exception {
        String repo = Content.uniqueRepo("cas-race");
        PushedImage base = http().pushImage(repo, "latest");
        List<PushedImage> candidates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            candidates.add(http().pushImage(repo, "candidate-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> results = new ArrayList<>();
            for (PushedImage candidate : candidates) {
                results.add(pool.submit(() -> http().put(manifestPath(repo, "latest"), candidate.manifest(),
                        "Content-Type", MediaTypes.OCI_MANIFEST, "If-Match", quoted(base.digest()))));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Response> f : results) {
                statuses.add(f.get().status());
            }
            assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
            assertThat(statuses).filteredOn(s -> s == 412).hasSize(7);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldAnswer304WhenIfNoneMatchNamesTheManifestDigest() {
        String repo = Content.uniqueRepo("etag");
        PushedImage image = http().pushImage(repo, "v1");
        Response full = http().get(manifestPath(repo, "v1"));
        assertThat(full.header("ETag")).contains(quoted(image.digest()));
        Response cached = http().get(manifestPath(repo, "v1"), "If-None-Match", quoted(image.digest()));
        assertStatus(cached, 304);
        assertThat(cached.body()).isEmpty();
        assertThat(cached.header("ETag")).contains(quoted(image.digest()));
        assertStatus(http().head(manifestPath(repo, "v1"), "If-None-Match", quoted(image.digest())), 304);
        assertStatus(http().get(manifestPath(repo, "v1"), "If-None-Match", quoted(Content.unknownDigest())), 200);
    }

    @Test
    void shouldAnswer304ForBlobWhenIfNoneMatchNamesItsDigest() {
        String repo = Content.uniqueRepo("etag");
        String digest = http().pushBlob(repo, Content.randomBytes(100));
        assertStatus(http().get(blobPath(repo, digest), "If-None-Match", quoted(digest)), 304);
        assertStatus(http().get(blobPath(repo, digest), "If-None-Match", "W/" + quoted(Content.unknownDigest())), 200);
    }
}
