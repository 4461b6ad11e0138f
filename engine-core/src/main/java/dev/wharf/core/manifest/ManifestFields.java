package dev.wharf.core.manifest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One streaming pass over a manifest's JSON that keeps only the fields {@link ManifestParser} judges, as they
 * were written, and skips everything else (platforms, descriptor annotations, history, signatures). The pass
 * checks the syntax of the whole document as a full parse would (duplicate keys and trailing data refused);
 * it judges nothing else, so that the rules run afterwards, in their own order, whatever the order of the
 * fields in the document.
 *
 * <p>A kept value is what the document holds: a {@link String} for a JSON string, a {@link Number} for a number
 * (Integer, Long or BigInteger for an integer, by size; Double for anything else), {@link Boolean} for
 * {@code true}/{@code false}, and the {@link JsonToken} that starts it for {@code null}, an object or an array;
 * {@code null} when the field is absent. A descriptor field that holds an object becomes a {@link Descriptor}.
 */
final class ManifestFields {
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** A descriptor's fields as written; {@code external} when it has a non-empty {@code urls} array. */
    record Descriptor(Object mediaType, Object digest, Object size, boolean external) {
    }

    /** The top-level object's fields the rules use; see the class comment for how a value is kept. */
    Object schemaVersion;
    Object mediaType;
    Object artifactType;
    /** A {@link Descriptor}, or the kept value when {@code config} is not an object. */
    Object config;
    /** Each entry a {@link Descriptor} or, for an entry that is not an object, its kept value. */
    List<Object> layers;
    /** The kept value of {@code layers} when it is not an array. */
    Object layersValue;
    List<Object> manifests;
    Object manifestsValue;
    Object subject;
    /** The string annotations, in document order, up to the first one that is not a string. */
    Map<String, String> annotations;
    /** The kept value of {@code annotations} when it is not an object. */
    Object annotationsValue;
    /** The first annotation whose value is not a string, or null. */
    String annotationNotString;
    boolean hasConfig;
    boolean hasManifests;
    /** False when the document is not a JSON object (or is empty). */
    boolean isObject;

    private ManifestFields() {
    }

    /** Reads {@code bytes}; syntax errors are refused with "manifest is not valid JSON". */
    static ManifestFields read(byte[] bytes) {
        ManifestFields fields = new ManifestFields();
        try (JsonParser p = JSON.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == JsonToken.START_OBJECT) {
                fields.isObject = true;
                fields.readRoot(p);
            } else {
                p.skipChildren();
            }
            if (first != null && p.nextToken() != null) {
                throw ManifestParser.invalid("manifest is not valid JSON: trailing data after the top-level value");
            }
        } catch (JsonProcessingException e) {
            throw ManifestParser.invalid("manifest is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ManifestParser.invalid("manifest is not valid JSON: " + e.getMessage());
        }
        return fields;
    }

    private void readRoot(JsonParser p) throws IOException {
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "schemaVersion" -> schemaVersion = value(p, token);
                case "mediaType" -> mediaType = value(p, token);
                case "artifactType" -> artifactType = value(p, token);
                case "config" -> {
                    hasConfig = true;
                    config = descriptorOrValue(p, token);
                }
                case "layers" -> {
                    if (token == JsonToken.START_ARRAY) {
                        layers = descriptors(p);
                    } else {
                        layersValue = value(p, token);
                    }
                }
                case "manifests" -> {
                    hasManifests = true;
                    if (token == JsonToken.START_ARRAY) {
                        manifests = descriptors(p);
                    } else {
                        manifestsValue = value(p, token);
                    }
                }
                case "subject" -> subject = descriptorOrValue(p, token);
                case "annotations" -> {
                    if (token == JsonToken.START_OBJECT) {
                        readAnnotations(p);
                    } else {
                        annotationsValue = value(p, token);
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void readAnnotations(JsonParser p) throws IOException {
        annotations = new LinkedHashMap<>();
        String key;
        while ((key = p.nextFieldName()) != null) {
            JsonToken token = p.nextToken();
            if (token == JsonToken.VALUE_STRING && annotationNotString == null) {
                annotations.put(key, p.getText());
            } else {
                if (token != JsonToken.VALUE_STRING && annotationNotString == null) {
                    annotationNotString = key;
                }
                p.skipChildren();
            }
        }
    }

    private static List<Object> descriptors(JsonParser p) throws IOException {
        List<Object> entries = new ArrayList<>();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            entries.add(descriptorOrValue(p, token));
        }
        return entries;
    }

    private static Object descriptorOrValue(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.START_OBJECT) {
            return value(p, token);
        }
        Object mediaType = null;
        Object digest = null;
        Object size = null;
        boolean external = false;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "mediaType" -> mediaType = value(p, value);
                case "digest" -> digest = value(p, value);
                case "size" -> size = value(p, value);
                case "urls" -> {
                    if (value == JsonToken.START_ARRAY) {
                        JsonToken entry = p.nextToken();
                        external = entry != JsonToken.END_ARRAY;
                        if (external) {
                            p.skipChildren(); // the first entry, if it is a container
                            while (p.nextToken() != JsonToken.END_ARRAY) {
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
        return new Descriptor(mediaType, digest, size, external);
    }

    /** The kept form of the value starting at {@code token}; a container is skipped and kept as its token. */
    private static Object value(JsonParser p, JsonToken token) throws IOException {
        switch (token) {
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getNumberValue(); // Integer, Long or BigInteger, as the value needs
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            default:
                p.skipChildren();
                return token;
        }
    }
}
