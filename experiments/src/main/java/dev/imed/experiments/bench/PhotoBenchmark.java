package dev.imed.experiments.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.imed.core.data.Domain;
import dev.imed.core.device.Devices;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.memory.ResidentMemory;
import dev.imed.core.transform.InputSpec;
import dev.imed.ensemble.method.Losses;
import dev.imed.ensemble.method.Step;
import dev.imed.ensemble.method.alignment.Cdan;
import dev.imed.ensemble.train.LearningRate;
import dev.imed.ensemble.train.NesterovSgd;
import dev.imed.ensemble.train.TrainingLoop;
import dev.imed.model.backbone.Backbones;
import dev.imed.model.net.ComponentNet;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The photo-scale component (ResNet-50 → 256 bottleneck → C-way head) at 224 px on fixed in-memory batches, so
 * that only the framework and the model are timed: one CDAN training step (B source + B target, Nesterov SGD, the
 * backbone at 0.1× the rate, as for a pretrained backbone), or inference batches as evaluation runs them.
 * The twin of {@code bench/pytorch_resnet50_step.py}.
 */
public final class PhotoBenchmark {
    public static final int SIDE = 224;

    /** Seconds of each timed step, and this process's peak resident memory (MiB) since the run began. */
    public record Run(double[] stepSeconds, double peakRssMb) {
        public double medianSeconds() {
            return median(stepSeconds);
        }
    }

    private PhotoBenchmark() {}

