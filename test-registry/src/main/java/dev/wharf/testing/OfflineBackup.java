package dev.wharf.testing;

import dev.wharf.rocksdb.RocksDbMetadataStore;
import dev.wharf.spi.StorageException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code wharf-registry.jar --data-dir DIR --backup-to BACKUP}: a consistent copy of a stopped registry, laid
 * out like a data directory ({@link DataLayout}) so that restoring is copying it back.
 *
 * <p>Order matters and is the same as for an online backup: first a RocksDB checkpoint of the metadata,
 * then the blob files. Every blob a manifest or link in the checkpoint refers to was published before the
 * checkpoint was taken, so it is in the copy. Blob files never change once published, so they are
 * hard-linked where the filesystem allows (costing no space) and copied otherwise; staged upload bytes can
 * still grow, so they are always copied.
 *
 * <p>The metadata store is held open, and so locked, for the whole backup: a registry started on
 * {@code DIR} meanwhile fails to start rather than change what is being copied.
 */
final class OfflineBackup {

    /**
     * What was copied.
     *
     * @param linked blob files hard-linked into the backup
     * @param copied blob files copied byte for byte (no hard links across filesystems)
     * @param staged staged upload files copied
     */
    record Result(long linked, long copied, long staged) {
        long blobs() {
            return linked + copied;
        }
    }

    /** Why a backup was refused or failed, in words for the person at the terminal. */
    static final class BackupException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BackupException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path source;
    private final Path target;
    private boolean linksWork = true;
    private long linked;
    private long copied;

    private OfflineBackup(Path source, Path target) {
        this.source = source;
        this.target = target;
    }

    /**
     * Backs up the registry in {@code dataDirectory} into {@code target}, which must not exist or be empty.
     *
     * @throws BackupException when the registry is running, there is no registry in {@code dataDirectory},
     *                         {@code target} is in use, or copying fails (the partial backup is left behind)
     */
    static Result run(Path dataDirectory, Path target) {
        return new OfflineBackup(dataDirectory, target).run();
    }

    private Result run() {
        Path metadata = DataLayout.metadata(source);
        if (!Files.isDirectory(metadata)) {
            throw new BackupException("no registry in " + source + ": " + metadata + " does not exist", null);
        }
        requireEmptyTarget();
        try (RocksDbMetadataStore store = openStopped(metadata)) {
            Files.createDirectories(target);
            store.checkpoint(DataLayout.metadata(target));
            copyTree(source.resolve(DataLayout.BLOBS), true);
            long staged = copyTree(source.resolve(DataLayout.STAGING), false);
            Files.createDirectories(target.resolve(DataLayout.STAGING));
            fsyncDirectories(target);
            return new Result(linked, copied, staged);
        } catch (IOException | UncheckedIOException | StorageException e) {
            throw new BackupException("backup into " + target + " failed (" + e.getMessage()
                    + "); delete it before trying again", e);
        }
    }

    private void requireEmptyTarget() {
        if (!Files.exists(target)) {
            return;
        }
        try (Stream<Path> entries = Files.list(target)) {
            if (entries.findAny().isEmpty()) {
                return;
            }
        } catch (IOException e) {
            throw new BackupException(target + " exists and cannot be read: " + e.getMessage(), e);
        }
        throw new BackupException(target + " already exists and is not empty; back up into a new directory",
                new DirectoryNotEmptyException(target.toString()));
    }

    /** Opens the metadata; RocksDB's lock file makes this fail while a registry runs on the directory. */
    private RocksDbMetadataStore openStopped(Path metadata) {
        try {
            return RocksDbMetadataStore.open(metadata);
        } catch (StorageException e) {
            String message = String.valueOf(e.getMessage());
            if (message.toLowerCase(Locale.ROOT).contains("lock")) {
                throw new BackupException("the registry in " + source + " is running (its metadata is locked by"
                        + " another process); stop it first, or back it up online with"
                        + " RocksDbMetadataStore.checkpoint and then the blob directory", e);
            }
            throw new BackupException("cannot open the metadata in " + metadata + ": " + message, e);
        }
    }

    /** Copies every file under {@code from} to the same place under the target; returns how many. */
    private long copyTree(Path from, boolean immutable) throws IOException {
        if (!Files.isDirectory(from)) {
            return 0;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            Path to = target.resolve(source.relativize(file));
            Files.createDirectories(to.getParent());
            if (immutable && link(to, file)) {
                linked++;
            } else {
                copy(file, to);
                if (immutable) {
                    copied++;
                }
            }
        }
        return files.size();
    }

    private boolean link(Path to, Path file) {
        if (!linksWork) {
            return false;
        }
        try {
            Files.createLink(to, file);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            linksWork = false; // another filesystem, or one without hard links: copy from now on
            return false;
        }
    }

    private static void copy(Path file, Path to) throws IOException {
        Files.copy(file, to, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel channel = FileChannel.open(to, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** Makes the new directory entries (links, copies, subdirectories) durable. */
    private static void fsyncDirectories(Path root) throws IOException {
        List<Path> directories = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(Files::isDirectory).forEach(directories::add);
        }
        for (Path directory : directories) {
            try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
                channel.force(true);
            }
        }
    }
}
