package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.Manifest;
import dev.wharf.api.ManifestPushed;
import dev.wharf.api.Reference;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Manifests: pull and existence check (end-3, spec "Pulling manifests"), push (end-7a/7b, "Pushing
 * Manifests", "Pushing Manifests with Subject") and delete (end-9, "Deleting tags" / "Deleting Manifests").
 *
 * <p>Manifests are served byte for byte with the media type they were pushed with. Wharf never converts
 * one, so {@code Accept} negotiation ({@link AcceptHeader}) only decides whether the stored manifest may be
 * served: when the client accepts none of it, the answer is 404 MANIFEST_UNKNOWN naming the stored type.
 *
 * <p>A push reads at most {@link dev.wharf.api.RegistryConfig#maxManifestBytes()} + 1 bytes, so an oversized
 * manifest is refused (413 MANIFEST_INVALID) without being held whole; a {@code Content-Length} beyond the
 * limit is refused without keeping any byte (the body is read and discarded, within a bound, so that the
 * client receives the 413).
 *
 * <p>Tags are refs: a push honours {@code If-Match: "<digest>"} and {@code If-None-Match: *} (412 when the
 * reference is in another state), and GET/HEAD answer 304 to an {@code If-None-Match} naming the digest.
 */
final class ManifestHandler {
    /** How much of an oversized manifest body is read and discarded, as a multiple of the limit. */
    private static final int DRAIN_FACTOR = 4;

    private final Registry registry;

    ManifestHandler(Registry registry) {
        this.registry = registry;
    }

    /** end-3: GET/HEAD {@code /v2/<name>/manifests/<reference>}. */
    void read(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        Reference reference = existingReference(ex);
        Manifest manifest = registry.manifest(ex.caller(), name, reference);
        AcceptHeader accept = AcceptHeader.parse(Collections.list(ex.request().getHeaders("Accept")));
        if (!accept.accepts(manifest.mediaType())) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "manifest " + reference + " is stored as "
                    + manifest.mediaType() + ", which the request's Accept header does not include",
                    Map.of("mediaType", manifest.mediaType(), "accept", accept.types()));
        }
        ex.setHeader("Docker-Content-Digest", manifest.digest().toString());
        ex.setHeader("ETag", EntityTags.of(manifest.digest()));
        Warnings.add(ex.response(), manifest.warnings());
        if (EntityTags.notModified(ex.request(), manifest.digest())) {
            ex.sendEmpty(HttpServletResponse.SC_NOT_MODIFIED); // RFC 9110 15.4.5: no body, validators kept
            return;
        }
        ex.send(HttpServletResponse.SC_OK, manifest.mediaType(), manifest.bytes());
    }

    /**
     * end-7a/7b: PUT {@code /v2/<name>/manifests/<reference>[?tag=a&tag=b]}; 201 with {@code Location} (by
     * digest), {@code Docker-Content-Digest}, {@code OCI-Subject} when the manifest has a subject, and one
     * {@code OCI-Tag} header per tag the push set when {@code tag} parameters were given.
     */
    void put(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        Reference reference = Reference.parse(ex.param("reference"));
        List<String> tagParams = ex.query().all("tag");
        List<Tag> extraTags = new ArrayList<>(tagParams.size());
        for (String tag : tagParams) {
            extraTags.add(Tag.of(tag));
        }
        byte[] bytes = readBounded(ex, registry.config().maxManifestBytes());
        String contentType = ex.request().getContentType() == null ? "" : ex.request().getContentType();

        ManifestPushed pushed = registry.pushManifest(ex.caller(), name, reference, contentType, bytes, extraTags,
                EntityTags.precondition(ex.request()));

        ex.setHeader("Location", ex.repositoryPath("/manifests/" + pushed.digest()));
        ex.setHeader("Docker-Content-Digest", pushed.digest().toString());
        pushed.subject().ifPresent(subject -> ex.setHeader("OCI-Subject", subject.toString()));
        if (!tagParams.isEmpty()) {
            for (Tag tag : pushed.tags()) {
                ex.response().addHeader("OCI-Tag", tag.value());
            }
        }
        ex.sendEmpty(HttpServletResponse.SC_CREATED);
    }

    /**
     * end-9: DELETE by tag removes the tag only; by digest the manifest, its tags and its referrers entry. A
     * reference that is neither a tag nor a digest is not found, as for a pull ({@link #existingReference}).
     */
    void delete(Exchange ex) {
        RepositoryName name = ex.name();
        // With deletes disabled every delete is refused, and the spec allows 400 for that (end-9): a malformed
        // reference keeps its own 400 there rather than a 404 that suggests a delete could succeed.
        Reference reference = registry.config().deletesEnabled() ? existingReference(ex)
                : Reference.parse(ex.param("reference"));
        registry.deleteManifest(ex.caller(), name, reference);
        ex.sendEmpty(HttpServletResponse.SC_ACCEPTED);
    }

    /**
     * The reference of a pull or a delete. One that is neither a valid tag nor a valid digest names no
     * manifest that can exist, so it is not found (spec "Pulling manifests": 404 when the manifest is not in
     * the repository), and the message says which grammar it breaks. Only a push, which would create the
     * manifest, refuses such a reference as bad input (400 TAG_INVALID or DIGEST_INVALID).
     */
    private static Reference existingReference(Exchange ex) {
        String raw = ex.param("reference");
        try {
            return Reference.parse(raw);
        } catch (RegistryException malformed) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "no such manifest: " + malformed.getMessage(),
                    Map.of("reference", raw)).withCause(malformed);
        }
    }

    /** The request body, refusing with 413 as soon as it is known to exceed {@code max} bytes. */
    private static byte[] readBounded(Exchange ex, int max) throws IOException {
        long declared = ex.request().getContentLengthLong();
        if (declared > max) {
            drain(ex, max);
            throw tooLarge("Content-Length " + declared, max);
        }
        int limit = max == Integer.MAX_VALUE ? max : max + 1;
        byte[] bytes = ex.body().readNBytes(limit);
        if (bytes.length > max) {
            drain(ex, max);
            throw tooLarge("more than " + max + " bytes", max);
        }
        return bytes;
    }

    /**
     * Reads and discards what is left of an oversized body, up to {@link #DRAIN_FACTOR} times the limit, so
     * that a client still sending receives the 413 instead of a connection reset. Past that the container
     * may close the connection; a client sending that much has to cope with it.
     */
    private static void drain(Exchange ex, int max) {
        ex.drainBody((long) max * DRAIN_FACTOR); // the 413 is the answer whether or not the end came
    }

    private static RegistryException tooLarge(String what, int max) {
        return new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "manifest too large: " + what
                + " exceeds this registry's limit of " + max + " bytes", Map.of("limit", max));
    }
}
