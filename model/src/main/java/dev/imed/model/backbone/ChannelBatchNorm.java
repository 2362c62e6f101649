package dev.imed.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Parameter;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DJL's {@link BatchNorm} over the channel axis, computed by libtorch's {@code batch_norm} directly. DJL's PyTorch
 * engine wraps that call in two axis swaps, even for axis 1, so its output is a view; an in-place operation on a view
 * (such as {@link InPlaceRelu}) makes autograd rebuild the view's base in backward, a clone and a copy of the gradient
 * per layer. The same parameters, running statistics and numbers; only the view is gone.
 */
final class ChannelBatchNorm {
    private static final Logger LOG = LoggerFactory.getLogger(ChannelBatchNorm.class);
    /** BatchNorm keeps its settings private; without them the block runs as DJL runs it (correct, with the view). */
    private static final Field AXIS = field("axis");
    private static final Field MOMENTUM = field("momentum");
    private static final Field EPSILON = field("epsilon");

    private ChannelBatchNorm() {}

    /** {@code norm}'s output for {@code inputs}, or null where this path does not apply (then run {@code norm} itself). */
    static NDList forward(BatchNorm norm, ParameterStore store, NDList inputs, boolean training) {
        if (AXIS == null || MOMENTUM == null || EPSILON == null || inputs.size() != 1 || !(inputs.head() instanceof PtNDArray x)) {
            return null;
        }
        try {
            if (AXIS.getInt(norm) != 1) {
                return null;
            }
            NDArray gamma = value(norm, "gamma", store, x, training);
            NDArray beta = value(norm, "beta", store, x, training);
            NDArray mean = value(norm, "runningMean", store, x, training);
            NDArray variance = value(norm, "runningVar", store, x, training);
            // DJL's momentum weighs the old running statistics; libtorch's weighs the new batch.
            double momentum = 1.0 - MOMENTUM.getFloat(norm);
            return new NDList(JniUtils.batchNorm(x, (PtNDArray) mean, (PtNDArray) variance, (PtNDArray) gamma,
                    (PtNDArray) beta, training, momentum, EPSILON.getFloat(norm)));
        } catch (IllegalAccessException | ClassCastException e) {
            return null;
        }
    }

    private static NDArray value(BatchNorm norm, String name, ParameterStore store, NDArray x, boolean training) {
        Parameter p = norm.getDirectParameters().get(name);
        return store.getValue(p, x.getDevice(), training);
    }

    private static Field field(String name) {
        try {
            Field f = BatchNorm.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("BatchNorm's {} is not reachable ({}); BatchNorm runs as DJL runs it", name, e.toString());
            return null;
        }
    }
}
