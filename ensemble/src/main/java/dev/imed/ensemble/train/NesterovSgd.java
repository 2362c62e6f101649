package dev.imed.ensemble.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.imed.core.tensor.Scalars;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * SGD with Nesterov momentum and weight decay (PyTorch's formulation), over parameter groups with
 * their own learning-rate scale (a pretrained backbone learns at a tenth of the rate). Updates run
 * on the device, outside any gradient recording, and zero the gradients they consume, because
 * DJL's PyTorch engine accumulates gradients across collectors.
 */
public final class NesterovSgd {
    /** Parameters sharing one learning-rate scale. */
    public record Group(List<Parameter> parameters, float lrScale) {}

    private final float momentum;
    private final float weightDecay;
    private final List<Parameter> parameters = new ArrayList<>();
    private final List<Float> scales = new ArrayList<>();
    private final List<NDArray> velocity = new ArrayList<>();

    public NesterovSgd(NDManager manager, float momentum, float weightDecay, List<Group> groups) {
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        for (Group group : groups) {
            for (Parameter p : group.parameters()) {
                if (!p.requiresGradient() || !p.getArray().hasGradient()) {
                    continue;
                }
                parameters.add(p);
                scales.add(group.lrScale());
                NDArray v = manager.zeros(p.getArray().getShape(), p.getArray().getDataType(), p.getArray().getDevice());
                velocity.add(v);
            }
        }
    }

    public int size() {
        return parameters.size();
    }

    /**
     * Updates {@code replacement} from now on wherever {@code replaced} was updated, keeping its momentum:
     * for blocks that rebuild their parameters when loaded (a TorchScript backbone loads a new module).
     */
    public void replaceParameter(Parameter replaced, Parameter replacement) {
        for (int i = 0; i < parameters.size(); i++) {
            if (parameters.get(i) == replaced) {
                parameters.set(i, replacement);
            }
        }
    }

    /** One update at base learning rate {@code lr}; temporaries live in {@code step}, closed by the caller. */
    public void step(float lr, NDManager step) {
        for (int i = 0; i < parameters.size(); i++) {
            // One parameter's temporaries at a time (about four copies of it), not the whole model's until the step ends.
            try (NDManager scope = step.newSubManager()) {
                NDArray w = parameters.get(i).getArray();
                w.tempAttach(scope);
                NDArray g = w.getGradient();
                g.attach(scope);
                NDArray v = velocity.get(i);
                // Temporaries take the manager of their first operand: lend v to the scope too, or they pile up in the root.
                v.tempAttach(scope);
                // The gradient buffer is consumed (and zeroed) here, so it holds the direction: two temporaries per
                // parameter instead of four. d = g + wd·w; v = m·v + d; w -= lr·(d + m·v).
                NDArray d = weightDecay == 0f ? g : g.addi(Scalars.times(w, weightDecay));
                v.muli(momentum).addi(d);
                w.subi(d.addi(Scalars.times(v, momentum)).muli(lr * scales.get(i)));
                g.muli(0);
            }
        }
    }

    /** Whether every gradient is finite (one reduction and one host read for all of them). */
    public boolean gradientsFinite(NDManager step) {
        if (parameters.isEmpty()) {
            return true;
        }
        NDArray sum = null;
        for (Parameter p : parameters) {
            // Each square is freed at once; only the running scalar stays in the step.
            try (NDManager scope = step.newSubManager()) {
                NDArray g = p.getArray().getGradient();
                g.attach(scope);
                // Σg² as the dot product of the flattened gradient with itself: one pass, no temporary as large as g.
                // Squares, not a plain sum, so that a gradient above ~1e19 (whose square overflows) also skips the step.
                NDArray flat = g.reshape(-1);
                NDArray s = flat.dot(flat);
                NDArray total = sum == null ? s : sum.add(s);
                total.attach(step);
                sum = total;
            }
        }
        return Float.isFinite(sum.getFloat());
    }

    /** The gradients of every parameter, as handles owned by {@code step}. */
    private List<NDArray> gradients(NDManager step) {
        List<NDArray> grads = new ArrayList<>();
        for (Parameter p : parameters) {
            NDArray g = p.getArray().getGradient();
            g.attach(step);
            grads.add(g);
        }
        return grads;
    }

    /** Σ‖g‖² over all gradients, on the device. */
    private static NDArray squaredNorm(List<NDArray> grads) {
        NDArray sum = null;
        for (NDArray g : grads) {
            NDArray s = g.square().sum();
            sum = sum == null ? s : sum.add(s);
        }
        return sum;
    }

    /** Clears the gradients without updating (after a step whose loss is discarded). */
    public void zeroGradients(NDManager step) {
        for (Parameter p : parameters) {
            NDArray g = p.getArray().getGradient();
            g.attach(step);
            // A fill, not g × 0: the gradients being dropped may hold inf or NaN, and inf × 0 is NaN.
            g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
        }
    }

    /**
     * Sharpness-aware minimisation, first half: moves every weight by {@code rho · g / ‖g‖} (the
     * worst case nearby), clears the gradients and returns the moves for {@link #restore}.
     */
    public List<NDArray> perturb(float rho, NDManager step) {
        List<NDArray> grads = gradients(step);
        NDArray sumSquares = squaredNorm(grads);
        // No tempAttach of the weights here: step() lends them to the same manager, and lending one twice
        // would hand them back to the closed step (their in-place updates allocate nothing anyway).
        NDArray norm = sumSquares.sqrt().add(1e-12f);
        NDArray scale = Scalars.times(Scalars.of(norm, 1).div(norm), rho);
        List<NDArray> moves = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            NDArray e = grads.get(i).mul(scale);
            parameters.get(i).getArray().addi(e);
            grads.get(i).muli(0);
            moves.add(e);
        }
        return moves;
    }

    /** Sharpness-aware minimisation, second half: puts the weights back before the update. */
    public void restore(List<NDArray> moves) {
        // In-place updates only: nothing new is allocated here.
        for (int i = 0; i < parameters.size(); i++) {
            parameters.get(i).getArray().subi(moves.get(i));
        }
    }

    /** Device copies of the momentum buffers, owned by {@code manager}. */
    public List<NDArray> copyState(NDManager manager) {
        List<NDArray> copies = new ArrayList<>();
        for (NDArray v : velocity) {
            NDArray copy = v.duplicate();
            copy.attach(manager);
            copies.add(copy);
        }
        return copies;
    }

    /** Overwrites the momentum buffers in place with {@link #copyState} copies. */
    public void restoreState(List<NDArray> copies) {
        for (int i = 0; i < velocity.size(); i++) {
            velocity.get(i).set(new ai.djl.ndarray.index.NDIndex("..."), copies.get(i));
        }
    }

    public void save(DataOutputStream out) throws IOException {
        out.writeInt(velocity.size());
        for (NDArray v : velocity) {
            byte[] bytes = v.encode();
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    public void load(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n != velocity.size()) {
            throw new IOException("optimizer state has " + n + " buffers, the model needs " + velocity.size());
        }
        for (NDArray v : velocity) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            try (NDManager tmp = v.getManager().newSubManager()) {
                v.set(NDArray.decode(tmp, bytes).toByteBuffer());
            }
        }
    }
}
