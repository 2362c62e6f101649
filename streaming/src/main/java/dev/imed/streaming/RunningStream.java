package dev.imed.streaming;

import dev.imed.core.bundle.Json;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.ExceptionUtils;

/**
 * A submitted stream job. A bounded job ends by itself ({@link #await()}); a continuous one runs
 * until {@link #cancel()} (its last checkpoint is retained, see {@link StreamJob#latestCheckpoint}).
 * Closing cancels a job that is still running.
 */
public final class RunningStream implements AutoCloseable {
    private final JobClient client;
    private final StreamConfig config;
    private final String runId;
    private final long started = System.nanoTime();
    private volatile boolean cancelled;

    RunningStream(JobClient client, StreamConfig config, String runId) {
        this.client = client;
        this.config = config;
        this.runId = runId;
    }

    public String runId() {
        return runId;
    }

    public JobID jobId() {
        return client.getJobID();
    }

    public JobStatus status() {
        try {
            return client.getJobStatus().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // A finished job's per-job cluster is gone: nothing answers any more.
            return JobStatus.FINISHED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamJobException("interrupted", e);
        }
    }

    /** The outputs committed so far. */
    public StreamSummary progress() {
        return StreamSummary.collect(new StreamOutputs(config.out()), runId, "RUNNING", elapsed());
    }

    /**
     * Waits for the job to end and returns its summary (also written to {@code out/summary-<run>.json}).
     * A continuous job ends when another thread (a shutdown hook, say) calls {@link #cancel()}.
     */
    public StreamSummary await() {
        try {
            client.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            if (cancelled) {
                return finish("CANCELED");
            }
            Throwable root = ExceptionUtils.stripExecutionException(e);
            throw new StreamJobException("the stream job " + runId + " failed: " + rootMessage(root), root);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamJobException("interrupted while waiting for the stream job", e);
        }
        return finish("FINISHED");
    }

    /** Stops the job and returns the summary of what it committed. */
    public StreamSummary cancel() {
        cancelled = true;
        try {
            client.cancel().get();
            client.getJobExecutionResult().get();
        } catch (ExecutionException e) {
            // The result of a cancelled job is a cancellation failure: expected.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StreamJobException("interrupted while cancelling the stream job", e);
        }
        return finish("CANCELED");
    }

    private StreamSummary finish(String status) {
        StreamSummary summary = StreamSummary.collect(new StreamOutputs(config.out()), runId, status, elapsed());
        Json.writeFile(config.out().resolve("summary-" + runId + ".json"), summary);
        return summary;
    }

    private double elapsed() {
        return Math.round((System.nanoTime() - started) / 1e7) / 100.0;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (caused by " + root + ")";
    }

    @Override
    public void close() {
        if (!client.getJobExecutionResult().isDone()) {
            cancel();
        }
    }
}
