package dev.imed.core.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a constant whose value backward reads (a product, a quotient, a maximum).
 *
 * <p>DJL's PyTorch engine turns a Java number ({@code x.mul(0.5f)}) into a tensor over a Java direct buffer and frees
 * that tensor as soon as the operation returns. Autograd keeps the tensor for backward, but not the buffer: if the
 * garbage collector runs before backward, the buffer's memory is freed and reused, and backward reads whatever is
 * there now: another constant, or garbage. A training step's gradient is then scaled wrongly, now and then, which
 * made runs with the same seed end differently and, rarely, diverge ({@code docs/results/parity/findings.md};
 * {@code ScalarsTest} reproduces it). A constant made here is allocated by the engine, so it lives as long as autograd
 * holds it. Sums and differences with a Java number are safe: their backward does not read the constant.
 */
public final class Scalars {
    private Scalars() {}

    /** A 0-d tensor holding {@code value}, of {@code like}'s type, on its device, in its manager. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType(), like.getDevice());
    }

    /** {@code x · value}. */
    public static NDArray times(NDArray x, double value) {
        return x.mul(of(x, value));
    }

    /** {@code x / value}. */
    public static NDArray dividedBy(NDArray x, double value) {
        return x.div(of(x, value));
    }

    /** {@code max(x, value)}, element-wise. */
    public static NDArray atLeast(NDArray x, double value) {
        return x.maximum(of(x, value));
    }
}
