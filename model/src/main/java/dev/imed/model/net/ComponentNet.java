package dev.imed.model.net;

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
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Manifest;
import dev.imed.core.transform.InputSpec;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.backbone.TorchScriptBackbone;
import dev.imed.model.backbone.LeanForward;

/**
 * backbone → bottleneck (Linear → {@code width}, BatchNorm, ReLU) → head (Linear → classes).
 * The forward pass returns {@code (feature [N, width], logits [N, C])}: UDA losses need both.
 */
public final class ComponentNet extends AbstractBlock {
    public static final int BOTTLENECK = 256;
    /** The manifest's architecture key that says whether a TorchScript backbone pools its feature map. */
    public static final String POOL = "pool";
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
        // The backbone's activations are freed layer by layer; in training autograd keeps what backward needs.
        NDArray features = LeanForward.forward(backbone, store, inputs, training).head();
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
    public static ComponentNet forBundle(String backbone, int width, int classes, InputSpec spec, NDManager manager) {
        return forBundle(backbone, true, width, classes, spec, manager);
    }

    /** The network a bundle's manifest describes (backbone, whether it pools, widths, classes, input), ready for its weights. */
    public static ComponentNet forBundle(Manifest manifest, NDManager manager) {
        return forBundle(manifest.architectureString("backbone"), pools(manifest), manifest.architectureInt("bottleneck"),
                manifest.classNames().size(), manifest.input(), manager);
    }

    /**
     * Whether the bundle's TorchScript backbone average-pools a feature map: {@code architecture.pool},
     * true where it is absent (every bundle written before it could be switched off).
     */
    public static boolean pools(Manifest manifest) {
        Object pool = manifest.architecture().get(POOL);
        if (pool != null && !(pool instanceof Boolean)) {
            throw new BundleException("manifest: architecture." + POOL + " must be true or false, got " + pool);
        }
        return pool == null || (Boolean) pool;
    }

    private static ComponentNet forBundle(String backbone, boolean pool, int width, int classes, InputSpec spec, NDManager manager) {
        boolean fromWeights = backbone.equals("torchscript");
        ComponentNet net = new ComponentNet(fromWeights
                ? TorchScriptBackbone.forLoading(manager, pool)
                : Backbones.create(backbone, manager), width, classes);
        if (!fromWeights) {
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, spec.height(), spec.width()));
        }
        return net;
    }
}
