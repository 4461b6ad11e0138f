package dev.wharf.spi;

import dev.wharf.api.RegistryEvent;

/**
 * Hears about each change after it is committed (pushes, mounts, tag moves, deletes), for scanners,
 * webhooks and audit logs. Called synchronously on the thread that made the change, so implementations
 * should hand slow work to their own executor. An exception thrown here is logged and never undoes or
 * fails the change.
 */
@FunctionalInterface
public interface RegistryListener {
    void onEvent(RegistryEvent event);
}
