package dev.imed.cli;

import dev.imed.ensemble.experiment.ComponentSweep;
import dev.imed.ensemble.experiment.Task;
import dev.imed.ensemble.train.ComponentConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code imed demo}: the main job on the embedded digits data, end to end. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the main job on the built-in digits task syn -> mnist5k and write a report.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "runs/demo", description = "run directory (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--iters", defaultValue = "1000", description = "iterations per component (default: ${DEFAULT-VALUE})")
    int iterations;

    @Override
    public Integer call() {
        Task task = new Task("syn", "mnist5k");
        List<ComponentSweep.Run> runs = ComponentSweep.run(out.resolve("components"), List.of(task),
                List.of("dann", "cdan", "mcc"), List.of(0L),
                t -> ComponentConfig.digits("dann", t.source(), t.target()).withIterations(iterations));
        ComponentSweep.write(out, runs, "./imed demo --out " + out + " --iters " + iterations);
        System.out.println(ComponentSweep.markdown(runs));
        System.out.println("report: " + out.resolve("results.md"));
        return 0;
    }
}
