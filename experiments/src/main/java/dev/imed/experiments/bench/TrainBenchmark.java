package dev.imed.experiments.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.imed.core.device.Devices;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.Step;
import dev.imed.ensemble.method.alignment.Dann;
import dev.imed.ensemble.train.LearningRate;
import dev.imed.ensemble.train.NesterovSgd;
import dev.imed.ensemble.train.TrainingLoop;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.net.ComponentNet;
import java.util.ArrayList;
import java.util.List;

/**
 * Iterations per second of one DANN training step of the digits component (LeNet, batch 32 + 32)
 * on fixed in-memory batches, so that only the framework and the model are timed.
 */
public final class TrainBenchmark {
    private TrainBenchmark() {}

    /** Runs {@code warmup} then {@code iterations} steps and returns the measured iterations per second. */
    public static double dannDigitsIterationsPerSecond(int warmup, int iterations) {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            ComponentNet net = new ComponentNet(Backbones.lenet(), ComponentNet.BOTTLENECK, 10);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 28, 28));
            Dann dann = new Dann();
            dann.initialize(manager, 256, 10);
            List<Parameter> parameters = new ArrayList<>(net.getParameters().values());
            for (Block b : dann.blocks()) {
                parameters.addAll(b.getParameters().values());
            }
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, 5e-4f, List.of(new NesterovSgd.Group(parameters, 1f)));
            NDArray images = manager.randomNormal(new Shape(64, 3, 28, 28));
            NDArray labels = manager.randomInteger(0, 10, new Shape(32), DataType.INT64);
            ParameterStore store = new ParameterStore(manager, false);
            TrainingLoop.StepLoss stepLoss = (step, it, progress) -> {
                // Lent to the step, so that the activations (which take the images' manager) are freed with it.
                images.tempAttach(step);
                NDList out = net.forward(store, new NDList(images), true);
                NDArray f = out.get(0);
                NDArray z = out.get(1);
                Step view = new Step(f.get("0:32"), z.get("0:32"), labels, f.get("32:"), z.get("32:"), progress, store);
                return Losses.crossEntropy(view.sourceLogits(), labels).add(dann.loss(view));
            };
            LearningRate rate = new LearningRate(0.01f, 0.001f, 0.75f);
            TrainingLoop.run(manager, sgd, null, new TrainingLoop.Options("warm-up", warmup, 64, rate, 0), stepLoss);
            TrainingLoop.Result result = TrainingLoop.run(manager, sgd, null,
                    new TrainingLoop.Options("benchmark", iterations, 64, rate, 0), stepLoss);
            return iterations / result.seconds();
        }
    }

}
