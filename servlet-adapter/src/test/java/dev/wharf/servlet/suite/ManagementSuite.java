package dev.wharf.servlet.suite;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.wharf.servlet.suite.ApiAssertions.assertError;
import static dev.wharf.servlet.suite.ApiAssertions.assertHeadError;
import static dev.wharf.servlet.suite.ApiAssertions.assertStatus;
import static dev.wharf.servlet.suite.DiscoverySuite.texts;
import static dev.wharf.servlet.suite.RegistryHttp.withQuery;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spec's Content Management workflow: deleting tags and manifests (end-9) and blobs (end-10), and what
 * each delete leaves behind: tags are names only, a manifest takes its tags and referrers entry with it, a
 * blob delete unlinks one repository's view of bytes that other repositories may still hold.
 */
public abstract class ManagementSuite extends RegistrySuite {

    @Test
    void shouldRemoveOnlyTheNameWhenTagIsDeleted() {
        String repo = Content.uniqueRepo("deltag");
        PushedImage image = http().pushImage(repo, "a");
        http().pushManifest(repo, "b", MediaTypes.OCI_MANIFEST, image.manifest());

        assertStatus(http().delete(manifestPath(repo, "a")), 202);

        assertError(http().get(manifestPath(repo, "a")), 404, "MANIFEST_UNKNOWN");
        assertHeadError(http().head(manifestPath(repo, "a")), 404);
        assertStatus(http().get(manifestPath(repo, "b")), 200);
        assertStatus(http().get(manifestPath(repo, image.digest())), 200);
        assertThat(tags(repo)).containsExactly("b");
    }

    @Test
    void shouldRemoveManifestAndItsTagsWhenDeletedByDigest() {
        String repo = Content.uniqueRepo("delmanifest");
        PushedImage image = http().pushImage(repo, "a");
        http().pushManifest(repo, "b", MediaTypes.OCI_MANIFEST, image.manifest());
        PushedImage survivor = http().pushImage(repo, "c");

        assertStatus(http().delete(manifestPath(repo, image.digest())), 202);

        assertError(http().get(manifestPath(repo, image.digest())), 404, "MANIFEST_UNKNOWN");
        assertHeadError(http().head(manifestPath(repo, image.digest())), 404);
        assertError(http().get(manifestPath(repo, "a")), 404, "MANIFEST_UNKNOWN");
        assertError(http().get(manifestPath(repo, "b")), 404, "MANIFEST_UNKNOWN");
        assertThat(tags(repo)).containsExactly("c");
        assertStatus(http().get(manifestPath(repo, survivor.digest())), 200);
    }

    @Test
    void shouldDropReferrerWhenReferringManifestIsDeleted() {
        String repo = Content.uniqueRepo("delreferrer");
        PushedImage subject = http().pushImage(repo, "v1");
        String kept = pushReferrer(repo, subject, "kept");
        String dropped = pushReferrer(repo, subject, "dropped");
        assertThat(referrers(repo, subject.digest())).containsExactlyInAnyOrder(kept, dropped);

        assertStatus(http().delete(manifestPath(repo, dropped)), 202);

        assertThat(referrers(repo, subject.digest())).containsExactly(kept);
    }

    @Test
    void shouldKeepReferrerWhenOnlyItsTagIsDeleted() {
        String repo = Content.uniqueRepo("delreferrer");
        PushedImage subject = http().pushImage(repo, "v1");
        String referrer = pushReferrer(repo, subject, "tagged");
        http().pushManifest(repo, "sig", MediaTypes.OCI_MANIFEST, http().get(manifestPath(repo, referrer)).body());

        assertStatus(http().delete(manifestPath(repo, "sig")), 202);

        assertThat(referrers(repo, subject.digest())).containsExactly(referrer);
    }

