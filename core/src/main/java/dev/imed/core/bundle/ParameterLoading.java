package dev.imed.core.bundle;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads saved parameters so that they live in the engine's own memory. DJL decodes each saved array into a
 * direct {@link ByteBuffer} and, on the CPU, PyTorch's tensor wraps that buffer without copying, so every loaded
 * weight holds direct memory for as long as the model lives: three ResNet-50 members are 300 MB, over the
 * {@code -XX:MaxDirectMemorySize=256m} every imed JVM runs with. Here each such array is copied into memory
 * libtorch allocates and the wrapper is closed, so the direct buffers become garbage the JVM can reclaim.
 */
public final class ParameterLoading {
    private static final Logger LOG = LoggerFactory.getLogger(ParameterLoading.class);
    /** DJL keeps these private; without them the arrays stay as loaded (correct, only heavier on direct memory). */
    private static final Field PARAMETER_ARRAY = field(Parameter.class, "array");

    private ParameterLoading() {}

    /** {@code block.loadParameters(manager, in)}, then every loaded array moved to engine-owned memory. */
    public static void load(Block block, NDManager manager, DataInputStream in) throws IOException, MalformedModelException {
        block.loadParameters(manager, in);
        ownNatively(block);
    }

    /** Replaces each parameter array that wraps a Java buffer by an engine-owned copy (same values, name, gradient flag). */
    public static void ownNatively(Block block) {
        if (PARAMETER_ARRAY == null) {
            return;
        }
        for (Pair<String, Parameter> entry : block.getParameters()) {
            Parameter parameter = entry.getValue();
            if (!parameter.isInitialized()) {
                continue;
            }
            NDArray wrapped = parameter.getArray();
            if (!wrapsJavaBuffer(wrapped)) {
                continue; // already the engine's (e.g. a TorchScript module's own weights, which must stay shared)
            }
            NDArray owned = wrapped.duplicate();
            owned.setName(wrapped.getName());
            boolean gradient = wrapped.hasGradient();
            try {
                PARAMETER_ARRAY.set(parameter, owned);
            } catch (IllegalAccessException e) {
                owned.close();
                return;
            }
            wrapped.close();
            if (gradient) {
                owned.setRequiresGradient(true);
            }
        }
    }

    /** Whether {@code array}'s data is a Java direct buffer the engine wraps (DJL's PyTorch arrays made from a buffer). */
    public static boolean wrapsJavaBuffer(NDArray array) {
        Field dataRef = field(array.getClass(), "dataRef");
        if (dataRef == null) {
            return false;
        }
        try {
            return dataRef.get(array) instanceof ByteBuffer;
        } catch (IllegalAccessException e) {
            return false;
        }
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look further up
            } catch (RuntimeException e) {
                LOG.debug("{}.{} is not reachable ({}); loaded parameters keep their direct buffers", c.getName(), name, e.toString());
                return null;
            }
        }
        return null;
    }
}
