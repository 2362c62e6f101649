package dev.imed.model.backbone;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import com.google.auto.service.AutoService;
import dev.imed.core.transform.InputSpec;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A backbone read from a TorchScript file, with its parameters trainable. Outputs of rank 4 (a
 * feature map) are globally average-pooled by default, so a network exported with or without its
 * pooling works; without pooling ({@link Preprocessing#pool()} false) they are flattened, for networks
 * whose spatial layout carries the information. The module itself travels inside the bundle's weights,
 * so a bundle does not need the original file; whether it pools is in the manifest's architecture.
 */
public final class TorchScriptBackbone extends AbstractBlock {
    private static final byte VERSION = 1;

    private final PtNDManager manager;
    private final boolean pool;
    private PtSymbolBlock module;
    private long featureDim = -1;
    /** The input shape {@link #featureDim} was probed with: without pooling the width depends on it. */
    private Shape probedInput;

    private TorchScriptBackbone(PtNDManager manager, PtSymbolBlock module, boolean pool) {
        super(VERSION);
        this.manager = manager;
        this.module = module;
        this.pool = pool;
    }

    /** Loads a TorchScript file for fine-tuning; a feature-map output is average-pooled. */
    public static TorchScriptBackbone load(Path file, NDManager manager) {
        return load(file, manager, true);
    }

    /** Loads a TorchScript file for fine-tuning; a feature-map output is average-pooled if {@code pool}, else flattened. */
    public static TorchScriptBackbone load(Path file, NDManager manager, boolean pool) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such TorchScript file");
        }
        PtNDManager pt = requirePyTorch(manager);
        try {
            PtSymbolBlock block = JniUtils.loadModule(pt, file, true, new String[0], new String[0], true);
            return new TorchScriptBackbone(pt, block, pool);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(file + ": not a TorchScript module DJL can load: " + e.getMessage(), e);
        }
    }

    /**
     * {@code torchscript:FILE}: a user's exported network, pretrained, on ImageNet-normalised inputs
     * unless the user gives its own {@link Preprocessing}.
     */
    @AutoService(BackboneFactory.class)
    public static final class Plugin implements BackboneFactory {
        @Override
        public String name() {
            return "torchscript";
        }

        @Override
        public boolean takesArgument() {
            return true;
        }

        @Override
        public String usage() {
            return "torchscript:FILE";
        }

        @Override
        public ai.djl.nn.Block create(String file, NDManager manager) {
            return load(Path.of(file), manager);
        }

        @Override
        public ai.djl.nn.Block create(String file, Preprocessing preprocessing, NDManager manager) {
            return load(Path.of(file), manager, preprocessing.pool());
        }

        @Override
        public InputSpec inputSpec() {
            return Preprocessing.imagenet().inputSpec();
        }

        @Override
        public boolean takesPreprocessing() {
            return true;
        }

        @Override
        public boolean pretrained() {
            return true;
        }
    }

    /** An empty backbone whose module will come from a bundle's weights; it pools a feature map if {@code pool}. */
    public static TorchScriptBackbone forLoading(NDManager manager, boolean pool) {
        return new TorchScriptBackbone(requirePyTorch(manager), null, pool);
    }

    /** Whether a feature-map output is average-pooled (else flattened). */
    public boolean pools() {
        return pool;
    }

    private static PtNDManager requirePyTorch(NDManager manager) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalStateException("TorchScript backbones need DJL's PyTorch engine");
        }
        return pt;
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray out = module.forward(store, inputs, training, params).head();
        if (out.getShape().dimension() == 4 && pool) {
            // DJL's PyTorch engine averages over one axis at a time only.
            out = out.reshape(out.getShape().get(0), out.getShape().get(1), -1).mean(new int[] {2});
        } else if (out.getShape().dimension() != 2) {
            out = out.reshape(out.getShape().get(0), -1);
        }
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape image = inputShapes[0].slice(1);
        if (featureDim < 0 || !pool && !image.equals(probedInput)) {
            try (NDManager probe = manager.newSubManager()) {
                NDArray x = probe.zeros(new Shape(2, image.get(0), image.get(1), image.get(2)));
                featureDim = forwardInternal(new ParameterStore(probe, false), new NDList(x), false, null).head().getShape().get(1);
                probedInput = image;
            }
        }
        return new Shape[] {new Shape(inputShapes[0].get(0), featureDim)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // The module comes initialised from its file.
    }

    @Override
    public void initialize(NDManager manager, DataType dataType, Shape... inputShapes) {
        getOutputShapes(inputShapes);
    }

    @Override
    public boolean isInitialized() {
        return module != null;
    }

    @Override
    public ai.djl.nn.ParameterList getDirectParameters() {
        return module == null ? new ai.djl.nn.ParameterList() : module.getDirectParameters();
    }

    @Override
    public void saveParameters(DataOutputStream os) throws IOException {
        os.writeByte(VERSION);
        module.saveParameters(os);
    }

    @Override
    public void loadParameters(NDManager ignored, DataInputStream is) throws IOException, MalformedModelException {
        byte version = is.readByte();
        if (version != VERSION) {
            throw new MalformedModelException("TorchScript backbone: unsupported version " + version);
        }
        PtSymbolBlock loaded = new PtSymbolBlock(manager);
        loaded.loadParameters(manager, is);
        for (Parameter parameter : loaded.getDirectParameters().values()) {
            parameter.getArray().setRequiresGradient(true);
        }
        module = loaded;
        featureDim = -1;
        probedInput = null;
    }
}
