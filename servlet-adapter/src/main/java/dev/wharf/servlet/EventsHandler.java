package dev.wharf.servlet;

import dev.wharf.api.ErrorCode;
import dev.wharf.api.EventPage;
import dev.wharf.api.Registry;
import dev.wharf.api.RegistryConfig;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.RegistryException;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;


/**
 * The event log for consumers that poll instead of receiving webhooks, {@code GET
 * /v2/_wharf/ext/events[?after=<sequence>&n=<int>]}: {@code {"events": [...], "next": N, "hasMore": bool}}, the
 * events of repositories the caller may pull ({@link Registry#events}), with a {@code Link} to the next page while
 * more follow. Each event is the same object as a CloudEvent's {@code data}, with its {@code id} (the sequence
 * number), {@code type} ({@code dev.wharf.manifest.pushed}, ...) and {@code time}.
 */
final class EventsHandler {
    static final String PATH = "/_wharf/ext/events";

    private final Registry registry;

    EventsHandler(Registry registry) {
        this.registry = registry;
    }

    /** GET {@code /v2/_wharf/ext/events}. */
    void list(Exchange ex) throws IOException {
        RegistryConfig config = registry.config();
        long after = ex.query().first("after").map(EventsHandler::sequence).orElse(0L);
        int n = ex.query().first("n").map(v -> count(v, config.maxPageSize())).orElse(config.defaultPageSize());
        EventPage page = registry.events(ex.caller(), after, n);
        List<Map<String, Object>> events = new ArrayList<>(page.events().size());
        for (RegistryEvent e : page.events()) {
            events.add(json(e));
        }
        if (page.hasMore()) {
            ex.setHeader("Link", "<" + ex.path(PATH) + "?after=" + page.next() + "&n=" + n + ">; rel=\"next\"");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("events", events);
        body.put("next", page.next());
        body.put("hasMore", page.hasMore());
        ex.sendJson(HttpServletResponse.SC_OK, body);
    }

    static Map<String, Object> json(RegistryEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.sequence());
        out.put("type", e.type().cloudEventType());
        out.put("time", e.time().toString());
        e.repository().ifPresent(r -> out.put("repository", r.value()));
        e.digest().ifPresent(d -> out.put("digest", d.toString()));
        e.tag().ifPresent(t -> out.put("tag", t.value()));
        e.mediaType().ifPresent(m -> out.put("mediaType", m));
        e.artifactType().ifPresent(a -> out.put("artifactType", a));
        if (e.size().isPresent()) {
            out.put("size", e.size().getAsLong());
        }
        out.put("origin", e.origin().name().toLowerCase(Locale.ROOT));
        e.caller().principal().ifPresent(p -> out.put("actor", p.getName()));
        return out;
    }

    private static long sequence(String value) {
        try {
            long n = Long.parseLong(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "'after' must be an event number, 0 or "
                + "more; was '" + value + "'", Map.of("parameter", "after", "value", value));
    }

    private static int count(String value, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return Math.min(n, max);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new RegistryException(ErrorCode.PAGINATION_NUMBER_INVALID, "'n' must be a whole number, 0 or more; "
                + "was '" + value + "'", Map.of("parameter", "n", "value", value));
    }
}
