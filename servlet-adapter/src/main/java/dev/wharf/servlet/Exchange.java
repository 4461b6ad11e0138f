package dev.wharf.servlet;

import dev.wharf.api.Caller;
import dev.wharf.api.ErrorCode;
import dev.wharf.api.RegistryException;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.UploadChunk;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.Principal;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * One request/response pair as the handlers see it: the matched path parameters, the parsed query, the
 * caller, and the few ways to answer (empty, JSON, raw bytes) that keep the HEAD rule in one place.
 * Created per request; not thread-safe.
 */
final class Exchange {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Map<String, String> params;
    private final QueryParams query;
    private Caller caller = Caller.anonymous();
    private Supplier<String> challenge;
    private final boolean head;
    private RepositoryName name;
    private RequestBody body;
    private boolean nonBlockingBody;
    /** Told how many bytes of the body arrive, as they arrive; null when nobody asked. */
    private LongConsumer bodyMeter;

    Exchange(HttpServletRequest request, HttpServletResponse response, Map<String, String> params) {
        this.request = request;
        this.response = response;
        this.params = Map.copyOf(params);
        this.query = QueryParams.parse(request.getQueryString());
        this.head = "HEAD".equals(request.getMethod());
    }

    HttpServletRequest request() {
        return request;
    }

    HttpServletResponse response() {
        return response;
    }

    /** Who the request runs as, as the {@link AccessDoor} admitted it; anonymous until then. */
    Caller caller() {
        return caller;
    }

    /**
     * Sets who the request runs as, and how to write the {@code WWW-Authenticate} value a 401 on it will carry
     * (written only if one is answered: most requests never need it).
     */
    void admit(Caller admitted, Supplier<String> challengeValue) {
        this.caller = admitted;
        this.challenge = challengeValue;
    }

    /** The challenge for a 401 on this request, once the door has said how to write it. */
    Optional<String> challenge() {
        return challenge == null ? Optional.empty() : Optional.of(challenge.get());
    }

    /** Sets the challenge for a 401 on this request without admitting anyone. */
    void challengeWith(String challengeValue) {
        this.challenge = () -> challengeValue;
    }

    QueryParams query() {
        return query;
    }

    /** True for HEAD: answer with the headers a GET would have, never a body. */
    boolean isHead() {
        return head;
    }

    /** A captured path part ({@code digest}, {@code reference}, {@code id}). */
    String param(String key) {
        String value = params.get(key);
        if (value == null) {
            throw new IllegalStateException("route has no parameter " + key);
        }
        return value;
    }

    /** The repository name from the path, validated (400 NAME_INVALID, never 404, for a bad name). */
    RepositoryName name() {
        if (name == null) {
            name = RepositoryName.of(param("name"));
        }
        return name;
    }

    /** The client's body, wrapped so that its failures are recognisable ({@link RequestBody}). */
    RequestBody body() throws IOException {
        if (body == null) {
            body = new RequestBody(request.getInputStream(), bodyMeter);
        }
        return body;
    }

    /**
     * Refuses a request whose declared body something in front of the registry has already read: a filter of the
     * application that consumed the stream, or the container parsing a form-typed {@code POST} into parameters for
     * a filter that asked for one. The registry would otherwise see an empty body where bytes were declared (and
     * one container waits for bytes that never come). Detected before the registry reads anything: the stream is
     * already at its end with nothing left to read, or the request's reader is in use.
     *
     * @throws RegistryException SIZE_INVALID naming the cause
     */
    void refuseConsumedBody() throws IOException {
        long declared = request.getContentLengthLong();
        if (declared <= 0 || body != null || nonBlockingBody) {
            return;
        }
        jakarta.servlet.ServletInputStream in;
        try {
            in = request.getInputStream();
        } catch (IllegalStateException readerInUse) {
            throw consumedBody(declared);
        }
        int available = in.available(); // first: asking may be what tells a stream it is at its end
        if (available <= 0 && in.isFinished()) {
            throw consumedBody(declared);
        }
    }

    /**
     * True if the body, of a declared positive length, read with a blocking read, ended cleanly before its first
     * byte: something in front of the registry read it (a container that parsed it as form fields does not always
     * say so before the first read; {@link #refuseConsumedBody()}). A client that breaks its body off makes the read
     * fail instead. {@link BodyReceiver} tells the same of a body read without blocking.
     */
    boolean bodyEndedUnread() {
        return request.getContentLengthLong() > 0 && !nonBlockingBody && body != null && !body.failed()
                && body.bytesRead() == 0 && body.ended();
    }

    /** SIZE_INVALID for a body something in front of the registry has already read. */
    RegistryException consumedBody() {
        return consumedBody(request.getContentLengthLong());
    }

    private static RegistryException consumedBody(long declared) {
        return new RegistryException(ErrorCode.SIZE_INVALID, "the request declared " + declared + " bytes but not"
                + " one byte of the body reached the registry: something in front of it has already read it (a filter"
                + " of the application, or the container parsing a form-typed body into parameters for a filter that"
                + " asked for one); keep body-reading filters off the registry's path",
                Map.of("declared", declared, "received", 0));
    }

