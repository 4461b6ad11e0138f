package dev.wharf.servlet.auth;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** Writes {@code WWW-Authenticate} values (RFC 7235 auth-params as quoted strings). */
final class Challenges {
    private Challenges() {
    }

    /** {@code value} with {@code "} and {@code \} escaped, for use inside a quoted string. */
    static String quote(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /**
     * {@code Bearer realm="…",service="…"[,scope="…"][,error="…"]}; several scopes go into one {@code scope}
     * parameter, separated by spaces, as the token specification says.
     */
    static String bearer(String realm, String service, List<Scope> scopes, Optional<String> error) {
        StringBuilder value = new StringBuilder("Bearer realm=\"").append(quote(realm))
                .append("\",service=\"").append(quote(service)).append('"');
        if (!scopes.isEmpty()) {
            value.append(",scope=\"")
                    .append(quote(scopes.stream().map(Scope::toString).collect(Collectors.joining(" "))))
                    .append('"');
        }
        error.ifPresent(e -> value.append(",error=\"").append(quote(e)).append('"'));
        return value.toString();
    }
}
