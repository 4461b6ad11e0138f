package dev.wharf.servlet.suite;

/**
 * Something a servlet container does on its own, before or around {@code RegistryServlet}, that no fixture
 * setting turns off. A suite case that meets one accepts the container's answer instead of Wharf's, and
 * still checks everything the registry itself controls. Jetty has none; a case is never relaxed for it.
 */
public enum ContainerQuirk {
    /**
     * A request body that ends before its {@code Content-Length} is answered by the container itself:
     * Tomcat calls {@code sendError(400)} inside the failed read, so the servlet finds its response
     * committed and cannot write {@code SIZE_INVALID}. The status is still 400 and the registry still rolls
     * the upload back.
     */
    ANSWERS_TRUNCATED_BODY_ITSELF,
    /**
     * A request body read with non-blocking I/O that ends before its {@code Content-Length} (the client shut its
     * side of the connection) is a connection error to Tomcat: it calls {@code ReadListener.onError} and closes
     * the connection without sending the answer the servlet writes. The registry still rolls the upload back.
     */
    CLOSES_TRUNCATED_NON_BLOCKING_BODY_UNANSWERED
}
