package dev.wharf.core.storage;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Unmaps a {@link MappedByteBuffer} at once, through {@code sun.misc.Unsafe.invokeCleaner} (module
 * {@code jdk.unsupported}), which Java 17 offers as the only way to do so before the garbage collector does. Where
 * it cannot be found, unmapping is left to the garbage collector.
 */
final class Unmapper {
    private static final Logger LOG = Logger.getLogger(Unmapper.class.getName());
    private static final MethodHandle INVOKE_CLEANER = find();

    private Unmapper() {
    }

    /** Unmaps {@code buffer}, which nothing may read afterwards; does nothing if that cannot be done early. */
    static void unmap(ByteBuffer buffer) {
        if (INVOKE_CLEANER == null || !(buffer instanceof MappedByteBuffer)) {
            return;
        }
        try {
            INVOKE_CLEANER.invokeExact(buffer);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("unmapping a blob window failed", e);
        }
    }

    private static MethodHandle find() {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field field = unsafeClass.getDeclaredField("theUnsafe");
            field.setAccessible(true);
            Object unsafe = field.get(null);
            return MethodHandles.lookup()
                    .findVirtual(unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
                    .bindTo(unsafe);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "blob windows are unmapped by the garbage collector: " + e, e);
            return null;
        }
    }
}
