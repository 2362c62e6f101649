package dev.imed.experiments.cost;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dev.imed.ensemble.method.alignment.MultilinearMap;
import dev.imed.fusion.net.FusionNet;
import dev.imed.model.backbone.TorchScriptBackbone;
import dev.imed.model.net.ComponentNet;
import java.util.OptionalLong;

/**
 * Counts multiply-adds per image by walking an initialised DJL block tree with the shapes flowing
 * through it: a convolution costs its weight's size per output position, a fully connected layer its
 * weight's size per input row. Sequential blocks (and {@link ComponentNet}) pass shapes child to child,
 * parallel blocks (ResNet's residual units) give every branch the same input. BatchNorm, activations,
 * pooling and element-wise products are not counted: they are a few per cent of a CNN's work.
 * A TorchScript module is opaque, so a tree holding one has no count.
 */
public final class MultiplyAdds {
    private MultiplyAdds() {}

    /** Multiply-adds for one image of {@code input} (its first dimension is ignored), or empty. */
    public static OptionalLong of(Block block, Shape input) {
        Shape single = input.get(0) == 1 ? input : new Shape(withBatchOne(input));
        try {
            return OptionalLong.of(count(block, new Shape[] {single}));
        } catch (Opaque e) {
            return OptionalLong.empty();
        }
    }

    private static long[] withBatchOne(Shape s) {
        long[] dims = s.getShape();
        dims[0] = 1;
        return dims;
    }

    private static long count(Block block, Shape[] in) {
        if (block instanceof TorchScriptBackbone) {
            throw new Opaque();
        }
        if (block instanceof Convolution) {
            Shape out = block.getOutputShapes(in)[0];
            long positions = 1;
            for (int d = 2; d < out.dimension(); d++) {
                positions *= out.get(d);
            }
            return positions * weight(block).size();
        }
        if (block instanceof Linear) {
            Shape x = in[0];
            long rows = x.size() / x.get(x.dimension() - 1);
            return rows * weight(block).size();
        }
        if (block instanceof SequentialBlock || block instanceof ComponentNet) {
            long total = 0;
            Shape[] shapes = in;
            for (Block child : block.getChildren().values()) {
                total += count(child, shapes);
                shapes = child.getOutputShapes(shapes);
            }
            return total;
        }
        if (block instanceof ParallelBlock) {
            long total = 0;
            for (Block child : block.getChildren().values()) {
                total += count(child, in);
            }
            return total;
        }
        if (block instanceof BatchNorm || block.getChildren().isEmpty() && block.getDirectParameters().isEmpty()) {
            return 0; // normalisation, activations, pooling, flatten, identity
        }
        throw new IllegalArgumentException("cannot count multiply-adds through " + block.getClass().getName()
                + ": its data flow is not known");
    }

    /**
     * A fusion's multiply-adds per image for K stacked component outputs: its fully connected layers
     * (gate generators, head, FC fusion) once per image, and for IMED the multilinear map once per component.
     */
    public static long ofFusion(FusionNet fusion, int classes) {
        int k = fusion.components();
        long total = 0;
        for (Block child : fusion.getChildren().values()) {
            if (child instanceof MultilinearMap map) {
                total += k * (map.randomized()
                        ? (fusion.width() + (long) classes) * MultilinearMap.RANDOM_DIM
                        : (long) fusion.width() * classes);
            } else {
                total += linearWeights(child);
            }
        }
        return total;
    }

    private static long linearWeights(Block block) {
        if (block instanceof Linear) {
            return weight(block).size();
        }
        long total = 0;
        for (Block child : block.getChildren().values()) {
            total += linearWeights(child);
        }
        return total;
    }

    private static Shape weight(Block block) {
        Parameter w = block.getDirectParameters().get("weight");
        if (w == null || !w.isInitialized()) {
            throw new IllegalStateException(block.getClass().getSimpleName() + ": not initialised, cannot count its multiply-adds");
        }
        return w.getArray().getShape();
    }

    /** Thrown inside the walk when a TorchScript module hides its structure. */
    private static final class Opaque extends RuntimeException {
        Opaque() {
            super(null, null, false, false);
        }
    }
}
