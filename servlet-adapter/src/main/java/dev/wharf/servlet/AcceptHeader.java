package dev.wharf.servlet;

import dev.wharf.api.MediaTypes;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The media types a manifest GET/HEAD will take (spec "Pulling manifests", end-3, and RFC 9110 12.5.1),
 * combined from every {@code Accept} header of the request.
 *
 * <p>Wharf never converts a manifest, so negotiation is a yes/no question about the one stored media type:
 * no {@code Accept} at all takes anything; otherwise one listed type (parameters, including {@code q},
 * stripped; compared case-insensitively) must equal it, or be {@code *}{@code /*}, {@code application/*}
 * or {@code application/json}, which older clients send to mean "any manifest".
 */
record AcceptHeader(List<String> types) {
    private static final Set<String> ANY = Set.of("*/*", "application/*", "application/json");

    AcceptHeader {
        types = List.copyOf(types);
    }

    /** Combines the values of all {@code Accept} headers; each may list several comma-separated types. */
    static AcceptHeader parse(Iterable<String> headerValues) {
        List<String> types = new ArrayList<>();
        for (String value : headerValues) {
            if (value == null) {
                continue;
            }
            for (String element : value.split(",")) {
                int semi = element.indexOf(';');
                String type = (semi < 0 ? element : element.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
                if (!type.isEmpty()) {
                    types.add(type);
                }
            }
        }
        return new AcceptHeader(types);
    }

    /** True if a manifest stored as {@code mediaType} may be served to this request. */
    boolean accepts(String mediaType) {
        if (types.isEmpty()) {
            return true;
        }
        String wanted = MediaTypes.withoutParameters(mediaType).toLowerCase(Locale.ROOT);
        for (String type : types) {
            if (ANY.contains(type) || type.equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}
