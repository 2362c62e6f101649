package dev.imed.experiments.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.imed.core.device.Devices;
import dev.imed.fusion.net.FusionKind;
import dev.imed.fusion.net.FusionNet;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.net.ComponentNet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Teacher inference throughput at batch 256 against the K components alone, in the same run: the
 * difference is the fusion's cost. Weights are random; the cost of a forward pass does not depend on them.
 */
public final class TeacherBenchmark {
    /** Images per second of the components alone and of the whole teacher. */
    public record Result(int components, int batch, double componentsImagesPerSecond, double teacherImagesPerSecond) {
        public double fusionShare() {
            return 1 - teacherImagesPerSecond / componentsImagesPerSecond;
        }

        public String describe() {
            return String.format(Locale.ROOT,
                    "K=%d, batch %d: components alone %.0f img/s, IMED teacher %.0f img/s (%.2f× the components' time); "
                            + "the fusion takes %.1f%% of the teacher's time",
                    components, batch, componentsImagesPerSecond, teacherImagesPerSecond,
                    componentsImagesPerSecond / teacherImagesPerSecond, 100 * fusionShare());
        }
    }

    private TeacherBenchmark() {}

    public static Result run(int k, int batch, int rounds) {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            List<ComponentNet> components = new ArrayList<>();
            for (int i = 0; i < k; i++) {
                ComponentNet net = new ComponentNet(Backbones.lenet(), ComponentNet.BOTTLENECK, 10);
                net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 28, 28));
                components.add(net);
            }
            FusionNet fusion = FusionNet.create(FusionKind.IMED, k, 10, ComponentNet.BOTTLENECK, 2);
            fusion.initialize(manager);
            ParameterStore store = new ParameterStore(manager, false);
            NDArray images = manager.randomNormal(new Shape(batch, 3, 28, 28));
            // Alternate the two measurements so that drifting machine load hits both alike.
            double componentsSeconds = 0;
            double teacherSeconds = 0;
            for (int round = -1; round < rounds; round++) {
                long t0 = System.nanoTime();
                forward(manager, store, components, null, images);
                long t1 = System.nanoTime();
                forward(manager, store, components, fusion, images);
                long t2 = System.nanoTime();
                if (round >= 0) {
                    componentsSeconds += (t1 - t0) / 1e9;
                    teacherSeconds += (t2 - t1) / 1e9;
                }
            }
            return new Result(k, batch, rounds * batch / componentsSeconds, rounds * batch / teacherSeconds);
        }
    }

    private static void forward(NDManager manager, ParameterStore store, List<ComponentNet> components, FusionNet fusion,
                                NDArray images) {
        try (NDManager step = manager.newSubManager()) {
            images.tempAttach(step);
            NDList features = new NDList();
            NDList logits = new NDList();
            for (ComponentNet c : components) {
                NDList out = c.forward(store, new NDList(images), false);
                features.add(out.get(0));
                logits.add(out.get(1));
            }
            NDArray z = NDArrays.stack(logits, 1);
            if (fusion != null) {
                z = fusion.apply(store, NDArrays.stack(features, 1), z.softmax(2), false).get(1);
            }
            z.toFloatArray();
        }
    }

}
