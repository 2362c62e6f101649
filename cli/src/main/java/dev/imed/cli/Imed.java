package dev.imed.cli;

import dev.imed.core.bundle.BundleException;
import dev.imed.core.data.DatasetException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code imed} command line. */
@Command(name = "imed", mixinStandardHelpOptions = true, version = "imed 0.1.0",
        description = "Unsupervised domain adaptation by instance-aware model ensembles distilled into a compact student.",
        subcommands = {
            DemoCommand.class,
            DataCommand.class,
            TrainCommand.class,
            DistillCommand.class,
            ServeCommand.class,
            StreamCommand.class,
            ClusterCommand.class,
            EvaluateCommand.class,
            SweepCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Imed implements Runnable {
    /** Exit code for bad input (a missing file, a malformed dataset, a bundle that does not load). */
    public static final int BAD_INPUT = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (tests run it in-process). */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Imed());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof DatasetException || e instanceof BundleException || e instanceof IllegalArgumentException
                    || e instanceof UncheckedIOException) {
                commandLine.getErr().println("imed: " + e.getMessage());
                return BAD_INPUT;
            }
            throw e;
        });
        return cli;
    }
}
