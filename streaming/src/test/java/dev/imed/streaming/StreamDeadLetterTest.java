package dev.imed.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.data.DigitDomains;
import dev.imed.core.testing.ImageBytes;
import dev.imed.streaming.decode.DeadLetter;
import dev.imed.streaming.label.TeacherLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A bounded directory of real digits with broken files among them, two tasks: every good image is
 * labelled exactly once, every bad one is a dead letter with its reason, and the job finishes.
 */
class StreamDeadLetterTest {
    private static final int GOOD = 150;

    @TempDir
    Path dir;

    @Test
    void labelsEveryGoodImageOnceAndDeadLettersTheRest() throws Exception {
        StreamFixtures.Models models = StreamFixtures.models();
        Path input = dir.resolve("input");
        List<Path> good = StreamFixtures.exportDigits(GOOD, input);
        assertThat(good).hasSize(GOOD);
        Path bad = Files.createDirectories(input.resolve("uploads"));
        Map<String, String> expectedReasons = Map.of(
                "truncated.png", DeadLetter.UNDECODABLE,
                "empty.png", DeadLetter.EMPTY,
                "notes.txt", DeadLetter.NOT_AN_IMAGE,
                "pretends-to-be.png", DeadLetter.NOT_AN_IMAGE,
                "bomb.png", DeadLetter.TOO_MANY_PIXELS,
                "huge.png", "too-large");
        Files.write(bad.resolve("truncated.png"), BadFiles.truncated(good.get(7)));
        Files.write(bad.resolve("empty.png"), new byte[0]);
        Files.write(bad.resolve("notes.txt"), BadFiles.text());
        Files.write(bad.resolve("pretends-to-be.png"), BadFiles.noise(2000));
        Files.write(bad.resolve("bomb.png"), ImageBytes.pngDeclaring(50_000, 50_000));
        Files.write(bad.resolve("huge.png"), BadFiles.noise(300_000));

        RetainingReporter.clear();
        StreamConfig config = StreamConfig.defaults(models.teacher(), null, input, dir.resolve("out"))
                .withParallelism(2)
                .withBatch(16, 100)
                .withCheckpointInterval(500)
                .withLimits(256 * 1024, 10_000_000);
        for (Map.Entry<String, String> option : RetainingReporter.options().entrySet()) {
            config = config.withFlinkOption(option.getKey(), option.getValue());
        }

        StreamSummary summary = StreamJob.run(config);
        System.out.println(summary);

        StreamOutputs outputs = new StreamOutputs(config.out());
        List<TeacherLabel> labels = outputs.labels(summary.runId());
        List<String> labelledPaths = labels.stream().map(TeacherLabel::path).toList();
        assertThat(labelledPaths).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(good.stream().map(p -> p.toAbsolutePath().toString()).toList());
        assertThat(summary.labelled()).isEqualTo(GOOD);

        Map<String, DeadLetter> dead = outputs.deadLetters(summary.runId()).stream()
                .collect(Collectors.toMap(d -> Path.of(d.path()).getFileName().toString(), Function.identity()));
        assertThat(dead).hasSize(expectedReasons.size());
        expectedReasons.forEach((file, reason) -> {
            assertThat(dead).containsKey(file);
            assertThat(dead.get(file).reason()).as(file + ": " + dead.get(file).detail()).isEqualTo(reason);
            assertThat(dead.get(file).detail()).isNotBlank();
        });
        assertThat(dead.get("huge.png").bytes()).isEqualTo(300_000);
        assertThat(summary.deadLetters()).isEqualTo(expectedReasons.size());
        assertThat(summary.deadLettersByReason()).containsEntry(DeadLetter.NOT_AN_IMAGE, 2L);

        // The labels are the teacher's: its checksum, a proper top 3, and mostly the digit in the folder name.
        String sha = Bundle.open(models.teacher()).sha256();
        int right = 0;
        for (TeacherLabel label : labels) {
            assertThat(label.teacher()).isEqualTo(sha);
            assertThat(label.top()).hasSize(3);
            assertThat(label.top().get(0).label()).isEqualTo(label.label());
            assertThat(label.confidence()).isEqualTo(label.top().get(0).probability());
            assertThat(label.top().get(0).probability()).isGreaterThanOrEqualTo(label.top().get(1).probability());
            assertThat(label.top().stream().mapToDouble(TeacherLabel.ClassProbability::probability).sum()).isLessThanOrEqualTo(1.0 + 1e-6);
            assertThat(DigitDomains.CLASSES).contains(label.label());
            if (Path.of(label.path()).getParent().getFileName().toString().equals(label.label())) {
                right++;
            }
        }
        assertThat(right).as("labels matching the true digit").isGreaterThan(GOOD * 35 / 100);

        // The metrics were there, per task, with values that add up.
        assertThat(RetainingReporter.values("imagesLabelled")).hasSize(2)
                .satisfies(counts -> assertThat(counts.stream().mapToLong(c -> (Long) c).sum()).isEqualTo(GOOD));
        assertThat(RetainingReporter.values("deadLetters").stream().mapToLong(c -> (Long) c).sum())
                .isEqualTo(expectedReasons.size());
        assertThat(RetainingReporter.values("imagesPerSecond")).hasSize(2);
        assertThat(RetainingReporter.values("batchLatencyMs").stream().mapToDouble(h -> ((double[]) h)[0]).sum()).isPositive();
        assertThat(RetainingReporter.values("meanTeacherConfidence"))
                .allSatisfy(c -> assertThat(Double.parseDouble((String) c)).isBetween(0.1, 1.0));
        assertThat(new HashSet<>(labelledPaths)).hasSize(GOOD);
    }

}
