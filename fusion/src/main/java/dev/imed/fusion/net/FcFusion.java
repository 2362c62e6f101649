package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import java.util.List;

/** The FC-fusion ablation: concat features → Linear(K·D,1024)-BN-ReLU-Linear(1024,D)-ReLU. */
public final class FcFusion extends FusionNet {
    private final SequentialBlock mlp;

    public FcFusion(int components, int classes, int width) {
        super(components, classes, width);
        this.mlp = addChildBlock("mlp", new SequentialBlock()
                .add(Linear.builder().setUnits(1024).build())
                .add(BatchNorm.builder().build())
                .add(Activation::relu)
                .add(Linear.builder().setUnits(width).build())
                .add(Activation::relu));
    }

    @Override
    protected NDList fuse(ParameterStore store, NDArray features, NDArray probabilities, boolean training) {
        long n = features.getShape().get(0);
        return new NDList(mlp.forward(store, new NDList(features.reshape(n, (long) components * width)), training).head());
    }

    @Override
    protected void initializeFusion(NDManager manager, DataType dataType, long batch) {
        mlp.initialize(manager, dataType, new Shape(2, (long) components * width));
    }

    @Override
    public List<String> gateNames() {
        return List.of();
    }
}
