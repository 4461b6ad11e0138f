package dev.wharf.servlet.suite;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Assertions on the spec's response shapes, each message carrying the whole exchange. */
public final class ApiAssertions {

    private ApiAssertions() {
    }

    public static void assertStatus(Response r, int expected) {
        assertThat(r.status()).as(r::describe).isEqualTo(expected);
    }

    /**
     * The spec's error envelope: {@code status}, a JSON body {@code {"errors":[{"code":...}]}} whose codes
     * include {@code code}, and every code made of uppercase letters and underscores.
     */
    public static JsonNode assertError(Response r, int status, String code) {
        assertStatus(r, status);
        assertThat(r.mediaType()).as(r::describe).isEqualTo("application/json");
        JsonNode errors = r.json().path("errors");
        assertThat(errors.isArray() && !errors.isEmpty()).as("non-empty errors array: %s", r.describe()).isTrue();
        List<String> codes = new ArrayList<>();
        JsonNode match = null;
        for (JsonNode e : errors) {
            String c = e.path("code").asText();
            codes.add(c);
            if (c.equals(code) && match == null) {
                match = e;
            }
        }
        assertThat(codes).as(r::describe).allMatch(c -> c.matches("[A-Z_]+")).contains(code);
        return match;
    }

    /** A HEAD error: the status, and no body. */
    public static void assertHeadError(Response r, int status) {
        assertStatus(r, status);
        assertThat(r.body()).as(r::describe).isEmpty();
    }

    public static void assertDigestHeader(Response r, String digest) {
        assertThat(r.header("Docker-Content-Digest")).as(r::describe).contains(digest);
    }

    /** The path of the response's Location header, resolved against the registry (relative or absolute). */
    public static String locationPath(RegistryHttp http, Response r) {
        String location = r.header("Location").orElseThrow(() -> new AssertionError("no Location: " + r.describe()));
        return http.resolve(location).getPath();
    }
}
