package dev.imed.cli;

import dev.imed.core.data.Domain;
import dev.imed.core.data.Domains;
import dev.imed.core.loader.DomainLoader;
import dev.imed.core.model.Evaluation;
import dev.imed.core.transform.InputSpec;
import dev.imed.experiments.bench.ChildProcess;
import dev.imed.experiments.bench.PhotoBenchmark;
import dev.imed.experiments.bench.TrainBenchmark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed bench …}: speed measured against a baseline in the same run. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print ratios against a baseline measured in the same run.",
        subcommands = {BenchCommand.Train.class, BenchCommand.Teacher.class, BenchCommand.Serve.class, BenchCommand.Stream.class})
final class BenchCommand {

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = {"Component training against PyTorch eager on this CPU, in alternating rounds, as ratios.",
                "  --model lenet:    digits (LeNet, DANN, batch 32 + 32), it/s.",
                "  --model resnet50: photo scale (ResNet-50 + bottleneck + CDAN discriminator, batch 8 + 8 at 224 px, "
                        + "Nesterov SGD, backbone at 0.1x), median time per step and peak resident memory;",
                "                    with --infer, inference at the evaluation batch instead."})
    static final class Train implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--model", defaultValue = "lenet", description = "lenet, resnet18 or resnet50 (default: ${DEFAULT-VALUE})")
        String model;
        @Option(names = "--infer", description = "time inference (evaluation batch) instead of training; resnet models only")
        boolean infer;
        @Option(names = "--iterations", description = "timed iterations per round (default: 200 for lenet, 3 for resnet)")
        Integer iterations;
        @Option(names = "--warmup", description = "untimed iterations first (default: 20 for lenet, 3 for resnet training, 1 for --infer)")
        Integer warmup;
        @Option(names = "--batch-size", description = "resnet: images per domain (training, default 8) or per batch "
                + "(--infer, default: the evaluation batch)")
        Integer batch;
        @Option(names = "--classes", defaultValue = "31", description = "resnet: classes of the head (default: ${DEFAULT-VALUE}, Office-31)")
        int classes;
        @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE})")
        String python;
        @Option(names = "--script", description = "the PyTorch baseline (default: bench/pytorch_train_step.py for lenet, "
                + "bench/pytorch_resnet50_step.py for resnet)")
        Path script;
        @Option(names = "--rounds", defaultValue = "3",
                description = "alternating DJL / PyTorch rounds; the median ratio is reported (default: ${DEFAULT-VALUE})")
        int rounds;
        @Option(names = "--data", paramLabel = "DOMAIN", description = "resnet training: draw the batches from this labelled "
                + "domain (e.g. office31:ROOT/amazon) through the data pipeline, and compare background decoding "
                + "(-Dimed.prefetch, default 2 batches ahead) with decoding inside the step, in alternating rounds")
        String data;

        @Override
        public Integer call() throws IOException, InterruptedException {
            boolean photo = model.startsWith("resnet");
            if (!photo && !model.equals("lenet")) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--model: lenet, resnet18 or resnet50, not " + model);
            }
            if (infer && !photo) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--infer needs --model resnet18 or resnet50");
            }
            if (script == null) {
                script = Path.of(photo ? "bench/pytorch_resnet50_step.py" : "bench/pytorch_train_step.py");
            }
            if (data != null && (!photo || infer)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--data needs --model resnet18 or resnet50, without --infer");
            }
            return data != null ? pipeline() : photo ? photo() : digits();
        }

        /** The training step with batches from real files: decoded ahead in the background against inside the step. */
        private int pipeline() {
            Domain domain = Domains.open(data);
            int warm = warmup == null ? 1 : warmup;
            int its = iterations == null ? 6 : iterations;
            int b = batch != null ? batch : 8;
            int ahead = Math.max(1, DomainLoader.PREFETCH);
            System.out.printf(Locale.ROOT, "%s + bottleneck + CDAN, batch %d + %d from %s (%d images, %d classes): %d alternating "
                    + "rounds of %d untimed + %d timed steps%n", model, b, b, data, domain.size(), domain.numClasses(), rounds, warm, its);
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                double inline = PhotoBenchmark.cdanStepFromData(model, domain, b, 0, warm, its).medianSeconds();
                double background = PhotoBenchmark.cdanStepFromData(model, domain, b, ahead, warm, its).medianSeconds();
                ratios[round] = background / inline;
                System.out.printf(Locale.ROOT, "round %d: decoding in the step %.2f s/step, %d batches ahead in the background %.2f s/step, "
                        + "ratio %.2f%n", round + 1, inline, ahead, background, ratios[round]);
            }
            System.out.printf(Locale.ROOT, "background / in-step time per step (median of %d rounds): %.2f%n", rounds, PhotoBenchmark.median(ratios));
            return 0;
        }

        private int digits() throws IOException, InterruptedException {
            int warm = warmup == null ? 20 : warmup;
            int its = iterations == null ? 200 : iterations;
            if (!Files.isRegularFile(script)) {
                double djl = TrainBenchmark.dannDigitsIterationsPerSecond(warm, its);
                System.out.printf(Locale.ROOT, "DJL     %.2f it/s  (%.1f ms/it)%n", djl, 1000 / djl);
                System.out.println("PyTorch baseline skipped: " + script + " not found (run from the repository root)");
                return 0;
            }
            // Alternating rounds, because a 2-core machine's speed drifts; the median ratio ignores one noisy round.
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                double djl = TrainBenchmark.dannDigitsIterationsPerSecond(warm, its);
                double torch = Double.NaN;
                for (String line : python(List.of("--warmup", Integer.toString(warm), "--iterations", Integer.toString(its)))) {
                    if (line.startsWith("pytorch_it_per_s ")) {
                        torch = Double.parseDouble(line.substring("pytorch_it_per_s ".length()).trim());
                    }
                }
                if (Double.isNaN(torch)) {
                    System.out.println("PyTorch baseline failed (is python3-torch installed? apt-get install python3-torch libopenblas0-openmp)");
                    return 1;
                }
                ratios[round] = torch / djl;
                System.out.printf(Locale.ROOT, "round %d: DJL %.2f it/s (%.1f ms/it), PyTorch %.2f it/s (%.1f ms/it), ratio %.2f%n",
                        round + 1, djl, 1000 / djl, torch, 1000 / torch, ratios[round]);
            }
            System.out.printf(Locale.ROOT, "DJL time per iteration / PyTorch's = %.2f (median of %d rounds; target <= 1.3)%n",
                    PhotoBenchmark.median(ratios), rounds);
            return 0;
        }

        private int photo() throws IOException, InterruptedException {
            // Training: three untimed steps, because a fresh JVM is still compiling the step's Java code in its first
            // two (3.2–3.5 s against 2.8–3.0 s after); a training run is thousands of steps. Both sides get the same.
            int warm = warmup != null ? warmup : infer ? 1 : 3;
            int its = iterations == null ? 3 : iterations;
            int b = batch != null ? batch : infer ? Evaluation.batchSize(InputSpec.imagenet()) : 8;
            String what = infer ? String.format(Locale.ROOT, "%s inference, batch %d at %d px", model, b, PhotoBenchmark.SIDE)
                    : String.format(Locale.ROOT, "%s + bottleneck + CDAN, batch %d + %d at %d px, %d classes", model, b, b,
                            PhotoBenchmark.SIDE, classes);
            System.out.println(what + ": " + rounds + " alternating rounds of " + warm + " untimed + " + its + " timed steps");
            boolean baseline = Files.isRegularFile(script);
            if (!baseline) {
                System.out.println("PyTorch baseline skipped: " + script + " not found (run from the repository root)");
            }
            if (baseline && !model.equals("resnet50")) {
                System.out.println("PyTorch baseline skipped: " + script + " builds resnet50 only");
                baseline = false;
            }
            double[] timeRatios = new double[rounds];
            double[] rssRatios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                // Each side's round in a fresh process, so that rounds are independent samples.
                PhotoBenchmark.Run djl = PhotoBenchmark.inFreshJvm(infer, model, b, classes, warm, its);
                String djlText = describe(djl.medianSeconds(), djl.peakRssMb(), b, infer);
                if (!baseline) {
                    System.out.printf(Locale.ROOT, "round %d: DJL %s%n", round + 1, djlText);
                    continue;
                }
                List<String> args = new ArrayList<>(List.of("--warmup", Integer.toString(warm), "--iterations", Integer.toString(its),
                        "--batch", Integer.toString(b), "--classes", Integer.toString(classes)));
                if (infer) {
                    args.add("--infer");
                }
                double[] torchSeconds = null;
                double torchRss = Double.NaN;
                for (String line : python(args)) {
                    if (line.startsWith("pytorch_step_seconds ")) {
                        torchSeconds = java.util.Arrays.stream(line.substring("pytorch_step_seconds ".length()).trim().split("\\s+"))
                                .mapToDouble(Double::parseDouble).toArray();
                    } else if (line.startsWith("pytorch_peak_rss_mb ")) {
                        torchRss = Double.parseDouble(line.substring("pytorch_peak_rss_mb ".length()).trim());
                    }
                }
                if (torchSeconds == null) {
                    System.out.println("PyTorch baseline failed (needs python3-torch and python3-torchvision)");
                    return 1;
                }
                double torch = PhotoBenchmark.median(torchSeconds);
                timeRatios[round] = djl.medianSeconds() / torch;
                rssRatios[round] = djl.peakRssMb() / torchRss;
                System.out.printf(Locale.ROOT, "round %d: DJL %s; PyTorch %s; time ratio %.2f, peak RSS ratio %.2f%n", round + 1,
                        djlText, describe(torch, torchRss, b, infer), timeRatios[round], rssRatios[round]);
            }
            if (baseline) {
                System.out.printf(Locale.ROOT, "DJL / PyTorch (median of %d rounds): time per %s %.2f, peak RSS %.2f%n",
                        rounds, infer ? "batch" : "step", PhotoBenchmark.median(timeRatios), PhotoBenchmark.median(rssRatios));
            }
            return 0;
        }

        private static String describe(double seconds, double rssMb, int batch, boolean infer) {
            return infer ? String.format(Locale.ROOT, "%.2f s/batch (%.1f img/s), peak RSS %.0f MiB", seconds, batch / seconds, rssMb)
                    : String.format(Locale.ROOT, "%.2f s/step, peak RSS %.0f MiB", seconds, rssMb);
        }

        /** Runs the baseline script with {@code args} (and the threads), echoing its other output; its lines. */
        private List<String> python(List<String> args) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of(python, script.toString()));
            command.addAll(args);
            command.addAll(List.of("--threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
            ChildProcess.Output out = ChildProcess.run(command, "pytorch_", true, line -> System.out.println("python: " + line),
                    Duration.ofHours(2));
            return out.succeeded() ? out.results() : List.of();
        }
    }

    @Command(name = "teacher", mixinStandardHelpOptions = true,
            description = "IMED teacher inference (K digits components + fusion) against the K components alone, batch 256.")
    static final class Teacher implements Callable<Integer> {
        @Option(names = "--components", defaultValue = "3", description = "K (default: ${DEFAULT-VALUE})")
        int components;
        @Option(names = "--batch-size", description = "batch size (default: ${DEFAULT-VALUE})")
        int batch = 256;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--batch", hidden = true)
        void batchAlias(int value) {
            batch = value;
        }
        @Option(names = "--rounds", defaultValue = "20", description = "timed batches per measurement (default: ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() {
            System.out.println(dev.imed.experiments.bench.TeacherBenchmark.run(components, batch, rounds).describe());
            return 0;
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true,
            description = "Inference API: latency at concurrency 1 against the raw forward, throughput at 16 with and without batching.")
    static final class Serve implements Callable<Integer> {
        @Option(names = "--requests", defaultValue = "6000", description = "requests per concurrency-16 measurement (default: ${DEFAULT-VALUE})")
        int requests;
        @Option(names = "--rounds", defaultValue = "5", description = "alternating batched / unbatched rounds (default: ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws Exception {
            int failedRequests = dev.imed.cli.bench.ServeBenchmark.run(
                    new String[] {Integer.toString(requests), Integer.toString(rounds)}, System.out);
            return failedRequests > 0 ? 1 : 0;
        }
    }

    @Command(name = "stream", mixinStandardHelpOptions = true,
            description = {"Streaming job images/s over the same mnist5k files, alternating rounds after warm-ups, medians; "
                    + "ends with the ratios, each against a baseline measured in the same run.",
                    "  embedded: the job on a MiniCluster in this process at parallelism 1 and 2, labelling only and with online "
                    + "distillation, against the same teacher in a plain batched loop. Ratio: online distillation p=1 / plain loop.",
                    "  cluster:  starts its own session cluster on loopback (a JobManager and 2 TaskManagers × 1 slot, separate "
                    + "JVMs; PyTorch threads per task from the cores), submits the labelling job at p=1 and p=2 over REST, rates "
                    + "from the labels written (their middle 80 %), stops the cluster. Ratio: p=2 / p=1.",
                    "  all:      both."})
    static final class Stream implements Callable<Integer> {
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;
        @Option(names = "--mode", defaultValue = "embedded", description = "embedded, cluster or all (default: ${DEFAULT-VALUE})")
        String mode;
        @Option(names = "--teacher", description = "teacher bundle (default: throwaway models trained first)")
        Path teacher;
        @Option(names = "--student", description = "student bundle for the distilling configurations")
        Path student;
        @Option(names = "--images", defaultValue = "20000", description = "images streamed, from mnist5k (past 5000 it cycles through it again under new file names; "
                + "default: ${DEFAULT-VALUE})")
        int images;
        @Option(names = "--batch-size", description = "teacher batch (default: ${DEFAULT-VALUE})")
        int batch = 32;
        /** The old name, hidden from help but still accepted. */
        @Option(names = "--batch", hidden = true)
        void batchAlias(int value) {
            batch = value;
        }
        @Option(names = "--rounds", defaultValue = "3", description = "alternating measured rounds (default: ${DEFAULT-VALUE})")
        int rounds;
        @Option(names = "--work", defaultValue = "target/stream-bench", description = "scratch directory (default: ${DEFAULT-VALUE})")
        Path work;

        @Override
        public Integer call() throws Exception {
            if (!List.of("embedded", "cluster", "all").contains(mode)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                        "--mode: embedded, cluster or all, not " + mode);
            }
            List<String> args = new java.util.ArrayList<>(List.of("--mode", mode, "--images", Integer.toString(images), "--batch", Integer.toString(batch),
                    "--rounds", Integer.toString(rounds), "--work", work.toString()));
            if (teacher != null && student != null) {
                args.addAll(List.of("--teacher", teacher.toString(), "--student", student.toString()));
            } else if (teacher != null || student != null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give both --teacher and --student, or neither");
            }
            dev.imed.experiments.bench.StreamBenchmark.run(args.toArray(new String[0]), System.out);
            return 0;
        }
    }
}
