package dev.wharf.servlet;

import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.MediaTypes;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.ReferrersQuery;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The referrers API (end-12a/12b, spec "Listing Referrers"): an OCI image index of the descriptors of the
 * repository's manifests whose {@code subject} is the given digest, optionally filtered by
 * {@code artifactType} (then {@code OCI-Filters-Applied: artifactType}).
 *
 * <p>Pages hold the configured default number of descriptors ({@code n} asks for another, up to the maximum);
 * a longer list ends its page with {@code Link: <...?n=..&last=<digest>>; rel="next"} (spec: "the registry
 * MAY support pagination ... using the {@code Link} header").
 *
 * <p>The spec forbids 404 here, because a 404 sends clients to the tag-schema fallback: an unknown
 * repository or subject is an empty index, while a malformed digest is 400.
 */
final class ReferrersHandler {
    private final Registry registry;

    ReferrersHandler(Registry registry) {
        this.registry = registry;
    }

    /** end-12a/12b: GET {@code /v2/<name>/referrers/<digest>[?artifactType=<type>]}. */
    void list(Exchange ex) throws IOException {
        RepositoryName name = ex.name();
        Digest subject = Digest.parse(ex.param("digest"));
        Optional<String> artifactType = ex.query().first("artifactType").filter(type -> !type.isEmpty());
        RegistryConfig config = registry.config();
        Pagination page = Pagination.from(ex.query(), config.defaultPageSize(), config.maxPageSize());
        Optional<Digest> last = page.last().map(Digest::parse);
        ReferrersQuery result;
        try {
            result = registry.referrers(ex.caller(), name, subject, artifactType, last, page.n());
        } catch (RegistryException e) {
            if (e.code() != ErrorCode.NAME_UNKNOWN && e.code() != ErrorCode.MANIFEST_UNKNOWN) {
                throw e;
            }
            result = new ReferrersQuery(List.of(), artifactType);
        }
        List<Map<String, Object>> manifests = new ArrayList<>(result.referrers().size());
        for (Descriptor descriptor : result.referrers()) {
            manifests.add(descriptor(descriptor));
        }
        if (result.artifactTypeFilter().isPresent()) {
            ex.setHeader("OCI-Filters-Applied", "artifactType");
        }
        if (result.hasMore()) {
            String lastServed = result.referrers().get(result.referrers().size() - 1).digest().toString();
            ex.setHeader("Link", page.nextLink(ex.repositoryPath("/referrers/" + subject), lastServed,
                    artifactType.map(type -> Map.of("artifactType", type)).orElse(Map.of())));
        }
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        index.put("manifests", manifests);
        ex.send(HttpServletResponse.SC_OK, MediaTypes.OCI_INDEX, Json.bytes(index));
    }

    /** A descriptor as the image spec writes it; {@code artifactType} and {@code annotations} only when set. */
    private static Map<String, Object> descriptor(Descriptor d) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("mediaType", d.mediaType());
        json.put("digest", d.digest().toString());
        json.put("size", d.size());
        d.artifactType().ifPresent(type -> json.put("artifactType", type));
        if (!d.annotations().isEmpty()) {
            json.put("annotations", d.annotations());
        }
        return json;
    }
}
