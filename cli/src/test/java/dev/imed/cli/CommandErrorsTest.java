package dev.imed.cli;

import static dev.imed.cli.CommandLineConventionsTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.cli.CommandLineConventionsTest.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per command, a bad argument that gets past picocli into the command itself: it must end with the
 * documented exit code and one line on standard error saying what was wrong.
 */
class CommandErrorsTest {

    private static void assertBadInput(Outcome outcome, String... saying) {
        assertThat(outcome.code()).as(outcome.err()).isEqualTo(Imed.BAD_INPUT);
        assertThat(outcome.err().lines()).singleElement().asString().startsWith("imed").contains(saying);
    }

    @Test
    void dataRefusesAnUnknownLayoutAndAMissingFolder(@TempDir Path dir) {
        assertBadInput(run("data", "info", "imagenet:/data"), "unknown layout 'imagenet'", "office31");
        assertBadInput(run("data", "export", "folder:" + dir.resolve("none"), "--out", dir.resolve("out").toString()), "does not exist");
    }

    @Test
    void trainComponentRefusesAnUnknownMethodOrBackbone(@TempDir Path dir) {
        String out = dir.resolve("c").toString();
        assertBadInput(run("train", "component", "--method", "cdan+mmd", "--source", "uci1797", "--target", "uci1797", "--out", out),
                "unknown method 'mmd'", "jan", "bnm");
        assertBadInput(run("train", "component", "--method", "mcc", "--backbone", "vgg16", "--source", "uci1797", "--target", "uci1797",
                "--out", out), "unknown backbone 'vgg16'", "torchscript:FILE");
    }

    @Test
    void trainComponentRefusesABadPreprocessingNamingIt(@TempDir Path dir) {
        String out = dir.resolve("c").toString();
        String script = "torchscript:" + dir.resolve("net.pt");
        assertBadInput(run("train", "component", "--method", "mcc", "--backbone", script, "--crop", "0", "--source", "uci1797",
                "--target", "uci1797", "--out", out), "imed train component: --crop must be 1..4096 pixels, got 0");
        assertBadInput(run("train", "component", "--method", "mcc", "--backbone", script, "--mean", "0.5,0.5", "--source", "uci1797",
                "--target", "uci1797", "--out", out), "--mean needs 3 values (R,G,B) or 1 for all channels, got 2: 0.5,0.5");
        assertBadInput(run("train", "component", "--method", "mcc", "--backbone", script, "--std", "58.4,57.1,57.4", "--source",
                "uci1797", "--target", "uci1797", "--out", out), "--std 58.4 must be above 0 and at most 1");
        assertBadInput(run("train", "component", "--method", "mcc", "--backbone", script, "--mean", "a,b,c", "--source", "uci1797",
                "--target", "uci1797", "--out", out), "--mean", "'a'");
        assertBadInput(run("train", "component", "--method", "mcc", "--resize", "32", "--no-pool", "--source", "uci1797",
                "--target", "uci1797", "--out", out), "--resize, --no-pool: backbone lenet has a fixed input (28×28)", "torchscript:FILE");
    }

    @Test
    void trainTeacherRefusesAnUnknownFusion(@TempDir Path dir) {
        assertBadInput(run("train", "teacher", "--components", "a", "b", "--source", "syn", "--target", "mnist5k",
                "--out", dir.resolve("t").toString(), "--fusion", "attention"), "unknown fusion 'attention'", "imed");
    }

    @Test
    void distillWithoutTeacherNeedsBothDomains(@TempDir Path dir) {
        assertBadInput(run("distill", "--out", dir.resolve("s").toString()), "--source and --target");
    }

    @Test
    void serveAndBenchAndDemoRefuseANonNumber() {
        assertBadInput(run("serve", "--registry", "r", "--port", "eighty"), "'eighty'");
        assertBadInput(run("bench", "teacher", "--components", "three"), "'three'");
        assertBadInput(run("demo", "--seeds", "one"), "'one'");
    }

    @Test
    void benchTrainRefusesADataPipelineItCannotTime() {
        assertBadInput(run("bench", "train", "--model", "lenet", "--data", "office31:/nowhere/amazon"), "--data needs");
        assertBadInput(run("bench", "train", "--model", "resnet50", "--infer", "--data", "office31:/nowhere/amazon"), "--data needs");
        assertBadInput(run("bench", "train", "--model", "resnet50", "--data", "office31:/nowhere/amazon"), "/nowhere/amazon");
        assertBadInput(run("bench", "stream", "--mode", "yarn"), "--mode: embedded, cluster or all, not yarn");
    }

    @Test
    void streamRefusesAMissingTeacher(@TempDir Path dir) {
        Outcome outcome = run("stream", "--teacher", dir.resolve("no-teacher").toString(), "--input", dir.toString(),
                "--out", dir.resolve("out").toString());
        assertBadInput(outcome, "no-teacher");
    }

    @Test
    void sweepTeachersRefusesAnUnknownFusionBeforeTrainingAnything(@TempDir Path dir) {
        assertBadInput(run("sweep", "teachers", "--fusions", "imed,attention", "--work", dir.resolve("w").toString(),
                "--out", dir.resolve("r").toString()), "unknown fusion 'attention'");
        assertThat(dir.resolve("w")).doesNotExist();
    }
}
