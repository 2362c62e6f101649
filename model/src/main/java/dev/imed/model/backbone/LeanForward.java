package dev.imed.model.backbone;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A forward that frees activations as it goes, as PyTorch's eager mode does. A plain DJL forward
 * attaches every intermediate array to the input's manager, so a ResNet-50 batch keeps all its ~150
 * activations alive until the caller closes that manager (gigabytes at 224 px). Here every child of a
 * {@link SequentialBlock} (recursively, and the branches of a {@link ParallelBlock}) runs in a temporary
 * sub-manager; only its output moves on, so at most a few activations of one layer are alive at a time.
 *
 * <p>In training, freeing an intermediate's array only drops this side's reference: what backward needs
 * (a convolution's input, a BatchNorm's input) stays alive in the autograd graph, which holds its own,
 * and what it does not need (a BatchNorm's output once the ReLU has read it, a residual sum's inputs) is
 * freed at once. So the step keeps about what PyTorch's autograd keeps, with the same gradients.
 *
 * <p>A channel-axis {@link BatchNorm} runs through {@link ChannelBatchNorm}: the same numbers without the view DJL's
 * engine returns, so that the in-place ReLU and residual sum after it cost autograd nothing in backward.
 */
public final class LeanForward {
    private static final Logger LOG = LoggerFactory.getLogger(LeanForward.class);
    /** ParallelBlock keeps its join function private; without it the block runs as a whole (correct, less lean). */
    private static final Field JOIN = joinField();

    private LeanForward() {}

    /** {@code block.forward(store, inputs, false)} with the outputs attached to the inputs' manager. */
    public static NDList forward(Block block, ParameterStore store, NDList inputs) {
        return forward(block, store, inputs, false);
    }

    /** {@code block.forward(store, inputs, training)} with the outputs attached to the inputs' manager. */
    public static NDList forward(Block block, ParameterStore store, NDList inputs, boolean training) {
        NDManager caller = inputs.head().getManager();
        if (block instanceof SequentialBlock sequential && !sequential.isReturnIntermediate()) {
            NDList current = inputs;
            for (Block child : sequential.getChildren().values()) {
                NDList next = scoped(child, store, current, caller, current != inputs, training);
                current = next;
            }
            return current;
        }
        Function<List<NDList>, NDList> join = join(block);
        if (join != null) {
            List<NDList> branches = new ArrayList<>();
            for (Block child : block.getChildren().values()) {
                branches.add(scoped(child, store, inputs, caller, false, training));
            }
            NDList out;
            try (NDManager scope = caller.newSubManager()) {
                branches.forEach(b -> b.attach(scope));
                out = join.apply(branches);
                out.attach(caller);
            }
            return out;
        }
        if (block instanceof BatchNorm norm) {
            NDList out = ChannelBatchNorm.forward(norm, store, inputs, training);
            if (out != null) {
                return out;
            }
        }
        return block.forward(store, inputs, training);
    }

    /**
     * Runs one child in a sub-manager of {@code caller}; the output is moved to {@code caller}, everything else
     * is freed. {@code own}: the inputs are an intermediate of ours and are freed too, else they are only lent.
     */
    private static NDList scoped(Block child, ParameterStore store, NDList inputs, NDManager caller, boolean own, boolean training) {
        try (NDManager scope = caller.newSubManager()) {
            // Operations attach their results to their first operand's manager, hence the inputs move to the scope.
            Map<NDArray, Boolean> in = new IdentityHashMap<>();
            for (NDArray a : inputs) {
                in.put(a, Boolean.TRUE);
                if (own) {
                    a.attach(scope);
                } else {
                    a.tempAttach(scope);
                }
            }
            NDList out = forward(child, store, inputs, training);
            for (NDArray a : out) {
                // A child that passes an input straight through (identity) must not give the caller's array away.
                if (!in.containsKey(a) || own) {
                    a.attach(caller);
                }
            }
            return out;
        }
    }

    @SuppressWarnings("unchecked")
    private static Function<List<NDList>, NDList> join(Block block) {
        if (JOIN == null || !(block instanceof ParallelBlock)) {
            return null;
        }
        try {
            return (Function<List<NDList>, NDList>) JOIN.get(block);
        } catch (IllegalAccessException e) {
            return null;
        }
    }

    private static Field joinField() {
        try {
            Field f = ParallelBlock.class.getDeclaredField("function");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("ParallelBlock's join function is not reachable ({}); its branches run unscoped", e.toString());
            return null;
        }
    }
}
