package dev.wharf.core.faults;

import dev.wharf.api.BlobInfo;
import dev.wharf.api.Digest;
import dev.wharf.spi.BlobStore;
import dev.wharf.spi.ForwardingBlobStore;
import dev.wharf.spi.StagedBlob;
import dev.wharf.spi.StorageException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link BlobStore} whose device can be made full, failing or slow while the registry runs, per kind of
 * operation: {@code store.inject(StorageFault.full(), Operation.WRITES)}, then {@code store.clear()}.
 *
 * <p>A failing {@link Operation#APPEND} fails mid-write, as a device does: it stages the first half of the
 * bytes it was given and then throws, so the engine has a partial chunk to roll back. Every other failing call
 * fails before it reaches the wrapped store. {@link #stagedWrites()} counts the staged writes still held, so a
 * test can see that nothing was left behind.
 */
public final class FaultyBlobStore extends ForwardingBlobStore {

    /** The kinds of call a fault can be aimed at. */
    public enum Operation {
        /** Reading: stat, open, resume. */
        READ,
        STAGE,
        APPEND,
        COMMIT,
        TRUNCATE,
        DISCARD;

        /** The calls that take space on the device: starting, appending and publishing a staged write. */
        public static final Set<Operation> WRITES = EnumSet.of(STAGE, APPEND, COMMIT);
    }

    private final FaultSwitch<Operation> faults = new FaultSwitch<>();
    private final Set<String> issued = ConcurrentHashMap.newKeySet();

    /** The wrapped store, healthy until a fault is injected. */
    public FaultyBlobStore(BlobStore delegate) {
        super(delegate);
    }

    /** The wrapped store itself, for checking what is really stored, past any fault. */
    public BlobStore stored() {
        return delegate();
    }

    /** From now on, {@code operations} meet {@code fault}; returns this store. */
    public FaultyBlobStore inject(StorageFault fault, Set<Operation> operations) {
        faults.inject(fault, operations);
        return this;
    }

    /** From now on, {@code first} and {@code rest} meet {@code fault}; returns this store. */
    public FaultyBlobStore inject(StorageFault fault, Operation first, Operation... rest) {
        return inject(fault, EnumSet.of(first, rest));
    }

    /** The device is healthy again (and the count of {@link #strikes()} starts over). */
    public void clear() {
        faults.clear();
    }

    /** Calls that have met a fault since the last injection or {@link #clear()}. */
    public int strikes() {
        return faults.strikes();
    }

    /** Waits until {@code count} calls have met a fault since the last injection; false on timeout. */
    public boolean awaitStrikes(int count, Duration timeout) throws InterruptedException {
        return faults.awaitStrikes(count, timeout);
    }

    /** Staged writes this store issued that the wrapped store still holds (neither committed nor discarded). */
    public long stagedWrites() {
        issued.removeIf(id -> delegate().resume(id).isEmpty());
        return issued.size();
    }

    @Override
    public Optional<BlobInfo> stat(Digest digest) {
        faults.before(Operation.READ);
        return super.stat(digest);
    }

    @Override
    public Optional<InputStream> open(Digest digest, long offset, long length) {
        faults.before(Operation.READ);
        return super.open(digest, offset, length);
    }

    @Override
    public StagedBlob stage() {
        faults.before(Operation.STAGE);
        return new Faulty(super.stage());
    }

    @Override
    public Optional<StagedBlob> resume(String stagedId) {
        faults.before(Operation.READ);
        return super.resume(stagedId).map(Faulty::new);
    }

    /** A staged write whose calls meet the store's faults. */
    private final class Faulty implements StagedBlob {
        private final StagedBlob staged;

        Faulty(StagedBlob staged) {
            this.staged = staged;
            issued.add(staged.id());
        }

        @Override
        public String id() {
            return staged.id();
        }

        @Override
        public long size() {
            faults.before(Operation.READ);
            return staged.size();
        }

        @Override
        public long append(InputStream in, boolean durable) {
            Optional<StorageFault> fault = faults.faultOf(Operation.APPEND);
            if (fault.isPresent() && fault.get().fails()) {
                byte[] bytes;
                try {
                    bytes = in.readAllBytes();
                } catch (IOException e) {
                    throw new StorageException("cannot read the bytes to stage", e);
                }
                staged.append(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length / 2)), durable);
            }
            fault.ifPresent(f -> faults.strike(f, Operation.APPEND));
            return staged.append(in, durable);
        }

        @Override
        public void truncate(long size) {
            faults.before(Operation.TRUNCATE);
            staged.truncate(size);
        }

        @Override
        public InputStream read() {
            faults.before(Operation.READ);
            return staged.read();
        }

        @Override
        public BlobInfo commit(Digest digest) {
            faults.before(Operation.COMMIT);
            return staged.commit(digest);
        }

        @Override
        public void discard() {
            faults.before(Operation.DISCARD);
            staged.discard();
        }
    }
}
