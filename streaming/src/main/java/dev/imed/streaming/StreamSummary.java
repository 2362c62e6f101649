package dev.imed.streaming;

import dev.imed.streaming.decode.DeadLetter;
import dev.imed.streaming.distill.StudentVersion;
import dev.imed.streaming.label.TeacherLabel;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run did, from its committed outputs (so restarts do not count twice).
 *
 * @param runId the run's id, in its output file names and published manifests
 * @param status {@code FINISHED}, {@code CANCELED} or {@code RUNNING} (a summary taken mid-run)
 * @param labelled images the teacher labelled
 * @param deadLetters inputs refused
 * @param deadLettersByReason refusals per reason
 * @param meanConfidence the teacher's mean confidence
 * @param labellingImagesPerSecond labelled images per second between the first and the last label
 * @param seconds wall time from submission to the end (start-up included)
 * @param versions the student versions published, oldest first
 * @param latestStudent the newest published version's directory, or null
 * @param studentSteps training steps behind the newest version
 * @param studentImagesSeen images behind the newest version
 */
public record StreamSummary(String runId, String status, long labelled, long deadLetters,
                            Map<String, Long> deadLettersByReason, double meanConfidence,
                            double labellingImagesPerSecond, double seconds, List<StudentVersion> versions,
                            String latestStudent, long studentSteps, long studentImagesSeen) {

    static StreamSummary collect(StreamOutputs outputs, String runId, String status, double seconds) {
        List<TeacherLabel> labels = outputs.labels(runId);
        List<DeadLetter> dead = outputs.deadLetters(runId);
        List<StudentVersion> versions = outputs.published(runId);
        Map<String, Long> byReason = new TreeMap<>();
        dead.forEach(d -> byReason.merge(d.reason(), 1L, Long::sum));
        double meanConfidence = labels.stream().mapToDouble(TeacherLabel::confidence).average().orElse(0);
        StudentVersion newest = versions.isEmpty() ? null : versions.get(versions.size() - 1);
        return new StreamSummary(runId, status, labels.size(), dead.size(), byReason, meanConfidence, rate(labels), seconds,
                versions, newest == null ? null : newest.path(), newest == null ? 0 : newest.steps(),
                newest == null ? 0 : newest.imagesSeen());
    }

    /** Images labelled after the first batch, over the time from the first batch to the last. */
    private static double rate(List<TeacherLabel> labels) {
        if (labels.isEmpty()) {
            return 0;
        }
        long first = labels.stream().mapToLong(TeacherLabel::labelledAt).min().orElse(0);
        long last = labels.stream().mapToLong(TeacherLabel::labelledAt).max().orElse(0);
        long after = labels.stream().filter(l -> l.labelledAt() > first).count();
        return last > first ? after * 1000.0 / (last - first) : 0;
    }
}
