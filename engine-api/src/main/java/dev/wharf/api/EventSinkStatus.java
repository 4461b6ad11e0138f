package dev.wharf.api;

import java.time.Instant;
import java.util.Optional;

/**
 * How far one event sink (a {@link Webhook}) has got in the event log.
 *
 * @param name          the sink's name
 * @param acknowledged  the last sequence number it has handled (delivered, or skipped by its filters)
 * @param backlog       how many numbers of the log lie after that
 * @param lastError     why the last delivery failed, while it has not succeeded since
 * @param lastErrorAt   when that was
 */
public record EventSinkStatus(String name, long acknowledged, long backlog, Optional<String> lastError,
                              Optional<Instant> lastErrorAt) {
}
