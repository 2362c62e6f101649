package dev.imed.cli;

import dev.imed.ensemble.bench.TrainBenchmark;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
            description = "Digits component training (LeNet, DANN, batch 32 + 32): DJL against PyTorch eager on this CPU.")
    static final class Train implements Callable<Integer> {
        @Option(names = "--iterations", defaultValue = "200", description = "timed iterations (default: ${DEFAULT-VALUE})")
        int iterations;
        @Option(names = "--warmup", defaultValue = "20", description = "untimed iterations first (default: ${DEFAULT-VALUE})")
        int warmup;
        @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE})")
        String python;
        @Option(names = "--script", defaultValue = "bench/pytorch_train_step.py", description = "the PyTorch baseline (default: ${DEFAULT-VALUE})")
        Path script;
        @Option(names = "--rounds", defaultValue = "3",
                description = "alternating DJL / PyTorch rounds; the median ratio is reported (default: ${DEFAULT-VALUE})")
        int rounds;

        @Override
        public Integer call() throws IOException, InterruptedException {
            if (!Files.isRegularFile(script)) {
                double djl = TrainBenchmark.dannDigitsIterationsPerSecond(warmup, iterations);
                System.out.printf(Locale.ROOT, "DJL     %.2f it/s  (%.1f ms/it)%n", djl, 1000 / djl);
                System.out.println("PyTorch baseline skipped: " + script + " not found (run from the repository root)");
                return 0;
            }
            // Alternating rounds, because a 2-core machine's speed drifts; the median ratio ignores one noisy round.
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                double djl = TrainBenchmark.dannDigitsIterationsPerSecond(warmup, iterations);
                double torch = pytorchIterationsPerSecond();
                if (Double.isNaN(torch)) {
                    System.out.println("PyTorch baseline failed (is python3-torch installed? apt-get install python3-torch libopenblas0-openmp)");
                    return 1;
                }
                ratios[round] = torch / djl;
                System.out.printf(Locale.ROOT, "round %d: DJL %.2f it/s (%.1f ms/it), PyTorch %.2f it/s (%.1f ms/it), ratio %.2f%n",
                        round + 1, djl, 1000 / djl, torch, 1000 / torch, ratios[round]);
            }
            java.util.Arrays.sort(ratios);
            System.out.printf(Locale.ROOT, "DJL time per iteration / PyTorch's = %.2f (median of %d rounds; target <= 1.3)%n",
                    ratios[rounds / 2], rounds);
            return 0;
        }

        private double pytorchIterationsPerSecond() throws IOException, InterruptedException {
            Process process = new ProcessBuilder(List.of(python, script.toString(), "--warmup", Integer.toString(warmup),
                    "--iterations", Integer.toString(iterations), "--threads", Integer.toString(Runtime.getRuntime().availableProcessors())))
                    .redirectErrorStream(true).start();
            double torch = Double.NaN;
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("pytorch_it_per_s ")) {
                        torch = Double.parseDouble(line.substring("pytorch_it_per_s ".length()).trim());
                    } else {
                        System.out.println("python: " + line);
                    }
                }
            }
            return process.waitFor() == 0 ? torch : Double.NaN;
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
            System.out.println(dev.imed.fusion.bench.TeacherBenchmark.run(components, batch, rounds).describe());
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
        @Option(names = "--mode", defaultValue = "embedded", description = "embedded, cluster or all (default: ${DEFAULT-VALUE})")
        String mode;
        @Option(names = "--teacher", description = "teacher bundle (default: throwaway models trained first)")
        Path teacher;
        @Option(names = "--student", description = "student bundle for the distilling configurations")
        Path student;
        @Option(names = "--images", defaultValue = "3000", description = "mnist5k images streamed (default: ${DEFAULT-VALUE})")
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
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                        "--mode: embedded, cluster or all, not " + mode);
            }
            List<String> args = new java.util.ArrayList<>(List.of("--mode", mode, "--images", Integer.toString(images), "--batch", Integer.toString(batch),
                    "--rounds", Integer.toString(rounds), "--work", work.toString()));
            if (teacher != null && student != null) {
                args.addAll(List.of("--teacher", teacher.toString(), "--student", student.toString()));
            } else if (teacher != null || student != null) {
                throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "give both --teacher and --student, or neither");
            }
            dev.imed.streaming.bench.StreamBenchmark.run(args.toArray(new String[0]), System.out);
            return 0;
        }
    }
}
