package dev.imed.streaming;

import dev.imed.core.bundle.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Who a Flink job is: the stream run it belongs to. Written as {@code run.json} into the job's own
 * checkpoint directory ({@code out/checkpoints/<job id>/}) before the job is submitted, so that every
 * checkpoint the job retains says which run it carries on. A job resumed from such a checkpoint is
 * the same run under a new Flink job id: its outputs keep the run's file prefix, its student keeps
 * the run's versions (see {@code OnlineDistiller}, which keeps the run id in its state as well).
 *
 * @param runId the run, stable across resumes
 * @param jobId this Flink job's id (hex)
 * @param resumedFrom the checkpoint this job resumed from, or null for a fresh run
 */
public record RunIdentity(String runId, String jobId, String resumedFrom) {
    public static final String FILE = "run.json";

    /** Writes {@code checkpoints/<jobId>/run.json} under {@code out}, atomically. */
    public void write(Path out) {
        Path dir = StreamJob.checkpointsDir(out).resolve(jobId);
        try {
            Files.createDirectories(dir);
            Path staged = Files.createTempFile(dir, ".run", ".json");
            Files.writeString(staged, Json.write(this) + "\n");
            Files.move(staged, dir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot record the run's identity", e);
        }
    }

    /** The identity recorded beside a retained checkpoint ({@code …/<job id>/chk-N}). */
    public static RunIdentity ofCheckpoint(Path checkpoint) {
        Path file = checkpoint.toAbsolutePath().normalize().getParent().resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new StreamJobException(checkpoint + ": no " + FILE + " beside it, so not a checkpoint of an imed stream run"
                    + " (resume from a directory under OUT/checkpoints/)");
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), RunIdentity.class);
        } catch (IOException e) {
            throw new StreamJobException(file + ": unreadable run identity: " + e.getMessage(), e);
        }
    }
}
