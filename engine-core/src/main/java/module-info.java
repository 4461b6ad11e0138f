/**
 * The Wharf engine: {@code dev.wharf.core} (the {@code Registry} implementation, found by
 * {@code Registry.builder()} through the service it provides), {@code dev.wharf.core.storage} (the in-memory and
 * filesystem reference stores), {@code dev.wharf.core.manifest} (manifest parsing into the facts a
 * {@code ManifestRecord} holds, for tools and store migrations) and {@code dev.wharf.core.access} (an
 * {@code Authorizer} written as groups and allow rules over repository globs). The engine's parts live in
 * {@code dev.wharf.core.internal}, which this module does not export.
 */
module dev.wharf.core {
    requires transitive dev.wharf.api;
    requires com.fasterxml.jackson.core;
    requires java.logging;
    requires jdk.unsupported; // sun.misc.Unsafe.invokeCleaner: unmapping a blob window once it is sent

    exports dev.wharf.core;
    exports dev.wharf.core.storage;
    exports dev.wharf.core.manifest;
    exports dev.wharf.core.access;
    exports dev.wharf.core.mirror;

    provides dev.wharf.spi.RegistryEngineProvider with dev.wharf.core.CoreEngineProvider;
}