    /**
     * Reads and discards the rest of the client's body, at most {@code budget} bytes, waiting for it to arrive:
     * for bodies the server reads with a blocking read anyway (manifests), so that a client still sending receives
     * the answer instead of a connection reset.
     *
     * @return true if the body's end was reached; false if more remains or reading it failed
     */
    boolean drainBody(long budget) {
        try {
            InputStream in = body();
            byte[] sink = new byte[8192];
            long left = budget;
            int n;
            while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
                left -= n;
            }
            return left > 0 || in.read() < 0;
        } catch (IOException e) {
            return false; // the client went away or broke the body off
        }
    }

    /**
     * Reads and discards the rest of the client's body, if it has already arrived and is at most {@code budget}
     * bytes, so that an answer that does not need it still leaves the connection able to carry the next request,
     * or lets the container close it without resetting it (unread bytes turn a close into a reset, and the
     * client loses the answer). Never waits for the client: it reads only what the container already holds,
     * and a body still on its way is left, so a slow client cannot hold a thread here. A body of unknown length
     * (chunked) is read until its end has arrived, up to {@code budget} bytes.
     *
     * @return true if the whole body has been read; false if some remains or reading it failed
     */
    boolean discardBody(long budget) {
        long length = request.getContentLengthLong();
        if (length > budget) {
            return false;
        }
        try {
            RequestBody in = body();
            long left = length < 0 ? budget : length - in.bytesRead();
            byte[] sink = new byte[(int) Math.max(1, Math.min(8192, left))];
            while (length < 0 ? !in.finished() : left > 0) {
                int available = in.available();
                if (available <= 0 || left <= 0) {
                    return in.finished();
                }
                int n = in.read(sink, 0, (int) Math.min(sink.length, Math.min(available, left)));
                if (n < 0) {
                    return true;
                }
                left -= n;
            }
            return true;
        } catch (IOException e) {
            return false; // the client went away or broke the body off
        }
    }

    /**
     * True if the request carries a body: a positive {@code Content-Length}, or a {@code Transfer-Encoding}
     * without one.
     */
    boolean hasBody() {
        long length = request.getContentLengthLong();
        return length > 0 || (length < 0 && request.getHeader("Transfer-Encoding") != null);
    }

    /**
     * True if the whole body, of a declared length up to {@code limit} bytes, is already in the container's
     * buffers, so that reading it cannot wait for the client.
     */
    boolean bodyArrived(long limit) {
        long length = request.getContentLengthLong();
        if (length < 0 || length > limit) {
            return false;
        }
        try {
            return body().available() >= length;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Has {@code meter} told of the body's bytes as they arrive, whether read with a blocking read or with
     * non-blocking I/O; set before the body is first read.
     */
    void meterBody(LongConsumer meter) {
        this.bodyMeter = meter;
    }

    /** {@code n} more bytes of the body arrived, read with non-blocking I/O. */
    void bodyArrived(int n) {
        if (bodyMeter != null) {
            bodyMeter.accept(n);
        }
    }

    /** Marks the body as read with non-blocking I/O: it can no longer be read or drained with a blocking read. */
    void bodyIsNonBlocking() {
        nonBlockingBody = true;
    }


    /** True once the body is read with non-blocking I/O ({@link #bodyIsNonBlocking()}). */
    boolean isBodyNonBlocking() {
        return nonBlockingBody;
    }

    /** Whose uploads count together against a per-caller cap: the user's name, else the client's address. */
    String callerKey() {
        Optional<Principal> principal = caller.principal();
        return principal.isPresent() ? "user:" + principal.get().getName() : "address:" + request.getRemoteAddr();
    }

    /** The declared {@code Content-Range} of an upload chunk, if any. */
    Optional<dev.wharf.api.ByteRange> contentRange() {
        return RangeHeaders.contentRange(request.getHeader("Content-Range"));
    }

    /** True if reading the client's body failed during this exchange. */
    boolean bodyFailed() {
        return body != null && body.failed();
    }

    /** The declared {@code Content-Length}, if any. */
    OptionalLong contentLength() {
        long length = request.getContentLengthLong();
        return length < 0 ? OptionalLong.empty() : OptionalLong.of(length);
    }

    /**
     * The request body with its declared length and {@code Content-Range}.
     *
     * @throws RegistryException BLOB_UPLOAD_INVALID for a malformed Content-Range
     */
    UploadChunk chunk() throws IOException {
        return new UploadChunk(body(), contentLength(), contentRange());
    }

    /** A required query parameter, or 400 with {@code code}. */
    String requiredQuery(String key, ErrorCode code, String why) {
        return query.first(key).orElseThrow(() -> new RegistryException(code, why));
    }

    /** An absolute path under this servlet, relative to the host: {@code contextPath + servletPath + suffix}. */
    String path(String suffix) {
        return request.getContextPath() + request.getServletPath() + suffix;
    }

    /** {@code /v2/<name>/blobs/<digest>}-style path for the current repository. */
    String repositoryPath(String suffix) {
        return path("/" + name().value() + suffix);
    }

    /** Sets a response header, replacing any earlier value. */
    void setHeader(String name, String value) {
        response.setHeader(name, value);
    }

    /** A request header, if sent. */
    Optional<String> requestHeader(String name) {
        return Optional.ofNullable(request.getHeader(name));
    }

    /** Answers {@code status} with no body ({@code Content-Length: 0} except for 204). */
    void sendEmpty(int status) {
        response.setStatus(status);
        if (status != HttpServletResponse.SC_NO_CONTENT) {
            response.setContentLength(0);
        }
    }

    /** Answers {@code status} with a JSON document (headers only for HEAD). */
    void sendJson(int status, Object document) throws IOException {
        send(status, "application/json", Json.bytes(document));
    }

    /** Answers {@code status} with exact bytes of {@code contentType} (headers only for HEAD). */
    void send(int status, String contentType, byte[] bytes) throws IOException {
        response.setStatus(status);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        if (!head) {
            OutputStream out = response.getOutputStream();
            try {
                out.write(bytes);
            } catch (IOException e) {
                throw new ClientIOException(ClientIOException.Direction.WRITING_RESPONSE, "client stopped reading", e);
            }
        }
    }

    /** Short description for log lines. */
    @Override
    public String toString() {
        return request.getMethod() + " " + request.getRequestURI();
    }
}
