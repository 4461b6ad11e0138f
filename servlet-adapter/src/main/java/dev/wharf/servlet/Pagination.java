package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code n} and {@code last} parameters of a listing (spec "Listing Tags", end-8b; the catalog works
 * the same way) and the {@code Link} header that continues it.
 *
 * <p>{@code n} defaults to the registry's default page size and is capped at its maximum: a larger request
 * gets a partial page plus a {@code Link}, which the spec allows. {@code n=0} asks for an empty list
 * and never gets a {@code Link}.
 *
 * @param n    the page size to serve, {@code 0 <= n <= max}
 * @param last the item to continue after (exclusive), if given
 */
record Pagination(int n, Optional<String> last) {
    private static final int MAX_DIGITS = 9; // longer values are "more than any maximum", not overflow

    /**
     * Reads {@code n} and {@code last} from the query.
     *
     * @throws RegistryException PAGINATION_NUMBER_INVALID if {@code n} is not a non-negative integer
     */
    static Pagination from(QueryParams query, int defaultSize, int maxSize) {
        int n = defaultSize;
        Optional<String> raw = query.first("n");
        if (raw.isPresent()) {
            String value = raw.get().trim();
            if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID,
                        "n must be a non-negative integer, got '" + abbreviate(raw.get()) + "'");
            }
            String digits = value.replaceFirst("^0+(?=.)", "");
            n = digits.length() > MAX_DIGITS ? maxSize : Math.min(Integer.parseInt(digits), maxSize);
        }
        return new Pagination(n, query.first("last"));
    }

    /**
     * The {@code Link} header value pointing at the page after {@code lastServed}.
     *
     * @param path the listing's path, e.g. {@code /v2/team/app/tags/list}
     */
    String nextLink(String path, String lastServed) {
        return nextLink(path, lastServed, Map.of());
    }

    /**
     * The {@code Link} header value pointing at the page after {@code lastServed}, carrying {@code kept} (a
     * filter the next page must apply too, say) as further query parameters.
     */
    String nextLink(String path, String lastServed, Map<String, String> kept) {
        StringBuilder link = new StringBuilder("<").append(path).append("?n=").append(n).append("&last=")
                .append(URLEncoder.encode(lastServed, StandardCharsets.UTF_8));
        kept.forEach((name, value) -> link.append('&').append(name).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return link.append(">; rel=\"next\"").toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
