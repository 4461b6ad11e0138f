package dev.wharf.testing;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The servlet Jetty holds at {@code /v2/*} from before the engine exists: {@link TestRegistry} starts Jetty while
 * the engine's stores are still opening, and only then gives this servlet the {@code RegistryServlet} to pass
 * every request to ({@link #serve}). A request that arrives earlier waits for it, so nothing is answered from
 * stores that are not open yet. When the stores cannot be opened ({@link #fail}), a waiting request is answered
 * 503, and the registry stops without ever having served.
 *
 * <p>Jetty must initialise this servlet when it starts (init order 0), so that its configuration is there to
 * hand on to the servlet it waits for.
 */
final class AwaitingServlet extends HttpServlet {
    private static final String NOT_OPENED = "the registry did not start: its stores could not be opened";

    private final CompletableFuture<HttpServlet> target = new CompletableFuture<>();
    private final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();

    /** Initialises {@code servlet} with this servlet's configuration, then lets it serve every request. */
    void serve(HttpServlet servlet) throws ServletException {
        servlet.init(getServletConfig());
        target.complete(servlet);
    }

    /** Completes when {@link #service} has returned for the first time, whatever the answer was. */
    CompletionStage<Void> firstAnswer() {
        return firstAnswer.minimalCompletionStage();
    }

    /** The servlet this one waited for will never come: requests are answered 503. */
    void fail(Throwable cause) {
        target.completeExceptionally(cause);
    }

    @Override
    public void service(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        try {
            serveOrRefuse(request, response);
        } finally {
            if (!firstAnswer.isDone()) { // a read on every request after the first, not a compare-and-set
                firstAnswer.complete(null);
            }
        }
    }

    private void serveOrRefuse(ServletRequest request, ServletResponse response) throws ServletException, IOException {
        HttpServlet servlet;
        try {
            servlet = target.get();
        } catch (ExecutionException e) {
            ((HttpServletResponse) response).sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, NOT_OPENED);
            return;
        } catch (InterruptedException e) { // Jetty stopping its threads while the stores still open
            Thread.currentThread().interrupt();
            throw new ServletException("interrupted while waiting for the registry's stores to open", e);
        }
        servlet.service(request, response);
    }

    @Override
    public void destroy() {
        if (target.isDone() && !target.isCompletedExceptionally()) {
            target.join().destroy();
        }
        super.destroy();
    }
}
