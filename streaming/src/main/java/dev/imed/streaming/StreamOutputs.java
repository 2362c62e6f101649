package dev.imed.streaming;

import dev.imed.streaming.decode.DeadLetter;
import dev.imed.streaming.distill.StudentVersion;
import dev.imed.streaming.label.TeacherLabel;
import dev.imed.streaming.sink.JsonLines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The committed outputs of stream runs under one {@code out} directory. Only files that a completed
 * checkpoint made visible are read (in-progress files are hidden), so what is read here is what
 * downstream consumers see.
 */
public final class StreamOutputs {
    public static final String LABELS = "labels";
    public static final String DEAD_LETTERS = "dead-letters";
    public static final String PUBLISHED = "published";

    private final Path out;

    public StreamOutputs(Path out) {
        this.out = out;
    }

    public Path dir(String output) {
        return out.resolve(output);
    }

    /** The file-name prefix of one run's part files of {@code output}. */
    public static String prefix(String output, String runId) {
        return output + "-" + runId;
    }

    /** The teacher's labels of run {@code runId} (of every run when null). */
    public List<TeacherLabel> labels(String runId) {
        return read(LABELS, runId, TeacherLabel.class);
    }

    public List<DeadLetter> deadLetters(String runId) {
        return read(DEAD_LETTERS, runId, DeadLetter.class);
    }

    /** The student versions run {@code runId} published, oldest first. */
    public List<StudentVersion> published(String runId) {
        List<StudentVersion> versions = new ArrayList<>(read(PUBLISHED, runId, StudentVersion.class));
        versions.sort(java.util.Comparator.comparingLong(StudentVersion::version));
        return versions;
    }

    private <T> List<T> read(String output, String runId, Class<T> type) {
        return lines(output, runId).stream().map(line -> JsonLines.read(line, type)).toList();
    }

    /** The committed lines of {@code output} for run {@code runId} (every run when null). */
    public List<String> lines(String output, String runId) {
        Path dir = dir(output);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        String prefix = runId == null ? output + "-" : prefix(output, runId) + "-";
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(prefix) && name.endsWith(JsonLines.SUFFIX)) {
                    Files.readAllLines(file).stream().filter(l -> !l.isBlank()).forEach(lines::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot read the stream outputs", e);
        }
        return lines;
    }
}
