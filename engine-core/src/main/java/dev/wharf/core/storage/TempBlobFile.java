package dev.wharf.core.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One blob's bytes in a temporary file, off the Java heap, for {@link InMemoryBlobStore}. The file's name is
 * removed as soon as the file is open: POSIX systems keep the bytes of an open file until its last handle
 * closes, so the bytes go when the blob is deleted, when the store is closed, or when the JVM ends however it
 * ends, and nothing is left behind to clean up. Where the system refuses to remove an open file's name
 * (Windows), the name is removed once the file is closed.
 *
 * <p>Access goes through a {@link RandomAccessFile}, never a {@link java.nio.channels.FileChannel}: a thread
 * interrupted in a channel's I/O closes the channel for every user, and a file without a name could not be
 * opened again, so one interrupted pull would lose the blob. Not mapped either, because touched mapped pages
 * count in the process's resident memory. Each read or write sets the position and moves its bytes under this
 * object's lock; a read or write moves at most the caller's buffer, so the lock is held briefly.
 *
 * <p>Reference counted: the owner (a staged write, then the blob it published) holds one reference and each
 * open stream another, and the file closes when the last is released, so a stream opened before a delete still
 * reads to its end. {@link #close()} closes the file at once whatever is still open: the store's close.
 */
final class TempBlobFile {
    private static final String PREFIX = "wharf-blob-";
    /** This JVM's part of every name, so that JVMs sharing a directory do not try each other's names. */
    private static final String NAMES = Long.toUnsignedString(new SecureRandom().nextLong(), 36);
    private static final AtomicLong COUNTER = new AtomicLong();
    /** Names taken by others, tried in a row before giving up: a directory full of them is not a place to use. */
    private static final int MAX_ATTEMPTS = 100;
    private static final FileAttribute<?> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final RandomAccessFile file;
    /** Told once when the file closes, by its last release or by {@link #close()}. */
    private final Consumer<TempBlobFile> onClose;
    /** The name still to remove after closing, where it could not be removed while open; null once removed. */
    private Path leftover;
    private final AtomicInteger references = new AtomicInteger(1);
    private long length;
    private boolean closed;

    private TempBlobFile(RandomAccessFile file, Consumer<TempBlobFile> onClose, Path leftover) {
        this.file = file;
        this.onClose = onClose;
        this.leftover = leftover;
    }

    /**
     * Creates an empty file in {@code directory} (created if missing), readable by this user only, and removes
     * its name at once where the system allows. The caller holds the one reference; {@code onClose} is told
     * when the file closes.
     */
    static TempBlobFile create(Path directory, Consumer<TempBlobFile> onClose) throws IOException {
        Path path = createExclusively(directory);
        RandomAccessFile file;
        try {
            file = new RandomAccessFile(path.toFile(), "rw");
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        try {
            Files.delete(path);
            return new TempBlobFile(file, onClose, null);
        } catch (IOException e) {
            return new TempBlobFile(file, onClose, path); // an open file's name stays (Windows): removed after closing
        }
    }

    /**
     * Creates a new file that no one else can have opened: a fresh name, created only if it does not exist, with
     * owner-only permissions where the file system has POSIX permissions. Cheaper than
     * {@link Files#createTempFile}, whose name costs a read of the system's random source per file (half of a
     * small blob's cost): the names here are a random prefix drawn once and a counter.
     */
    private static Path createExclusively(Path directory) throws IOException {
        FileAttribute<?>[] ownerOnly = directory.getFileSystem().supportedFileAttributeViews().contains("posix")
                ? new FileAttribute<?>[] {OWNER_ONLY} : new FileAttribute<?>[0];
        boolean directoryCreated = false;
        for (int attempt = 1; ; attempt++) {
            Path path = directory.resolve(PREFIX + NAMES + "-" + COUNTER.incrementAndGet() + ".tmp");
            try {
                return Files.createFile(path, ownerOnly);
            } catch (NoSuchFileException e) {
                if (directoryCreated) {
                    throw e;
                }
                Files.createDirectories(directory); // first use of a directory that does not exist yet
                directoryCreated = true;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= MAX_ATTEMPTS) {
                    throw e;
                }
                // left by a killed JVM of the same prefix (Windows), or someone else's: take the next name
            }
        }
    }

    /** Bytes written so far. */
    synchronized long length() {
        return length;
    }

    /** Appends {@code len} bytes of {@code bytes} from {@code offset}. */
    synchronized void append(byte[] bytes, int offset, int len) throws IOException {
        requireOpen();
        file.seek(length);
        file.write(bytes, offset, len);
        length += len;
    }

    /**
     * Reads up to {@code len} bytes at {@code position} into {@code bytes}; -1 at or past the end. A short read
     * of a regular file happens only at its end.
     */
    synchronized int read(long position, byte[] bytes, int offset, int len) throws IOException {
        requireOpen();
        if (position >= length) {
            return -1;
        }
        file.seek(position);
        return file.read(bytes, offset, (int) Math.min(len, length - position));
    }

    /** Cuts the file back to {@code size} bytes; a larger size changes nothing. */
    synchronized void truncate(long size) throws IOException {
        requireOpen();
        if (size < length) {
            file.setLength(size);
            length = size;
        }
    }

    /**
     * Takes a reference for a reader, unless the file has already been released by everyone (then false: the
     * blob was deleted meanwhile).
     */
    boolean retain() {
        while (true) {
            int n = references.get();
            if (n <= 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives back a reference; the last one closes the file. */
    void release() {
        if (references.decrementAndGet() == 0) {
            close();
        }
    }

    /**
     * Closes the file now, whatever references are left; their streams then fail. Idempotent. Under the lock,
     * so no read or write is in progress when the handle goes (a handle closed under a running read could be
     * reused by the next file opened, and the read would see that file's bytes).
     */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        references.set(0);
        try {
            file.close();
        } catch (IOException e) {
            // nothing more to release: the handle is gone either way
        }
        onClose.accept(this);
        if (leftover != null) {
            try {
                Files.deleteIfExists(leftover);
                leftover = null;
            } catch (IOException e) {
                // still held open by another process (a virus scanner, say); the system's temporary cleanup takes it
            }
        }
    }

    private void requireOpen() throws IOException {
        if (closed) {
            throw new IOException("the blob store holding this blob's temporary file has been closed");
        }
    }

    /**
     * Reads {@code length} bytes from {@code offset}, under a reference the caller has already taken with
     * {@link #retain()} (or owns) and that the stream gives back when it is closed.
     */
    InputStream stream(long offset, long length) {
        return new Range(offset, offset + length);
    }

    /** A byte range of the file; holds one reference until closed. */
    private final class Range extends InputStream {
        private long position;
        private final long end;
        private boolean released;

        Range(long position, long end) {
            this.position = position;
            this.end = end;
        }

        @Override
        public int read(byte[] bytes, int offset, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, len, bytes.length);
            if (released) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            if (position >= end) {
                return -1;
            }
            int n = TempBlobFile.this.read(position, bytes, offset, (int) Math.min(len, end - position));
            if (n < 0) {
                throw new EOFException("temporary blob file ends before " + end + " bytes");
            }
            position += n;
            return n;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, end - position));
            position += skipped;
            return skipped;
        }

        @Override
        public int available() {
            return (int) Math.min(Integer.MAX_VALUE, end - position);
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release();
            }
        }
    }
}