    /**
     * One round in a fresh JVM, as the PyTorch baseline runs each round in a fresh Python: a long-lived JVM carries
     * its state (allocator, heap, compiled code) from round to round, so its rounds are not independent samples
     * (three rounds in one JVM sat together at 0.92–1.04×, the next JVM's three at 1.27–1.36×).
     */
    public static Run inFreshJvm(boolean infer, String backbone, int batch, int classes, int warmup, int iterations)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PhotoBenchmark.class.getName(),
                infer ? "infer" : "train", backbone, Integer.toString(batch), Integer.toString(classes),
                Integer.toString(warmup), Integer.toString(iterations)));
        StringBuilder other = new StringBuilder();
        ChildProcess.Output out = ChildProcess.run(command, "djl_", true, line -> other.append(line).append('\n'),
                Duration.ofSeconds(600 + 60L * (warmup + iterations)));
        double[] seconds = null;
        double rss = Double.NaN;
        for (String line : out.results()) {
            if (line.startsWith(SECONDS_LINE)) {
                seconds = Arrays.stream(line.substring(SECONDS_LINE.length()).trim().split("\\s+"))
                        .mapToDouble(Double::parseDouble).toArray();
            } else if (line.startsWith(RSS_LINE)) {
                rss = Double.parseDouble(line.substring(RSS_LINE.length()).trim());
            }
        }
        if (!out.succeeded() || seconds == null) {
            throw new IllegalStateException("the DJL round's JVM failed (exit " + out.exitCode() + "):\n" + other);
        }
        return new Run(seconds, rss);
    }

    private static final String SECONDS_LINE = "djl_step_seconds ";
    private static final String RSS_LINE = "djl_peak_rss_mb ";

    /** The child side of {@link #inFreshJvm}: {@code train|infer BACKBONE BATCH CLASSES WARMUP ITERATIONS}. */
    public static void main(String[] args) {
        int batch = Integer.parseInt(args[2]);
        int classes = Integer.parseInt(args[3]);
        int warmup = Integer.parseInt(args[4]);
        int iterations = Integer.parseInt(args[5]);
        Run run = args[0].equals("infer") ? inference(args[1], batch, classes, warmup, iterations)
                : cdanStep(args[1], batch, classes, warmup, iterations);
        System.out.println(SECONDS_LINE + String.join(" ", Arrays.stream(run.stepSeconds())
                .mapToObj(s -> String.format(Locale.ROOT, "%.4f", s)).toList()));
        System.out.println(RSS_LINE + String.format(Locale.ROOT, "%.1f", run.peakRssMb()));
    }

    /** The middle value (the upper of the two middle ones for an even count; NaN for none): a round's or a run's median. */
    public static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length / 2];
    }

    /** Where a step's {@code 2·batch} images come from; they must end up owned by {@code step}. */
    private interface Images {
        NDArray next(NDManager step, NDManager manager);
    }

    /** {@code warmup} untimed then {@code iterations} timed CDAN steps at batch {@code batch} + {@code batch}. */
    public static Run cdanStep(String backbone, int batch, int classes, int warmup, int iterations) {
        NDArray[] fixed = new NDArray[1];
        return cdanStep(backbone, batch, classes, warmup, iterations, (step, manager) -> {
            if (fixed[0] == null) {
                fixed[0] = manager.randomNormal(new Shape(2L * batch, 3, SIDE, SIDE));
            }
            // Lent to the step, so that the activations (which take the images' manager) are freed with it.
            fixed[0].tempAttach(step);
            return fixed[0];
        });
    }

    /**
     * As {@link #cdanStep(String, int, int, int, int)}, but every step draws its source and target batches from
     * {@code domain} through the training loaders (JPEG decoding, random-resized crop, flip), each decoding up to
     * {@code prefetch} batches ahead in the background (0: in line, inside the step): the data pipeline is timed too.
     */
    public static Run cdanStepFromData(String backbone, Domain domain, int batch, int prefetch, int warmup, int iterations) {
        InputSpec spec = InputSpec.imagenet();
        DomainLoader source = new DomainLoader(domain, spec, true, 0, prefetch);
        DomainLoader target = new DomainLoader(domain.withoutLabels(), spec, true, 1, prefetch);
        return cdanStep(backbone, batch, domain.numClasses(), warmup, iterations,
                (step, manager) -> source.next(step, batch).images().concat(target.next(step, batch).images()));
    }

    private static Run cdanStep(String backbone, int batch, int classes, int warmup, int iterations, Images batches) {
        Engine.getInstance().setRandomSeed(0);
        ResidentMemory.resetPeak();
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            ComponentNet net = new ComponentNet(Backbones.create(backbone, manager), ComponentNet.BOTTLENECK, classes);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, SIDE, SIDE));
            Cdan cdan = new Cdan();
            cdan.initialize(manager, net.width(), classes);
            List<Parameter> backboneParameters = List.copyOf(net.backbone().getParameters().values());
            List<Parameter> rest = new ArrayList<>();
            net.getParameters().values().stream().filter(p -> !backboneParameters.contains(p)).forEach(rest::add);
            cdan.blocks().forEach(b -> rest.addAll(b.getParameters().values()));
            NesterovSgd sgd = new NesterovSgd(manager, 0.9f, 5e-4f,
                    List.of(new NesterovSgd.Group(backboneParameters, 0.1f), new NesterovSgd.Group(rest, 1f)));
            NDArray labels = manager.randomInteger(0, classes, new Shape(batch), DataType.INT64);
            ParameterStore store = new ParameterStore(manager, false);
            String head = "0:" + batch;
            String tail = batch + ":";
            TrainingLoop.StepLoss stepLoss = (step, it, progress) -> {
                NDArray images = batches.next(step, manager);
                NDList out = net.forward(store, new NDList(images), true);
                NDArray f = out.get(0);
                NDArray z = out.get(1);
                Step view = new Step(f.get(head), z.get(head), labels, f.get(tail), z.get(tail), progress, store);
                return Losses.crossEntropy(view.sourceLogits(), labels).add(cdan.loss(view));
            };
            LearningRate rate = new LearningRate(0.01f, 0.001f, 0.75f);
            double[] seconds = new double[iterations];
            for (int i = -warmup; i < iterations; i++) {
                long began = System.nanoTime();
                TrainingLoop.run(manager, sgd, null, new TrainingLoop.Options("bench", 1, 2 * batch, rate, 0), stepLoss);
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - began) / 1e9;
                }
            }
            return new Run(seconds, ResidentMemory.peakMb());
        }
    }

    /** {@code warmup} untimed then {@code iterations} timed inference batches of {@code batch} images. */
    public static Run inference(String backbone, int batch, int classes, int warmup, int iterations) {
        Engine.getInstance().setRandomSeed(0);
        ResidentMemory.resetPeak();
        try (NDManager manager = NDManager.newBaseManager(Devices.preferred())) {
            ComponentNet net = new ComponentNet(Backbones.create(backbone, manager), ComponentNet.BOTTLENECK, classes);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, SIDE, SIDE));
            ParameterStore store = new ParameterStore(manager, false);
            NDArray images = manager.randomNormal(new Shape(batch, 3, SIDE, SIDE));
            double[] seconds = new double[iterations];
            for (int i = -warmup; i < iterations; i++) {
                long began = System.nanoTime();
                try (NDManager step = manager.newSubManager()) {
                    NDArray x = images.duplicate();
                    x.attach(step);
                    net.forward(store, new NDList(x), false).get(1).argMax(1).toLongArray();
                }
                if (i >= 0) {
                    seconds[i] = (System.nanoTime() - began) / 1e9;
                }
            }
            return new Run(seconds, ResidentMemory.peakMb());
        }
    }
}
