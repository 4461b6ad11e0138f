package dev.wharf.core.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.RegistryException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an upstream's referrers answer (an image index) into descriptors, for a mirror that serves the
 * upstream's referrers of mirrored content. A descriptor without a usable media type, digest or size is left out;
 * a document that is not an index at all is no answer.
 */
final class UpstreamReferrers {
    private static final JsonFactory JSON = new JsonFactory();

    private UpstreamReferrers() {
    }

    /** The descriptors of {@code index}'s {@code manifests}, or empty if it is not a JSON object. */
    static Optional<List<Descriptor>> parse(byte[] index) {
        List<Descriptor> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(index)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("manifests") && value == JsonToken.START_ARRAY) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        descriptor(p).ifPresent(out::add);
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** One descriptor object, the parser on its START_OBJECT; leaves the parser on its END_OBJECT. */
    private static Optional<Descriptor> descriptor(JsonParser p) throws IOException {
        String mediaType = null;
        String digest = null;
        long size = -1;
        String artifactType = null;
        Map<String, String> annotations = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "mediaType" -> mediaType = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "digest" -> digest = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "size" -> size = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                case "artifactType" -> artifactType = value == JsonToken.VALUE_STRING ? p.getText() : null;
                case "annotations" -> {
                    if (value == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            if (p.nextToken() == JsonToken.VALUE_STRING) {
                                annotations.put(key, p.getText());
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (mediaType == null || digest == null || size < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Descriptor(mediaType, Digest.parse(digest), size, Optional.ofNullable(artifactType),
                    annotations));
        } catch (RegistryException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
