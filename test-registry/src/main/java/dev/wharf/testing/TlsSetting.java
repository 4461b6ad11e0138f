package dev.wharf.testing;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether and how a registry serves TLS, as {@link TestRegistryOptions} holds it: not at all, with the identity
 * read from PEM files when the option was given, or with a throwaway CA made anew at each start.
 */
sealed interface TlsSetting {
    /** Plain HTTP. */
    TlsSetting OFF = new Off();

    /** The identity a registry bound to {@code host} serves; empty for plain HTTP. */
    Optional<TlsIdentity> identityFor(String host);

    /** Plain HTTP. */
    record Off() implements TlsSetting {
        @Override
        public Optional<TlsIdentity> identityFor(String host) {
            return Optional.empty();
        }

        @Override
        public String toString() {
            return "off";
        }
    }

    /** The identity read, and checked, from {@code chainFile} and {@code keyFile} when the option was given. */
    record FromFiles(Path chainFile, Path keyFile, TlsIdentity identity) implements TlsSetting {
        @Override
        public Optional<TlsIdentity> identityFor(String host) {
            return Optional.of(identity);
        }

        @Override
        public String toString() {
            return chainFile + " and " + keyFile;
        }
    }

    /** A new CA and server certificate for each registry, for its host ({@link ThrowawayCa}). */
    record Generated() implements TlsSetting {
        @Override
        public Optional<TlsIdentity> identityFor(String host) {
            return Optional.of(ThrowawayCa.issue(host));
        }

        @Override
        public String toString() {
            return "generated";
        }
    }
}
