package dev.wharf.bench.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * A token from a registry's token service, as its JSON answer gives it:
 * <pre>{"token": "eyJ...", "access_token": "eyJ...", "expires_in": 300, "issued_at": "2026-12-01T10:00:00Z"}</pre>
 * {@code token} is read, {@code access_token} when there is no {@code token} (the OAuth 2 name, which the token
 * flow's clients accept as well); {@code expires_in} is 60 seconds when missing, as the token flow specifies.
 *
 * @param value            the token, sent as {@code Authorization: Bearer <value>}
 * @param expiresInSeconds how long it lives from now
 */
public record BearerToken(String value, long expiresInSeconds) {
    /** What the token flow assumes when the answer does not say. */
    static final long DEFAULT_EXPIRES_IN_SECONDS = 60;
    private static final ObjectMapper JSON = new ObjectMapper();

    public BearerToken {
        if (value == null || value.isBlank()) {
            throw new BenchmarkFailure("the token service answered without a token");
        }
        if (expiresInSeconds <= 0) {
            throw new BenchmarkFailure("the token service answered with expires_in " + expiresInSeconds);
        }
    }

    /** Reads the token service's answer; anything else fails the run. */
    public static BearerToken parse(byte[] json) {
        JsonNode answer;
        try {
            answer = JSON.readTree(json);
        } catch (IOException e) {
            throw new BenchmarkFailure("the token service's answer is not JSON: " + e.getMessage(), e);
        }
        if (answer == null || !answer.isObject()) {
            throw new BenchmarkFailure("the token service's answer is not a JSON object");
        }
        JsonNode token = answer.hasNonNull("token") ? answer.get("token") : answer.path("access_token");
        if (!token.isTextual()) {
            throw new BenchmarkFailure("the token service answered without a token");
        }
        JsonNode expiresIn = answer.path("expires_in");
        if (!expiresIn.isMissingNode() && !expiresIn.canConvertToLong()) {
            throw new BenchmarkFailure("the token service answered with expires_in " + expiresIn);
        }
        return new BearerToken(token.asText(), expiresIn.isMissingNode() ? DEFAULT_EXPIRES_IN_SECONDS : expiresIn.asLong());
    }

    /** The {@code Authorization} header's value. */
    public String authorization() {
        return "Bearer " + value;
    }
}
