package dev.wharf.rocksdb;

import dev.wharf.spi.UploadRecord;
import dev.wharf.spi.UploadSessionStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.wharf.rocksdb.KeySchema.Root.ROOT;
import static dev.wharf.rocksdb.KeySchema.UPLOADS;

/** The {@link UploadSessionStore} role on RocksDB: upload records by id in {@code uploads} (see {@link KeySchema}). */
final class RocksDbUploadSessions implements UploadSessionStore {
    private final Database database;

    RocksDbUploadSessions(Database database) {
        this.database = database;
    }

    @Override
    public void putUpload(UploadRecord upload) {
        database.guarded(() -> {
            try (Batch batch = database.batch()) {
                batch.put(UPLOADS, ROOT, upload.id(), upload);
                batch.commit();
            }
            return null;
        });
    }

    @Override
    public Optional<UploadRecord> upload(String id) {
        return database.guarded(() -> database.get(UPLOADS, ROOT, id));
    }

    @Override
    public boolean deleteUpload(String id) {
        return database.guarded(() -> {
            if (!database.has(UPLOADS, ROOT, id)) {
                return false;
            }
            try (Batch batch = database.batch()) {
                batch.delete(UPLOADS, ROOT, id);
                batch.commit();
            }
            return true;
        });
    }

    @Override
    public List<UploadRecord> uploads() {
        return database.guarded(() -> {
            List<UploadRecord> out = new ArrayList<>();
            Scans.forEach(database, UPLOADS, (root, id, upload) -> out.add(upload));
            return out;
        });
    }
}
