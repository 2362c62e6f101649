package dev.imed.streaming.distill;

import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Json;
import dev.imed.core.bundle.Manifest;
import dev.imed.model.registry.QualityGate;
import dev.imed.model.registry.StudentRegistry;
import dev.imed.model.student.Student;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the online student into a {@link StudentRegistry} (each version written whole, then
 * renamed into place), once it passes the {@link QualityGate} on the stream's held-out window (its
 * scores go into the manifest's metrics under {@code qualityGate}). After a restore the job replays the steps since its checkpoint; a version
 * this run already published for as many steps is not published twice: the existing one is
 * reported again instead, so the job's record of versions stays exactly once too.
 */
final class StudentPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(StudentPublisher.class);
    static final String METHOD = "stream-distill";

    private final StudentRegistry registry;
    private final Bundle starting;
    private final String runId;
    private final String target;
    private final OnlineDistillation settings;

    StudentPublisher(Path registryDir, Bundle starting, String runId, String target, OnlineDistillation settings) {
        this.registry = new StudentRegistry(registryDir);
        this.starting = starting;
        this.runId = runId;
        this.target = target;
        this.settings = settings;
    }

    /**
     * Publishes the student unless the quality gate (judging on {@code heldOut}; null: no gate) rejects
     * it: then it is logged and nothing is published (empty).
     */
    Optional<StudentVersion> publish(OnlineStudent student, String teacherSha, double agreement, double loss, HeldOutWindow heldOut) {
        Optional<StudentVersion> earlier = alreadyPublished(student.steps());
        if (earlier.isPresent()) {
            return earlier;
        }
        Manifest start = starting.manifest();
        Map<String, Object> training = new LinkedHashMap<>(settings.asMap());
        training.put("runId", runId);
        training.put("steps", student.steps());
        training.put("imagesSeen", student.imagesSeen());
        training.put("restoredFromStep", student.restoredFromStep());
        training.put("skippedSteps", student.skippedSteps());
        training.put("rollBacks", student.rollBacks());
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("streamAgreement", Math.round(agreement * 1e4) / 1e4);
        metrics.put("streamLoss", Math.round(loss * 1e4) / 1e4);
        if (heldOut != null) {
            QualityGate.Decision decision = settings.gate().decide(student.classifier(start.classNames()), registry,
                    heldOut.window(start.input()));
            metrics.put("qualityGate", decision.asMetrics());
            if (!decision.accepted()) {
                LOG.warn("the student at step {} is not published: {} (scores {})", student.steps(), decision.reason(),
                        decision.asMetrics());
                return Optional.empty();
            }
        }
        Map<String, String> lineage = new LinkedHashMap<>();
        if (teacherSha != null) {
            lineage.put("teacher", teacherSha);
        }
        lineage.put("startingStudent", starting.sha256());
        Manifest manifest = new Manifest(Manifest.FORMAT, Student.KIND, METHOD, start.architecture(), start.classNames(),
                start.input(), training, start.seed(), start.source(), target, metrics, lineage, null, null, 0);
        Bundle published = registry.publish(manifest, student.network());
        return Optional.of(new StudentVersion(published.manifest().version(), published.dir().toString(), student.steps(),
                student.imagesSeen(), student.restoredFromStep(), agreement, System.currentTimeMillis()));
    }

    /** The version this run already published at exactly this many steps (in an attempt before a restore), if any. */
    private Optional<StudentVersion> alreadyPublished(long steps) {
        for (long v : registry.newestFirst()) {
            Path dir = registry.directory(v);
            Manifest m;
            try {
                m = Json.MAPPER.readValue(dir.resolve(Bundle.MANIFEST).toFile(), Manifest.class);
            } catch (IOException e) {
                continue;
            }
            long published = number(m.training(), "steps");
            if (!runId.equals(m.training().get("runId")) || published < steps) {
                // Older versions, or another run's: nothing of this run at this step further back.
                return Optional.empty();
            }
            if (published == steps) {
                return Optional.of(new StudentVersion(m.version(), dir.toString(), published,
                        number(m.training(), "imagesSeen"), number(m.training(), "restoredFromStep"),
                        m.metrics().get("streamAgreement") instanceof Number a ? a.doubleValue() : 0,
                        dir.toFile().lastModified()));
            }
        }
        return Optional.empty();
    }

    private static long number(Map<String, Object> map, String key) {
        return map.get(key) instanceof Number n ? n.longValue() : -1;
    }
}
