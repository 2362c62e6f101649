package dev.imed.fusion.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class InstanceAwareFusionTest {

    private static Block child(Block parent, String suffix) {
        return parent.getChildren().stream().filter(p -> p.getKey().endsWith(suffix)).findFirst().orElseThrow().getValue();
    }

    /** Sets the generator's last Linear to weight 0 and bias logit(gates), so its output is exactly {@code gates}. */
    private static void fixGates(Block generator, float[] gates) {
        Block last = ((SequentialBlock) generator).getChildren().get(6).getValue();
        for (Parameter p : last.getParameters().values()) {
            if (p.getName().equals("weight")) {
                p.getArray().muli(0);
            } else {
                float[] logits = new float[gates.length];
                for (int i = 0; i < gates.length; i++) {
                    logits[i] = (float) Math.log(gates[i] / (1 - gates[i]));
                }
                p.getArray().set(logits);
            }
        }
    }

    @Test
    void twoComponentsTwoClassesMatchTheHandComputedFusion() {
        try (NDManager manager = NDManager.newBaseManager()) {
            InstanceAwareFusion fusion = new InstanceAwareFusion(2, 2, 2, 2, true);
            fusion.initialize(manager);
            // a[j][i][channel], b[j][channel]
            fixGates(child(fusion, "gate0"), new float[] {0.5f, 0.25f, 0.75f, 0.5f, 0.2f, 0.8f, 0.5f, 0.5f});
            fixGates(child(fusion, "gate1"), new float[] {0.5f, 0.2f, 0.25f, 0.75f});
            Block head = child(fusion, "head");
            for (Parameter p : head.getParameters().values()) {
                p.getArray().set(p.getName().equals("weight") ? new float[] {1, -1, 2, 0.5f} : new float[] {0.1f, -0.2f});
            }
            NDArray features = manager.create(new float[] {1, 2, 3, -1}, new Shape(1, 2, 2));
            NDArray probabilities = manager.create(new float[] {0.9f, 0.1f, 0.3f, 0.7f}, new Shape(1, 2, 2));
            NDList out = fusion.apply(new ParameterStore(manager, false), features, probabilities, false);
            // r0 = ReLU(a00·f1 + a01·f2) = [2.75, 0]; r1 = [1.7, 1.1]; f_ens = b0·r0 + b1·r1 = [1.8, 0.825]
            assertThat(out.get(0).toFloatArray()).containsExactly(new float[] {1.8f, 0.825f}, within(1e-5f));
            // z = W f_ens + c
            assertThat(out.get(1).toFloatArray()).containsExactly(new float[] {1.075f, 3.8125f}, within(1e-5f));
            assertThat(fusion.gateNames()).containsExactly("a1", "b");
        }
    }

    @Test
    void randomizedMapIsUsedExactlyWhenTheOuterProductExceeds4096() {
        try (NDManager manager = NDManager.newBaseManager()) {
            InstanceAwareFusion sixteen = new InstanceAwareFusion(3, 16, 256, 2, true);
            InstanceAwareFusion seventeen = new InstanceAwareFusion(3, 17, 256, 2, true);
            assertThat(sixteen.map().randomized()).isFalse();
            assertThat(seventeen.map().randomized()).isTrue();
            seventeen.initialize(manager);
            NDArray f = manager.randomUniform(0, 1, new Shape(4, 3, 256));
            NDArray p = manager.randomUniform(0, 1, new Shape(4, 3, 17)).softmax(2);
            NDArray u = seventeen.mapInputs(new ParameterStore(manager, false), f, p);
            assertThat(u.getShape()).isEqualTo(new Shape(4, 3 * 1024));
            NDList out = seventeen.apply(new ParameterStore(manager, false), f, p, false);
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(4, 256));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(4, 17));
        }
    }

    @Test
    void everyAblationProducesFusedFeaturesAndLogitsForAnyK() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int k : List.of(2, 4)) {
                for (FusionNet net : List.of(FusionNet.create(FusionKind.IMED, k, 5, 16, 1),
                        FusionNet.create(FusionKind.IMED, k, 5, 16, 3), FusionNet.create(FusionKind.GLOBAL, k, 5, 16, 2),
                        FusionNet.create(FusionKind.FC, k, 5, 16, 2))) {
                    net.initialize(manager);
                    NDArray f = manager.randomUniform(0, 1, new Shape(6, k, 16));
                    NDArray p = manager.randomUniform(0, 1, new Shape(6, k, 5)).softmax(2);
                    NDList out = net.apply(new ParameterStore(manager, false), f, p, false);
                    assertThat(out.get(0).getShape()).isEqualTo(new Shape(6, 16));
                    assertThat(out.get(1).getShape()).isEqualTo(new Shape(6, 5));
                    assertThat(out.size() - 2).isEqualTo(net.gateNames().size());
                }
            }
        }
    }

    @Test
    void startingFromTheAverageMeansTheUntrainedTeacherPredictsTheAveragingEnsemble() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FusionNet net = FusionNet.create(FusionKind.IMED, 3, 5, 16, 2, FusionOptions.PAPER.withStartFromAverage(true));
            net.initialize(manager);
            NDArray f = manager.randomUniform(0, 1, new Shape(6, 3, 16));
            NDArray p = manager.randomUniform(0, 1, new Shape(6, 3, 5)).softmax(2);
            NDArray z = net.apply(new ParameterStore(manager, false), f, p, false).get(1);
            NDArray average = p.mean(new int[] {1}).add(1e-8f).log();
            assertThat(z.sub(average).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }

    @Test
    void normalisedFeaturesIgnoreHowLargeOneComponentsFeaturesAre() {
        try (NDManager manager = NDManager.newBaseManager()) {
            FusionNet normalised = FusionNet.create(FusionKind.GLOBAL, 2, 3, 8, 2, FusionOptions.PAPER.withNormalizeFeatures(true));
            FusionNet raw = FusionNet.create(FusionKind.GLOBAL, 2, 3, 8, 2);
            normalised.initialize(manager);
            raw.initialize(manager);
            NDArray f = manager.randomUniform(0, 1, new Shape(4, 2, 8));
            NDArray scaled = f.mul(manager.create(new float[] {100f, 1f}, new Shape(1, 2, 1)));
            NDArray p = manager.randomUniform(0, 1, new Shape(4, 2, 3)).softmax(2);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray before = normalised.apply(store, f, p, false).get(0);
            NDArray after = normalised.apply(store, scaled, p, false).get(0);
            assertThat(after.sub(before).abs().max().getFloat()).isLessThan(1e-4f);
            // Without normalisation the large component takes over the fused feature.
            NDArray rawAfter = raw.apply(store, scaled, p, false).get(0);
            assertThat(rawAfter.sub(raw.apply(store, f, p, false).get(0)).abs().max().getFloat()).isGreaterThan(1f);
        }
    }
}
