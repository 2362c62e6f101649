package dev.imed.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.BundleException;
import dev.imed.core.data.DatasetException;
import dev.imed.ensemble.train.DivergedException;
import dev.imed.streaming.StreamJobException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Conventions every command keeps, checked on the real command tree so that a new command is covered
 * without touching this test: {@code --help} prints its usage and exits 0; an unknown option is a
 * usage error, one line on standard error naming the command's help, exit code 2.
 */
class CommandLineConventionsTest {

    record Outcome(int code, String out, String err) {}

    /** Runs the command line in-process; what picocli and the commands print to standard output lands in {@code out}. */
    static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream previous = System.out;
        PrintStream captured = new PrintStream(out, true, StandardCharsets.UTF_8);
        // Before the command line exists: picocli's default execution strategy remembers System.out when
        // it is built and, if System.out differs at execute time, sends help there instead of to getOut().
        System.setOut(captured);
        try {
            CommandLine cli = Imed.commandLine();
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err));
            cli.setOut(new PrintWriter(captured, true));
            int code = cli.execute(args);
            cli.getOut().flush();
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString());
        } finally {
            System.setOut(previous);
        }
    }

    /** Every command and subcommand, as the words a user types after {@code imed}. */
    static Stream<String> everyCommand() {
        List<String> paths = new ArrayList<>();
        collect(Imed.commandLine(), "", paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, String prefix, List<String> paths) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                String path = (prefix + " " + name).trim();
                paths.add(path);
                collect(sub, path, paths);
            }
        });
    }

    @Test
    void imedHelpListsEveryCommandAndTheExitCodes() {
        Outcome help = run("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("demo", "data", "train", "distill", "serve", "stream", "evaluate", "sweep", "bench",
                "Exit codes:", "--verbose");
        assertThat(everyCommand()).contains("data info", "train component", "train teacher", "sweep teachers", "bench stream");
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void helpPrintsTheUsageAndExitsZero(String command) {
        Outcome help = run(args(command, "--help"));
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: imed " + command, "-h, --help");
        assertThat(help.err()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("everyCommand")
    void anUnknownOptionIsAOneLineUsageErrorWithExitCodeTwo(String command) {
        Outcome bad = run(args(command, "--no-such-option"));
        assertThat(bad.code()).isEqualTo(Imed.BAD_INPUT);
        assertThat(bad.err().lines()).singleElement().asString()
                .startsWith("imed " + command + ": ")
                // picocli names what is missing before what is unknown; either is the usage error.
                .containsAnyOf("--no-such-option", "Missing required")
                .endsWith("(see 'imed " + command + " --help')");
        assertThat(bad.out()).isEmpty();
    }

    @Test
    void everyErrorClassMapsToOneExitCode() {
        assertThat(Imed.exitCodeOf(new DivergedException("loss NaN"))).isEqualTo(Imed.FAILURE);
        assertThat(Imed.exitCodeOf(new StreamJobException("the stream job did not start"))).isEqualTo(Imed.FAILURE);
        assertThat(Imed.exitCodeOf(new IllegalStateException("a bug"))).isEqualTo(Imed.FAILURE);
        assertThat(Imed.exitCodeOf(new DatasetException("no images"))).isEqualTo(Imed.BAD_INPUT);
        assertThat(Imed.exitCodeOf(new BundleException("bad checksum"))).isEqualTo(Imed.BAD_INPUT);
        assertThat(Imed.exitCodeOf(new IllegalArgumentException("unknown method"))).isEqualTo(Imed.BAD_INPUT);
        assertThat(Imed.exitCodeOf(new UncheckedIOException(new java.io.IOException("no such file")))).isEqualTo(Imed.BAD_INPUT);
    }

    @Test
    void anErrorIsOneLineAndItsStackTraceComesOnlyWithVerbose() {
        Outcome quiet = run("evaluate", "no/such/bundle", "--domain", "uci1797");
        assertThat(quiet.code()).isEqualTo(Imed.BAD_INPUT);
        assertThat(quiet.err().lines()).singleElement().asString().startsWith("imed: ").contains("no/such/bundle");
        Outcome verbose = run("evaluate", "no/such/bundle", "--domain", "uci1797", "--verbose");
        assertThat(verbose.code()).isEqualTo(Imed.BAD_INPUT);
        assertThat(verbose.err()).startsWith(quiet.err().strip()).contains("\tat dev.imed.");
    }

    @Test
    void oldOptionNamesStillWorkButHelpShowsOnlyTheCanonicalOnes() {
        TrainCommand.Component component = new TrainCommand.Component();
        new CommandLine(component).parseArgs("--method", "mcc", "--source", "s", "--target", "t", "--out", "o");
        assertThat(component.run.iterations).isEqualTo(2000);
        assertThat(component.batch).isEqualTo(32);
        new CommandLine(component).parseArgs("--method", "mcc", "--source", "s", "--target", "t", "--out", "o",
                "--iters", "7", "--batch", "8");
        assertThat(component.run.iterations).isEqualTo(7);
        assertThat(component.batch).isEqualTo(8);
        DemoCommand demo = new DemoCommand();
        new CommandLine(demo).parseArgs("--component-iters", "5", "--teacher-iters", "6", "--student-iters", "7");
        assertThat(List.of(demo.componentIterations, demo.teacherIterations, demo.studentIterations)).containsExactly(5, 6, 7);

        String help = run("train", "component", "--help").out();
        assertThat(help).contains("--iterations=<iterations>", "--batch-size=<batch>", "(default: 2000)", "(default: 32)")
                .doesNotContain("--iters", "--batch=");
        assertThat(run("demo", "--help").out()).contains("--component-iterations", "(default: " + DemoCommand.COMPONENT_ITERATIONS + ")")
                .doesNotContain("-iters");
    }

    @Test
    void helpListsThePluginsFromTheirRegistries() {
        assertThat(run("train", "component", "--help").out()).contains("dann", "cdan+e", "mcc", "jan", "bnm", "resnet50", "torchscript:FILE");
        assertThat(run("train", "teacher", "--help").out()).contains("average, entropy, fc, global, imed, vote", "final, ensv, snd",
                "--member-dropout=P", "--info-max-weight=W", "--pseudo-label-weight=W", "--pseudo-label-threshold=T",
                "--gate-balance-weight=W", "--member-lr-scale=X", "--select=<select>", "--select-every=N");
        assertThat(run("data", "info", "--help").out()).contains("folder, list, office31, officehome, visda");
    }

    private static String[] args(String command, String... more) {
        List<String> all = new ArrayList<>(List.of(command.split(" ")));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
