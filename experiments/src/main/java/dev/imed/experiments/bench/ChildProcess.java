package dev.imed.experiments.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A benchmark's other side in a process of its own (a fresh JVM, a Python baseline, a load generator): runs it to the
 * end and keeps the lines that carry the result prefix, handing every other line to a sink.
 */
public final class ChildProcess {
    private ChildProcess() {}

    /** How the child ended: its exit code and its result lines, in order. */
    public record Output(int exitCode, List<String> results) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * Runs {@code command}; standard error goes with standard output when {@code mergeErrors}, else to this process's.
     *
     * @throws IllegalStateException when the child runs past {@code timeout} (it is killed first)
     */
    public static Output run(List<String> command, String resultPrefix, boolean mergeErrors, Consumer<String> otherLines,
            Duration timeout) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (mergeErrors) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        }
        Process process = builder.start();
        AtomicBoolean killed = new AtomicBoolean();
        // The watchdog kills a hung child, which also ends the read below.
        Thread watchdog = new Thread(() -> {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    killed.set(true);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                // the child ended
            }
        }, "child-process-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        List<String> results = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith(resultPrefix)) {
                    results.add(line);
                } else {
                    otherLines.accept(line);
                }
            }
        }
        int exit = process.waitFor();
        watchdog.interrupt();
        if (killed.get()) {
            throw new IllegalStateException(command.get(0) + " ran past " + timeout.toSeconds() + " s and was killed");
        }
        return new Output(exit, List.copyOf(results));
    }
}
