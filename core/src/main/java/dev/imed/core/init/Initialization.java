package dev.imed.core.init;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import java.util.Locale;

/**
 * The initial weights of the convolutions and linear layers of a freshly initialised block tree.
 *
 * <ul>
 *   <li>{@link #PYTORCH} (the default): PyTorch's {@code reset_parameters} of {@code nn.Conv2d} and
 *   {@code nn.Linear}: weights kaiming-uniform with a = √5, i.e. U(±1/√fan_in), biases U(±1/√fan_in).
 *   With DJL's defaults the digits recipes ended 15–20 points below the same recipes in PyTorch
 *   (docs/results/parity).</li>
 *   <li>{@link #DJL}: what DJL's blocks draw themselves, weights N(0, 2/fan_in), biases 0.</li>
 * </ul>
 * BatchNorm starts at γ = 1, β = 0 under both. Draws come from the engine's random generator, so
 * {@code Engine.setRandomSeed} makes them reproducible; they are made on the parameters' device.
 */
public enum Initialization {
    PYTORCH,
    DJL;

    /** Re-draws the weights and biases of every convolution and linear layer under {@code blocks}, as this scheme does. */
    public void apply(Block... blocks) {
        if (this == DJL) {
            return; // DJL's blocks initialise themselves this way.
        }
        for (Block block : blocks) {
            resetTree(block);
        }
    }

    /** The scheme named {@code name} ({@code pytorch} or {@code djl}, any case). */
    public static Initialization parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown initialization '" + name + "' (known: pytorch, djl)");
        }
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static void resetTree(Block block) {
        if (block instanceof Linear || block instanceof Convolution) {
            resetLayer(block);
        }
        for (Block child : block.getChildren().values()) {
            resetTree(child);
        }
    }

    private static void resetLayer(Block layer) {
        Parameter weight = layer.getParameters().get("weight");
        if (weight == null || !weight.isInitialized()) {
            return;
        }
        NDArray w = weight.getArray();
        Shape shape = w.getShape();
        long fanIn = shape.size() / shape.get(0);
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        uniform(w, bound);
        Parameter bias = layer.getParameters().get("bias");
        if (bias != null && bias.isInitialized()) {
            uniform(bias.getArray(), bound);
        }
    }

    /** Overwrites {@code array} in place with U(−bound, bound) draws made on its device. */
    private static void uniform(NDArray array, float bound) {
        try (NDArray drawn = array.getManager().randomUniform(-bound, bound, array.getShape(), array.getDataType(),
                array.getDevice())) {
            array.set(new NDIndex("..."), drawn);
        }
    }
}
