package dev.imed.fusion.teacher;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import dev.imed.core.bundle.ParameterLoading;
import dev.imed.core.bundle.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The iterates a teacher keeps to choose from once training ends: each one's target predictions and its
 * weights, on disk beside the bundle, so that a resumed run still has the iterates made before it stopped
 * and memory does not grow with their number. A resumed run writes the iterates after its checkpoint again.
 */
final class IterateCandidates {
    private static final String PREDICTIONS = ".predictions";
    private static final String WEIGHTS = ".params";

    private final Path dir;
    private final List<Block> blocks;

    /** Candidates of the run writing {@code out}, with the weights of {@code blocks}. */
    IterateCandidates(Path out, List<Block> blocks) {
        Path abs = out.toAbsolutePath().normalize();
        this.dir = abs.resolveSibling("." + abs.getFileName() + ".candidates");
        this.blocks = blocks;
    }

    /** Keeps the iterate after {@code iteration} steps: its target probabilities {@code [N, C]} and its weights. */
    void record(long iteration, NDArray probabilities) {
        byte[] encoded = probabilities.encode();
        AtomicFiles.write(file(iteration, PREDICTIONS), out -> out.write(encoded));
        AtomicFiles.write(file(iteration, WEIGHTS), raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
            for (Block block : blocks) {
                block.saveParameters(out);
            }
            out.flush();
        });
    }

    /** The iterations kept, in order, up to {@code last}. */
    List<Long> iterations(long last) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(PREDICTIONS))
                    .map(n -> Long.parseLong(n.substring(0, n.length() - PREDICTIONS.length())))
                    .filter(it -> it <= last && Files.isRegularFile(file(it, WEIGHTS))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": unreadable: " + e.getMessage(), e);
        }
    }

    /** The target probabilities of the iterate after {@code iteration} steps, in {@code manager}. */
    NDArray predictions(long iteration, NDManager manager) {
        try {
            return NDArray.decode(manager, Files.readAllBytes(file(iteration, PREDICTIONS)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Loads the weights of the iterate after {@code iteration} steps into the blocks. */
    void restore(long iteration, NDManager manager) {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file(iteration, WEIGHTS))))) {
            for (Block block : blocks) {
                ParameterLoading.load(block, manager, in);
            }
        } catch (IOException | MalformedModelException e) {
            throw new UncheckedIOException(file(iteration, WEIGHTS) + ": unreadable candidate: " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    void delete() {
        try {
            if (Files.isDirectory(dir)) {
                AtomicFiles.deleteRecursively(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path file(long iteration, String suffix) {
        return dir.resolve(String.format(Locale.ROOT, "%09d%s", iteration, suffix));
    }
}
