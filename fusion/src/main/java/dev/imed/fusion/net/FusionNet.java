package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.imed.core.tensor.Scalars;
import java.util.List;

/**
 * A trainable fusion of K components' features. Input: stacked features {@code F [N, K, D]} and
 * stacked probabilities {@code P [N, K, C]}; output: the fused feature {@code f_ens [N, D]}, the
 * ensemble logits {@code z_ens [N, C]}, and the gates that produced them (empty for FC fusion).
 */
public abstract class FusionNet extends AbstractBlock {
    private static final byte VERSION = 1;

    protected final int components;
    protected final int classes;
    protected final int width;
    private final Block head;
    private FusionOptions options = FusionOptions.PAPER;

    protected FusionNet(int components, int classes, int width) {
        super(VERSION);
        this.components = components;
        this.classes = classes;
        this.width = width;
        this.head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    /** Builds the fusion of a kind as published; {@code layers} applies to the gated fusions. */
    public static FusionNet create(FusionKind kind, int components, int classes, int width, int layers) {
        return create(kind, components, classes, width, layers, FusionOptions.PAPER);
    }

    /** Builds the fusion of a kind with {@code options}, before it is initialised. */
    public static FusionNet create(FusionKind kind, int components, int classes, int width, int layers, FusionOptions options) {
        FusionNet net = kind.newNet(components, classes, width, layers);
        net.options = options;
        return net;
    }

    public FusionOptions options() {
        return options;
    }

    /** The fused feature and the gates, per layer (each {@code [N or 1, …, D]}). */
    protected abstract NDList fuse(ParameterStore store, NDArray features, NDArray probabilities, boolean training);

    /** The gates of the last forward pass are returned after the feature and logits. */
    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = inputs.get(0);
        NDArray probabilities = inputs.get(1);
        if (options.normalizeFeatures()) {
            features = Scalars.times(features.div(features.norm(new int[] {2}, true).add(1e-6f)), Math.sqrt(width));
        }
        NDList fused = fuse(store, features, probabilities, training);
        NDArray f = fused.get(0);
        NDArray z = head.forward(store, new NDList(f), training).head();
        if (options.startFromAverage()) {
            z = z.add(probabilities.mean(new int[] {1}).add(1e-8f).log());
        }
        NDList out = new NDList(f, z);
        out.addAll(fused.subNDList(1));
        return out;
    }

    /** (f_ens, z_ens, gates…) for stacked features and probabilities. */
    public NDList apply(ParameterStore store, NDArray features, NDArray probabilities, boolean training) {
        return forward(store, new NDList(features, probabilities), training);
    }

    public int components() {
        return components;
    }

    public int width() {
        return width;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, width), new Shape(n, classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        initializeFusion(manager, dataType, inputShapes[0].get(0));
        head.initialize(manager, dataType, new Shape(1, width));
        if (options.startFromAverage()) {
            // A zero head adds nothing: the untrained teacher predicts exactly what the averaging ensemble does.
            head.getParameters().values().forEach(p -> p.getArray().muli(0));
        }
    }

    protected abstract void initializeFusion(NDManager manager, DataType dataType, long batch);

    /** Initialises the fusion for K components and C classes. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(2, components, width), new Shape(2, components, classes));
    }

    /** The names of the gates returned after (f_ens, z_ens), in order. */
    public abstract List<String> gateNames();
}
