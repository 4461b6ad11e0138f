package dev.wharf.core.internal;

import dev.wharf.api.SearchQuery;
import dev.wharf.spi.SearchIndex;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/**
 * Search cursors: a place in the index, sealed with AES-GCM under a key of this registry so that a caller can
 * neither read it (it names the entry a page stopped at, which may be one the caller may not see) nor change it,
 * and bound to the query and caller it was given to, so that it continues nothing else. A cursor is base64url
 * text: a random 12-byte nonce, then the sealed version, binding hash and position.
 */
final class SearchCursors {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final int BINDING_BYTES = 16;
    /** Longer text is refused before decoding: a position holds two names of at most a few hundred bytes. */
    private static final int MAX_CURSOR_CHARS = 2048;

    /** The key given, or null for one drawn at random on first use. */
    private final byte[] givenKey;
    private volatile Keys keys;

    /** The sealing key and the nonces' source, made on first use: seeding a SecureRandom is a noticeable share of a start. */
    private record Keys(SecretKeySpec key, SecureRandom random) {
    }

    /** Cursors sealed with {@code key} (16, 24 or 32 bytes). */
    SearchCursors(byte[] key) {
        if (key.length != 16 && key.length != 24 && key.length != 32) {
            throw new IllegalArgumentException("a search cursor key is 16, 24 or 32 bytes, not " + key.length);
        }
        this.givenKey = key.clone();
    }

    private SearchCursors() {
        this.givenKey = null;
    }

    /**
     * Cursors sealed with a fresh random key, drawn at the first search: they stay valid as long as this registry
     * object lives.
     */
    static SearchCursors withRandomKey() {
        return new SearchCursors();
    }

    private Keys keys() {
        Keys made = keys;
        if (made == null) {
            synchronized (this) {
                made = keys;
                if (made == null) {
                    SecureRandom random = new SecureRandom();
                    byte[] raw = givenKey;
                    if (raw == null) {
                        raw = new byte[16];
                        random.nextBytes(raw);
                    }
                    made = new Keys(new SecretKeySpec(raw, "AES"), random);
                    keys = made;
                }
            }
        }
        return made;
    }

    /** A cursor continuing after {@code position}, for {@code binding} (the query's fingerprint and the caller). */
    String seal(String binding, SearchIndex.Position position) {
        byte[] repository = position.repository().getBytes(StandardCharsets.UTF_8);
        byte[] tag = position.tag().getBytes(StandardCharsets.UTF_8);
        ByteBuffer plain = ByteBuffer.allocate(1 + BINDING_BYTES + 8 + 4 + 2 + repository.length + 2 + tag.length);
        plain.put(VERSION).put(hash(binding)).putLong(position.time().getEpochSecond())
                .putInt(position.time().getNano())
                .putShort((short) repository.length).put(repository).putShort((short) tag.length).put(tag);
        byte[] nonce = new byte[NONCE_BYTES];
        keys().random().nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys().key(), new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plain.array());
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
    }

    /**
     * The position {@code cursor} continues after.
     *
     * @throws dev.wharf.api.RegistryException QUERY_INVALID naming {@code cursor}, when it is malformed, was
     *                                         changed, was sealed by another registry, or belongs to another query or
     *                                         caller
     */
    SearchIndex.Position open(String cursor, String binding) {
        if (cursor.isEmpty() || cursor.length() > MAX_CURSOR_CHARS) {
            throw invalid();
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (raw.length <= NONCE_BYTES + TAG_BITS / 8) {
            throw invalid();
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, keys().key(), new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            plain = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw invalid(); // changed, or sealed under another key
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
        try {
            ByteBuffer in = ByteBuffer.wrap(plain);
            byte version = in.get();
            byte[] bound = new byte[BINDING_BYTES];
            in.get(bound);
            if (version != VERSION || !MessageDigest.isEqual(bound, hash(binding))) {
                throw SearchQuery.invalid("cursor", "the cursor continues another query, or another caller's");
            }
            Instant time = Instant.ofEpochSecond(in.getLong(), in.getInt());
            String repository = text(in);
            String tag = text(in);
            return new SearchIndex.Position(time, repository, tag);
        } catch (BufferUnderflowException | DateTimeException | IllegalArgumentException e) {
            throw invalid();
        }
    }

    private static String text(ByteBuffer in) {
        byte[] bytes = new byte[Short.toUnsignedInt(in.getShort())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] hash(String binding) {
        try {
            byte[] full = MessageDigest.getInstance("SHA-256").digest(binding.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(full, BINDING_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static dev.wharf.api.RegistryException invalid() {
        return SearchQuery.invalid("cursor", "not a cursor this registry gave out, or changed since");
    }
}
