package dev.wharf.spi;

import dev.wharf.api.Caller;
import dev.wharf.api.RegistryEvent;
import dev.wharf.api.Descriptor;
import dev.wharf.api.Digest;
import dev.wharf.api.DigestAlgorithm;
import dev.wharf.api.Manifest;
import dev.wharf.api.RepositoryName;
import dev.wharf.api.Tag;
import dev.wharf.api.TagMove;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binary encodings of the SPI's records, for stores that keep them as bytes (RocksDB values, SQL {@code bytea}
 * columns). Each record starts with a version byte so the encoding can evolve; strings are length-prefixed UTF-8,
 * optional values a presence byte, manifest bytes length-prefixed and copied verbatim. Decoding a value that is
 * not such a record throws a {@link StorageException}.
 */
public final class RecordCodec {
    private static final byte V1 = 1;

    private RecordCodec() {
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] encode(int sizeHint, Writer writer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(V1);
            writer.write(out);
        } catch (IOException e) {
            throw new StorageException("cannot encode a metadata record", e);
        }
        return bytes.toByteArray();
    }

    private static <T> T decode(byte[] value, Reader<T> reader) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            byte version = in.readByte();
            if (version != V1) {
                throw new IllegalStateException("unknown record encoding version " + version);
            }
            return reader.read(in);
        } catch (IOException e) {
            throw new StorageException("corrupt metadata record", e);
        }
    }

    /** A manifest record: its content, what it references, and when it was pushed. */
    public static byte[] manifest(ManifestRecord r) {
        return encode(r.manifest().bytes().length + 256, out -> {
            writeString(out, r.digest().toString());
            writeString(out, r.manifest().mediaType());
            out.writeInt(r.manifest().bytes().length);
            out.write(r.manifest().bytes());
            writeDigests(out, r.blobs());
            writeDigests(out, r.children());
            writeOptional(out, r.subject().map(Digest::toString));
            writeOptional(out, r.artifactType());
            writeMap(out, r.annotations());
            out.writeLong(r.pushedAt().toEpochMilli());
            out.writeLong(r.contentSize());
        });
    }

    /** The manifest record {@link #manifest(ManifestRecord)} encoded. */
    public static ManifestRecord manifest(byte[] value) {
        return decode(value, in -> {
            Digest digest = Digest.parse(readString(in));
            String mediaType = readString(in);
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            List<Digest> blobs = readDigests(in);
            List<Digest> children = readDigests(in);
            Optional<Digest> subject = readOptional(in).map(Digest::parse);
            Optional<String> artifactType = readOptional(in);
            Map<String, String> annotations = readMap(in);
            Instant pushedAt = Instant.ofEpochMilli(in.readLong());
            // Records written before the content size was kept end here; their content size is the manifest's own.
            long contentSize = in.available() >= Long.BYTES ? in.readLong() : bytes.length;
            return new ManifestRecord(new Manifest(digest, mediaType, bytes), new java.util.LinkedHashSet<>(blobs),
                    new java.util.LinkedHashSet<>(children), subject, artifactType, annotations, pushedAt, contentSize);
        });
    }

    /** Only the leading digest, media type and bytes of a manifest record: what serving it needs. */
    public static Manifest manifestContent(byte[] value) {
        return decode(value, in -> {
            Digest digest = Digest.parse(readString(in));
            String mediaType = readString(in);
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            return new Manifest(digest, mediaType, bytes);
        });
    }

    /** A descriptor (a referrers entry). */
    public static byte[] descriptor(Descriptor d) {
        return encode(256, out -> {
            writeString(out, d.mediaType());
            writeString(out, d.digest().toString());
            out.writeLong(d.size());
            writeOptional(out, d.artifactType());
            writeMap(out, d.annotations());
        });
    }

    /** The descriptor {@link #descriptor(Descriptor)} encoded. */
    public static Descriptor descriptor(byte[] value) {
        return decode(value, in -> new Descriptor(readString(in), Digest.parse(readString(in)), in.readLong(),
                readOptional(in), readMap(in)));
    }

    /** A move of a tag (its history). */
    public static byte[] tagMove(TagMove m) {
        return encode(200, out -> {
            writeString(out, m.tag().value());
            writeOptional(out, m.from().map(Digest::toString));
            writeOptional(out, m.to().map(Digest::toString));
            out.writeLong(m.at().toEpochMilli());
        });
    }

    /** The tag move {@link #tagMove(TagMove)} encoded. */
    public static TagMove tagMove(byte[] value) {
        return decode(value, in -> new TagMove(Tag.of(readString(in)), readOptional(in).map(Digest::parse),
                readOptional(in).map(Digest::parse), Instant.ofEpochMilli(in.readLong())));
    }

    /**
     * A search entry: its digest, what its manifest is, and its times. Its repository and tag are its key's
     * (the store's key), not stored here.
     */
    public static byte[] searchEntry(SearchIndex.Entry e) {
        return encode(160, out -> {
            writeString(out, e.digest().toString());
            writeString(out, e.manifest().mediaType());
            writeOptional(out, e.manifest().artifactType());
            out.writeLong(e.manifest().size());
            writeMap(out, e.manifest().annotations());
            out.writeLong(e.pushedAt().toEpochMilli());
            out.writeLong(e.updatedAt().toEpochMilli());
        });
    }

    /** The search entry {@link #searchEntry(SearchIndex.Entry)} encoded, with its repository and tag. */
    public static SearchIndex.Entry searchEntry(byte[] value, RepositoryName repository, Tag tag) {
        return decode(value, in -> {
            Digest digest = Digest.parse(readString(in));
            SearchIndex.Summary manifest = new SearchIndex.Summary(readString(in), readOptional(in), in.readLong(),
                    readMap(in));
            return new SearchIndex.Entry(repository, tag, digest, manifest, Instant.ofEpochMilli(in.readLong()),
                    Instant.ofEpochMilli(in.readLong()));
        });
    }

    /** An upload session's record. */
    public static byte[] upload(UploadRecord u) {
        return encode(160, out -> {
            writeString(out, u.id());
            writeString(out, u.repository().value());
            writeString(out, u.stagedId());
            writeString(out, u.algorithm().id());
            out.writeLong(u.offset());
            out.writeLong(u.created().toEpochMilli());
            out.writeLong(u.updated().toEpochMilli());
        });
    }

    /** The upload record {@link #upload(UploadRecord)} encoded. */
    public static UploadRecord upload(byte[] value) {
        return decode(value, in -> new UploadRecord(readString(in), RepositoryName.of(readString(in)), readString(in),
                DigestAlgorithm.of(readString(in)), in.readLong(), Instant.ofEpochMilli(in.readLong()),
                Instant.ofEpochMilli(in.readLong())));
    }

    /**
     * An event of the outbox. Its caller is kept by principal name (a principal without one, or none, reads back
     * anonymous); its sequence number is the key's, not stored here.
     */
    public static byte[] event(RegistryEvent e) {
        return encode(256, out -> {
            writeString(out, e.type().name());
            writeString(out, e.origin().name());
            writeOptional(out, e.repository().map(RepositoryName::value));
            writeOptional(out, e.digest().map(Digest::toString));
            writeOptional(out, e.tag().map(Tag::value));
            writeOptional(out, e.mediaType());
            writeOptional(out, e.artifactType());
            out.writeLong(e.size().isPresent() ? e.size().getAsLong() : -1);
            writeOptional(out, e.caller().principal().map(java.security.Principal::getName));
            out.writeLong(e.time().toEpochMilli());
        });
    }

    /** The event {@link #event(RegistryEvent)} encoded, with its sequence number. */
    public static RegistryEvent event(byte[] value, long sequence) {
        return decode(value, in -> {
            RegistryEvent.Type type = RegistryEvent.Type.valueOf(readString(in));
            RegistryEvent.Origin origin = RegistryEvent.Origin.valueOf(readString(in));
            Optional<RepositoryName> repository = readOptional(in).map(RepositoryName::of);
            Optional<Digest> digest = readOptional(in).map(Digest::parse);
            Optional<Tag> tag = readOptional(in).map(Tag::of);
            Optional<String> mediaType = readOptional(in);
            Optional<String> artifactType = readOptional(in);
            long size = in.readLong();
            Optional<String> principal = readOptional(in);
            Instant time = Instant.ofEpochMilli(in.readLong());
            Caller caller = principal.<Caller>map(name -> Caller.of(new NamedPrincipal(name))).orElse(Caller.anonymous());
            return new RegistryEvent(type, origin, repository, digest, tag, mediaType, artifactType,
                    size < 0 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(size), caller, time, sequence);
        });
    }

    /**
     * {@code e} as {@link #event(byte[], long)} reads it back after {@link #event(RegistryEvent)} wrote it, without
     * the bytes: its time to the millisecond, its caller by principal name, numbered {@code sequence}. For a store
     * that keeps recent events in memory beside its log and must answer a reader with what the log holds.
     */
    public static RegistryEvent asRecorded(RegistryEvent e, long sequence) {
        Caller caller = e.caller().principal().map(java.security.Principal::getName).map(RecordCodec::asWritten)
                .<Caller>map(name -> Caller.of(new NamedPrincipal(name))).orElse(Caller.anonymous());
        java.util.OptionalLong size = e.size().isPresent() && e.size().getAsLong() >= 0 ? e.size()
                : java.util.OptionalLong.empty(); // written as -1, read back as none
        return new RegistryEvent(e.type(), e.origin(), e.repository(), e.digest(), e.tag(),
                e.mediaType().map(RecordCodec::asWritten), e.artifactType().map(RecordCodec::asWritten), size, caller,
                Instant.ofEpochMilli(e.time().toEpochMilli()), sequence);
    }

    /** {@code s} as {@link #writeString} and {@link #readString} give it back: a lone surrogate becomes {@code ?}. */
    private static String asWritten(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return s;
    }

    /** The principal of an event read back from the outbox: its name is what was kept. */
    public record NamedPrincipal(String getName) implements java.security.Principal {
    }

    private static void writeDigests(DataOutputStream out, java.util.Collection<Digest> digests) throws IOException {
        out.writeInt(digests.size());
        for (Digest d : digests) {
            writeString(out, d.toString());
        }
    }

    private static List<Digest> readDigests(DataInputStream in) throws IOException {
        int n = in.readInt();
        List<Digest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(Digest.parse(readString(in)));
        }
        return out;
    }

    private static void writeOptional(DataOutputStream out, Optional<String> value) throws IOException {
        out.writeBoolean(value.isPresent());
        if (value.isPresent()) {
            writeString(out, value.get());
        }
    }

    private static Optional<String> readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? Optional.of(readString(in)) : Optional.empty();
    }

    private static void writeMap(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readMap(DataInputStream in) throws IOException {
        int n = in.readInt();
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            map.put(readString(in), readString(in));
        }
        return map;
    }

    /** Strings are length-prefixed UTF-8 (no 64 KiB limit, unlike writeUTF). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
