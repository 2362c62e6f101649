package dev.imed.ensemble.component;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * backbone → bottleneck (Linear → {@code width}, BatchNorm, ReLU) → head (Linear → classes).
 * The forward pass returns {@code (feature [N, width], logits [N, C])}: UDA losses need both.
 */
public final class ComponentNet extends AbstractBlock {
    public static final int BOTTLENECK = 256;
    private static final byte VERSION = 1;

    private final Block backbone;
    private final Block bottleneck;
    private final Block head;
    private final int width;
    private final int classes;

    public ComponentNet(Block backbone, int width, int classes) {
        super(VERSION);
        this.width = width;
        this.classes = classes;
        this.backbone = addChildBlock("backbone", backbone);
        this.bottleneck = addChildBlock("bottleneck", new SequentialBlock()
                .add(Linear.builder().setUnits(width).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu));
        this.head = addChildBlock("head", Linear.builder().setUnits(classes).build());
    }

    public Block backbone() {
        return backbone;
    }

    public int width() {
        return width;
    }

    public int classes() {
        return classes;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray features = backbone.forward(store, inputs, training).head();
        NDArray f = bottleneck.forward(store, new NDList(features), training).head();
        NDArray z = head.forward(store, new NDList(f), training).head();
        return new NDList(f, z);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, width), new Shape(n, classes)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
        Shape features = backbone.getOutputShapes(inputShapes)[0];
        bottleneck.initialize(manager, dataType, features);
        head.initialize(manager, dataType, new Shape(features.get(0), width));
    }

    /**
     * Builds the network a bundle describes, ready for its weights: {@code backbone} is a backbone
     * name, or plain {@code torchscript} for a module that will come from the bundle's weights.
     */
    public static ComponentNet forBundle(String backbone, int width, int classes, dev.imed.core.transform.InputSpec spec,
                                         NDManager manager) {
        boolean fromWeights = backbone.equals("torchscript");
        ComponentNet net = new ComponentNet(fromWeights
                ? dev.imed.ensemble.backbone.TorchScriptBackbone.forLoading(manager)
                : dev.imed.ensemble.backbone.Backbones.create(backbone, manager), width, classes);
        if (!fromWeights) {
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.height(), spec.width()));
        }
        return net;
    }
}
