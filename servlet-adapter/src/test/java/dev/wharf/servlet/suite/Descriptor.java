package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An OCI content descriptor as the suite writes it into manifests. */
public record Descriptor(String mediaType, String digest, long size) {

    /** The descriptor of {@code bytes} with the given media type (sha256). */
    public static Descriptor of(String mediaType, byte[] bytes) {
        return new Descriptor(mediaType, Content.sha256(bytes), bytes.length);
    }

    ObjectNode toJson() {
        ObjectNode node = Json.object();
        node.put("mediaType", mediaType);
        node.put("digest", digest);
        node.put("size", size);
        return node;
    }
}
