package dev.imed.ensemble.method.alignment;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dev.imed.core.tensor.Scalars;

/**
 * CDAN's multilinear map T(f, p) of a feature {@code f [N, D]} and a prediction {@code p [N, C]}:
 * the full outer product {@code p ⊗ f} ({@code D·C} values) when {@code D·C ≤ 4096}, otherwise the
 * randomized map {@code (R_f f ⊙ R_g p) / √1024} with fixed Gaussian matrices, kept as untrained
 * parameters so they are saved (and restored) with the model.
 */
public final class MultilinearMap extends AbstractBlock {
    public static final int MAX_FULL = 4096;
    public static final int RANDOM_DIM = 1024;
    private static final byte VERSION = 1;

    private final boolean randomized;
    private final Parameter featureProjection;
    private final Parameter predictionProjection;
    private final long featureDim;
    private final int classes;
    private final int randomDim;

    public MultilinearMap(long featureDim, int classes) {
        this(featureDim, classes, usesRandomized(featureDim, classes), RANDOM_DIM);
    }

    /**
     * A map of a chosen kind and random width, for tests that need the randomized map on a tiny feature
     * ({@code randomDim} then replaces 1024, also in the 1/√d scale); everything else uses the two-argument form.
     */
    public MultilinearMap(long featureDim, int classes, boolean randomized, int randomDim) {
        super(VERSION);
        this.featureDim = featureDim;
        this.classes = classes;
        this.randomized = randomized;
        this.randomDim = randomDim;
        if (randomized) {
            featureProjection = addParameter(Parameter.builder().setName("randomFeature").setType(Parameter.Type.WEIGHT)
                    .optRequiresGrad(false).optInitializer(new NormalInitializer(1f))
                    .optShape(new Shape(featureDim, randomDim)).build());
            predictionProjection = addParameter(Parameter.builder().setName("randomPrediction").setType(Parameter.Type.WEIGHT)
                    .optRequiresGrad(false).optInitializer(new NormalInitializer(1f))
                    .optShape(new Shape(classes, randomDim)).build());
        } else {
            featureProjection = null;
            predictionProjection = null;
        }
    }

    /** Whether the randomized map is used: exactly when {@code featureDim · classes > 4096}. */
    public static boolean usesRandomized(long featureDim, int classes) {
        return featureDim * classes > MAX_FULL;
    }

    public boolean randomized() {
        return randomized;
    }

    public long outputDim() {
        return randomized ? randomDim : featureDim * classes;
    }

    /** T(f, p) for a batch. */
    public NDArray apply(ParameterStore store, NDArray f, NDArray p) {
        return forward(store, new NDList(f, p), false).head();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray f = inputs.get(0);
        NDArray p = inputs.get(1);
        if (!randomized) {
            long n = f.getShape().get(0);
            NDArray outer = p.expandDims(2).mul(f.expandDims(1));
            return new NDList(outer.reshape(n, featureDim * classes));
        }
        NDArray rf = store.getValue(featureProjection, f.getDevice(), training);
        NDArray rg = store.getValue(predictionProjection, f.getDevice(), training);
        NDArray out = Scalars.dividedBy(f.matMul(rf).mul(p.matMul(rg)), Math.sqrt(randomDim));
        return new NDList(out);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), outputDim())};
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        // Parameter shapes are fixed at construction.
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {}
}