    @Test
    void shouldKeepChildManifestsWhenIndexIsDeleted() {
        String repo = Content.uniqueRepo("delindex");
        PushedImage child = http().pushImage(repo, "child");
        byte[] index = ManifestJson.ociIndex().manifest(child.descriptor(), "amd64").bytes();
        String indexDigest = http().pushManifest(repo, "multi", MediaTypes.OCI_INDEX, index);

        assertStatus(http().delete(manifestPath(repo, indexDigest)), 202);

        assertError(http().get(manifestPath(repo, "multi")), 404, "MANIFEST_UNKNOWN");
        assertStatus(http().get(manifestPath(repo, child.digest())), 200);
        assertStatus(http().get(manifestPath(repo, "child")), 200);
    }

    @Test
    void shouldUnlinkBlobOnlyFromThatRepositoryWhenBlobIsDeleted() {
        byte[] blob = Content.randomBytes(2500);
        String a = Content.uniqueRepo("delblob-a");
        String b = Content.uniqueRepo("delblob-b");
        http().pushImage(a, "keeps-the-repository");
        String digest = http().pushBlob(a, blob);
        http().pushBlob(b, blob);

        assertStatus(http().delete(blobPath(a, digest)), 202);

        assertError(http().get(blobPath(a, digest)), 404, "BLOB_UNKNOWN");
        assertHeadError(http().head(blobPath(a, digest)), 404);
        Response other = http().get(blobPath(b, digest));
        assertStatus(other, 200);
        assertThat(other.body()).isEqualTo(blob);
    }

    @Test
    void shouldServeBlobAgainWhenDeletedBlobIsPushedAgain() {
        String repo = Content.uniqueRepo("delblob");
        http().pushImage(repo, "keeps-the-repository");
        byte[] blob = Content.randomBytes(1024);
        String digest = http().pushBlob(repo, blob);
        assertStatus(http().delete(blobPath(repo, digest)), 202);
        assertError(http().get(blobPath(repo, digest)), 404, "BLOB_UNKNOWN");

        http().pushBlob(repo, blob);

        Response r = http().get(blobPath(repo, digest));
        assertStatus(r, 200);
        assertThat(r.body()).isEqualTo(blob);
    }

    @Test
    void shouldNotMountFromRepositoryWhenItsLinkWasDeleted() {
        String source = Content.uniqueRepo("delmount-src");
        String target = Content.uniqueRepo("delmount-dst");
        http().pushImage(source, "v1");
        String digest = http().pushBlob(source, Content.randomBytes(1000));
        assertStatus(http().delete(blobPath(source, digest)), 202);

        Response r = http().post(withQuery(uploadsPath(target), "mount=" + digest + "&from=" + source), new byte[0]);

        assertStatus(r, 202);
        assertHeadError(http().head(blobPath(target, digest)), 404);
    }

    @Test
    void shouldAnswer404WhenDeletingContentThatIsNotThere() {
        String repo = Content.uniqueRepo("delmissing");
        http().pushImage(repo, "v1");
        assertError(http().delete(blobPath(repo, Content.unknownDigest())), 404, "BLOB_UNKNOWN");
        assertError(http().delete(manifestPath(repo, "no-such-tag")), 404, "MANIFEST_UNKNOWN");
        assertError(http().delete(manifestPath(repo, Content.unknownDigest())), 404, "MANIFEST_UNKNOWN");
    }

    private String pushReferrer(String repo, PushedImage subject, String note) {
        Descriptor empty = http().pushBlob(repo, MediaTypes.OCI_EMPTY, Content.EMPTY_JSON);
        byte[] manifest = ManifestJson.ociManifest().artifactType("application/vnd.example.signature.v1")
                .config(empty).layer(empty).subject(subject.descriptor()).annotation("note", note).bytes();
        return http().pushManifest(repo, Content.sha256(manifest), MediaTypes.OCI_MANIFEST, manifest);
    }

    private List<String> referrers(String repo, String digest) {
        Response r = http().get("/v2/" + repo + "/referrers/" + digest);
        assertStatus(r, 200);
        List<String> out = new ArrayList<>();
        r.json().path("manifests").forEach(d -> out.add(d.path("digest").asText()));
        return out;
    }

    private List<String> tags(String repo) {
        Response r = http().get("/v2/" + repo + "/tags/list");
        assertStatus(r, 200);
        return texts(r.json().path("tags"));
    }
}
