package dev.imed.cli;

import dev.imed.core.bundle.BundleException;
import dev.imed.core.data.DatasetException;
import dev.imed.ensemble.train.DivergedException;
import dev.imed.streaming.StreamJobException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code imed} command line. */
@Command(name = "imed", mixinStandardHelpOptions = true, version = "imed 0.1.0",
        description = "Unsupervised domain adaptation by instance-aware model ensembles distilled into a compact student.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:failure (training diverged, the stream job failed, an unexpected error)",
            "2:usage error or bad input (an unknown option or name, a missing file, a malformed dataset or bundle)"},
        subcommands = {
            DemoCommand.class,
            DataCommand.class,
            TrainCommand.class,
            DistillCommand.class,
            ServeCommand.class,
            RegistryCommand.class,
            StreamCommand.class,
            ClusterCommand.class,
            EvaluateCommand.class,
            SelectCommand.class,
            SweepCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Imed implements Runnable {
    /** Exit code when the command did what was asked. */
    public static final int SUCCESS = 0;
    /** Exit code when it could not, through no fault of its input: training diverged, the stream job failed, a bug. */
    public static final int FAILURE = 1;
    /** Exit code for a usage error or bad input (an unknown name, a missing file, a malformed dataset or bundle). */
    public static final int BAD_INPUT = 2;

    /** Inherited by every subcommand, so that it may come anywhere on the line. */
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "on an error, print its stack trace too")
    boolean verbose;

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
        cli.setExecutionExceptionHandler(Imed::handleExecutionException);
        cli.setParameterExceptionHandler(Imed::handleParameterException);
        return cli;
    }

    /**
     * The exit code for an exception a command threw. Failures are checked first: a
     * {@link DivergedException} is an {@link IllegalStateException}, not bad input, and must stay 1
     * even if a subclass of it someday also extends something listed as bad input.
     */
    static int exitCodeOf(Exception e) {
        if (e instanceof DivergedException || e instanceof StreamJobException) {
            return FAILURE;
        }
        if (e instanceof DatasetException || e instanceof BundleException || e instanceof IllegalArgumentException
                || e instanceof UncheckedIOException) {
            return BAD_INPUT;
        }
        return FAILURE;
    }

    /** One line on standard error, {@code imed: MESSAGE}; the stack trace only with {@code --verbose}. */
    private static int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        int code = exitCodeOf(e);
        PrintWriter err = commandLine.getErr();
        String message = oneLine(e.getMessage());
        boolean expected = code == BAD_INPUT || e instanceof DivergedException || e instanceof StreamJobException;
        if (!expected || message.isEmpty()) {
            // An exception no command raises on purpose: its type is the most useful part of the line.
            message = e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
        }
        if (verbose(parseResult)) {
            err.println("imed: " + message);
            e.printStackTrace(err);
        } else {
            err.println("imed: " + message + (expected ? "" : " (run again with --verbose for the stack trace)"));
        }
        err.flush();
        return code;
    }

    /** One line, {@code imed train component: MESSAGE (see 'imed train component --help')}, exit code 2. */
    private static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        String command = commandLine.getCommandSpec().qualifiedName();
        StringBuilder line = new StringBuilder(command).append(": ").append(oneLine(e.getMessage()));
        if (e instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            line.append("; did you mean ").append(String.join(" or ", unmatched.getSuggestions())).append('?');
        }
        line.append(" (see '").append(command).append(" --help')");
        PrintWriter err = commandLine.getErr();
        err.println(line);
        err.flush();
        return BAD_INPUT;
    }

    private static boolean verbose(CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
