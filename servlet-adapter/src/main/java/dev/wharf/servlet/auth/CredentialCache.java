package dev.wharf.servlet.auth;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Remembers credentials that passed a slow check (bcrypt) for a short while, so a client that sends its password
 * with every request (Basic authentication) pays the check about once a minute instead of on every request.
 *
 * <p>Keeps no password: an entry is a salted SHA-256 of user and password, with a salt drawn when the cache is
 * made, so the heap holds nothing that a dictionary attack on bcrypt would not also need. Bounded: past
 * {@value #MAX_ENTRIES} entries it starts over. Concurrent checks of the same credentials are made once
 * ({@link #verifyOnce}): when an entry expires under load, the many connections of one client wait for one bcrypt
 * check instead of each making its own. Thread-safe.
 */
final class CredentialCache {
    private static final int MAX_ENTRIES = 10_000;

    private final long lifetimeNanos;
    private final LongSupplier clock;
    private final MessageDigest saltedSha256;
    private final Map<String, Long> expiries = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Boolean>> checking = new ConcurrentHashMap<>();

    CredentialCache(long lifetimeNanos, LongSupplier clock) {
        this.lifetimeNanos = lifetimeNanos;
        this.clock = clock;
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        try {
            this.saltedSha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        saltedSha256.update(salt);
    }

    /** True if {@code user} proved {@code password} within the lifetime. */
    boolean contains(String user, char[] password) {
        return lifetimeNanos > 0 && contains(key(user, password));
    }

    /** {@link #contains(String, char[])} for credentials whose {@link #key} is already known. */
    boolean contains(String key) {
        if (lifetimeNanos <= 0) {
            return false;
        }
        Long expiry = expiries.get(key);
        if (expiry == null) {
            return false;
        }
        if (expiry - clock.getAsLong() > 0) {
            return true;
        }
        expiries.remove(key, expiry);
        return false;
    }

    /**
     * Runs {@code check} of {@code user}'s {@code password} and remembers a success; a caller that arrives while
     * the same credentials are being checked waits for that check's answer instead.
     */
    boolean verifyOnce(String user, char[] password, BooleanSupplier check) {
        return verifyOnce(key(user, password), check);
    }

    /** {@link #verifyOnce(String, char[], BooleanSupplier)} for credentials whose {@link #key} is already known. */
    boolean verifyOnce(String key, BooleanSupplier check) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = checking.putIfAbsent(key, mine);
        if (running != null) {
            try {
                return running.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        boolean ok;
        try {
            ok = check.getAsBoolean();
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e); // the callers waiting on this check fail with it, as this one does
            checking.remove(key, mine);
            throw e;
        }
        if (ok) {
            remember(key);
        }
        mine.complete(ok);
        checking.remove(key, mine);
        return ok;
    }

    /** Remembers that {@code user} proved {@code password}. */
    void add(String user, char[] password) {
        remember(key(user, password));
    }

    private void remember(String key) {
        if (lifetimeNanos <= 0) {
            return;
        }
        if (expiries.size() >= MAX_ENTRIES) {
            expiries.clear();
        }
        expiries.put(key, clock.getAsLong() + lifetimeNanos);
    }

    /** The salted hash that stands for {@code user} and {@code password} in this cache; computed once per login. */
    String key(String user, char[] password) {
        MessageDigest sha256;
        try {
            sha256 = (MessageDigest) saltedSha256.clone(); // cheaper than a provider lookup on every request
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the runtime's SHA-256 cannot be cloned", e);
        }
        sha256.update(user.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        sha256.update(bytes.duplicate());
        if (bytes.hasArray()) {
            Arrays.fill(bytes.array(), (byte) 0);
        }
        return Base64.getEncoder().encodeToString(sha256.digest());
    }
}
