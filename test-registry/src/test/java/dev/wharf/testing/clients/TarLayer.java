package dev.wharf.testing.clients;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * A real image layer made in memory: a POSIX ustar archive of regular files, and its gzip. The uncompressed
 * bytes give the config's {@code diff_id}, the compressed bytes the manifest's layer digest, as in any image.
 *
 * @param tar  the archive
 * @param gzip the archive, gzip-compressed
 */
record TarLayer(byte[] tar, byte[] gzip) {
    private static final int BLOCK = 512;

    /** An archive holding {@code files} (path to content), in iteration order, all owned by root, mode 0644. */
    static TarLayer of(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.forEach((path, content) -> {
            out.writeBytes(header(path, content.length));
            out.writeBytes(content);
            out.writeBytes(new byte[padding(content.length)]);
        });
        out.writeBytes(new byte[2 * BLOCK]); // end of archive
        byte[] tar = out.toByteArray();
        return new TarLayer(tar, gzip(tar));
    }

    private static byte[] header(String path, long size) {
        byte[] name = path.getBytes(StandardCharsets.US_ASCII);
        if (name.length > 99) {
            throw new IllegalArgumentException("path too long for a plain ustar header: " + path);
        }
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, name.length);
        octal(h, 100, 8, 0644);           // mode
        octal(h, 108, 8, 0);              // uid
        octal(h, 116, 8, 0);              // gid
        octal(h, 124, 12, size);          // size
        octal(h, 136, 12, 0);             // mtime: fixed, so a layer's digest depends only on its content
        h[156] = '0';                     // regular file
        ascii(h, 257, "ustar\0");
        ascii(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';                   // the checksum is computed over spaces in its own field
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xFF;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        return h;
    }

    private static void octal(byte[] h, int offset, int width, long value) {
        String digits = String.format("%0" + (width - 1) + "o", value);
        ascii(h, offset, digits);
        h[offset + width - 1] = 0;
    }

    private static void ascii(byte[] h, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, offset, bytes.length);
    }

    private static int padding(int length) {
        return (BLOCK - length % BLOCK) % BLOCK;
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip in memory", e);
        }
        return out.toByteArray();
    }
}
