package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The spec's error envelope (distribution-spec "Error Codes") as bytes:
 * <pre>{@code {"errors": [{"code": "UNSUPPORTED", "message": "Ambiguous URI path separator"}]}}</pre>
 *
 * <p>{@link RegistryServlet} writes every answer of its own in this shape. A container also answers some
 * requests before the servlet runs (a malformed request line or header, an ambiguous path, headers too large,
 * a path outside {@code /v2/}); give this class to the container's error-page mechanism (in Jetty, an
 * {@code ErrorHandler}, as Wharf's test registry does) so that a client meets one error format everywhere:
 *
 * <pre>{@code
 * byte[] body = ErrorEnvelope.forStatus(431, "Request Header Fields Too Large");  // code UNSUPPORTED
 * }</pre>
 */
public final class ErrorEnvelope {
    /** The {@code Content-Type} of every error answer. */
    public static final String MEDIA_TYPE = "application/json";

    /**
     * The code of a server fault: not in the spec's table, because it is not the client's doing (CNCF
     * distribution uses the same code). Its message never carries internals.
     */
    static final String SERVER_FAULT_CODE = "UNKNOWN";
    static final String SERVER_FAULT_MESSAGE = "internal error";

    private ErrorEnvelope() {
    }

    /**
     * The envelope for an answer a container chose by status alone: the error catalogue's code for that
     * status ({@link #codeForStatus}) and {@code reason} as the message (the status when there is none); a
     * 5xx other than 501 and 505 says only "internal error", whatever the reason, so that no internals reach
     * the client.
     *
     * @param status the HTTP status the container answers with (400&ndash;599)
     * @param reason what the container says went wrong, for example {@code "Ambiguous URI empty segment"}
     */
    public static byte[] forStatus(int status, String reason) {
        String code = codeForStatus(status);
        String message;
        if (SERVER_FAULT_CODE.equals(code)) {
            message = SERVER_FAULT_MESSAGE;
        } else if (reason == null || reason.isBlank()) {
            message = "request refused with HTTP status " + status;
        } else {
            message = reason;
        }
        return json(code, message, Optional.empty());
    }

    /**
     * The code for an answer known only by its status: the {@link ErrorCode} whose meaning the status
     * carries (401 UNAUTHORIZED, 403 DENIED, 412 PRECONDITION_FAILED, 416 RANGE_INVALID, 429
     * TOOMANYREQUESTS); {@code UNSUPPORTED} for every other client error (a request this registry does not
     * serve: 404 and 405 as for an unknown endpoint under {@code /v2/}, a malformed or ambiguous request, 414,
     * 431) and for 501 and 505; {@code UNKNOWN} for any other server error.
     */
    public static String codeForStatus(int status) {
        return switch (status) {
            case 401 -> ErrorCode.UNAUTHORIZED.name();
            case 403 -> ErrorCode.DENIED.name();
            case 412 -> ErrorCode.PRECONDITION_FAILED.name();
            case 416 -> ErrorCode.RANGE_INVALID.name();
            case 429 -> ErrorCode.TOOMANYREQUESTS.name();
            case 501, 505 -> ErrorCode.UNSUPPORTED.name();
            default -> status >= 500 ? SERVER_FAULT_CODE : ErrorCode.UNSUPPORTED.name();
        };
    }

    /**
     * The envelope of one error of the catalogue, for code outside the servlet that answers in its name (a filter in
     * front of it, say): {@code code}'s wire code and {@code message}.
     */
    public static byte[] of(ErrorCode code, String message) {
        return json(code.wireCode(), message, Optional.empty());
    }

    /**
     * One error as the envelope's JSON; {@code detail} is left out when empty.
     *
     * @throws java.io.UncheckedIOException if {@code detail} cannot be serialised
     */
    static byte[] json(String code, String message, Optional<?> detail) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("code", Objects.requireNonNull(code, "code"));
        entry.put("message", Objects.requireNonNull(message, "message"));
        detail.ifPresent(d -> entry.put("detail", d));
        return Json.bytes(Map.of("errors", List.of(entry)));
    }
}
