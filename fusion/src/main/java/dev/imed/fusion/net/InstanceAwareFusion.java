package dev.imed.fusion.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import dev.imed.ensemble.method.alignment.MultilinearMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The IMED fusion (and, with {@code generated = false}, its non-instance-aware ablation).
 *
 * <p>With L layers: L−1 mixing layers {@code r_j = ReLU(Σ_i a[j,i] ⊙ x_i)} map K features to K
 * features, then {@code f_ens = Σ_j b[j] ⊙ r_j}. With generated gates, {@code a} and {@code b} come
 * per instance from gate generators reading {@code u = concat_i T(f_i, p_i)}, the multilinear maps of
 * each component's feature and prediction; otherwise they are global learnable parameters (through a
 * sigmoid, starting at 0.5). Everything is vectorised over the batch.
 */
public final class InstanceAwareFusion extends FusionNet {
    private final int layers;
    private final boolean generated;
    private final MultilinearMap map;
    private final List<Block> generators = new ArrayList<>();
    private final List<Parameter> globalGates = new ArrayList<>();

    public InstanceAwareFusion(int components, int classes, int width, int layers, boolean generated) {
        this(components, classes, width, layers, generated, GateGenerator.HIDDEN);
    }

    /** With gate generators of {@code gateHidden} units per layer, for tests that need a tiny fusion. */
    InstanceAwareFusion(int components, int classes, int width, int layers, boolean generated, int gateHidden) {
        this(components, classes, width, layers, generated, gateHidden, generated ? new MultilinearMap(width, classes) : null);
    }

    /** With a given multilinear map (e.g. a tiny randomized one) as well, for tests. */
    InstanceAwareFusion(int components, int classes, int width, int layers, boolean generated, int gateHidden,
                        MultilinearMap map) {
        super(components, classes, width);
        if (layers < 1 || layers > 3) {
            throw new IllegalArgumentException("fusion layers must be 1, 2 or 3, got " + layers);
        }
        this.layers = layers;
        this.generated = generated;
        this.map = generated ? addChildBlock("map", map) : null;
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            long size = last ? (long) components * width : (long) components * components * width;
            if (generated) {
                generators.add(addChildBlock("gate" + l, GateGenerator.create(gateHidden, size)));
            } else {
                globalGates.add(addParameter(Parameter.builder().setName("gate" + l).setType(Parameter.Type.WEIGHT)
                        .optInitializer(new ConstantInitializer(0f)).optShape(new Shape(size)).build()));
            }
        }
    }

    public boolean generated() {
        return generated;
    }

    public int layers() {
        return layers;
    }

    public MultilinearMap map() {
        return map;
    }

    /** {@code u = concat_i T(f_i, p_i)}, {@code [N, K·D_h]}. */
    NDArray mapInputs(ParameterStore store, NDArray features, NDArray probabilities) {
        long n = features.getShape().get(0);
        NDArray flatF = features.reshape(n * components, width);
        NDArray flatP = probabilities.reshape(n * components, classes);
        return map.apply(store, flatF, flatP).reshape(n, -1);
    }

    @Override
    protected NDList fuse(ParameterStore store, NDArray features, NDArray probabilities, boolean training) {
        long n = features.getShape().get(0);
        NDArray u = generated ? mapInputs(store, features, probabilities) : null;
        NDList gates = new NDList();
        NDArray x = features;
        for (int l = 0; l < layers; l++) {
            boolean last = l == layers - 1;
            NDArray g;
            if (generated) {
                g = generators.get(l).forward(store, new NDList(u), training).head();
            } else {
                g = ai.djl.nn.Activation.sigmoid(store.getValue(globalGates.get(l), features.getDevice(), training)).expandDims(0);
            }
            if (last) {
                NDArray b = g.reshape(g.getShape().get(0), components, width);
                gates.add(b);
                x = b.mul(x).sum(new int[] {1});
            } else {
                NDArray a = g.reshape(g.getShape().get(0), components, components, width);
                gates.add(a);
                // r_j = ReLU(Σ_i a[j,i] ⊙ x_i): broadcast x over j, sum over i.
                x = ai.djl.nn.Activation.relu(a.mul(x.expandDims(1)).sum(new int[] {2}));
            }
        }
        NDList out = new NDList(x);
        out.addAll(gates);
        return out;
    }

    @Override
    protected void initializeFusion(NDManager manager, DataType dataType, long batch) {
        if (!generated) {
            return;
        }
        map.initialize(manager, dataType, new Shape(1, width), new Shape(1, classes));
        long in = components * map.outputDim();
        for (Block g : generators) {
            g.initialize(manager, dataType, new Shape(2, in));
        }
    }

    @Override
    public List<String> gateNames() {
        List<String> names = new ArrayList<>();
        for (int l = 0; l < layers - 1; l++) {
            names.add("a" + (l + 1));
        }
        names.add("b");
        return names;
    }
}
