package dev.imed.ensemble.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.imed.core.bundle.ParameterLoading;
import dev.imed.core.bundle.AtomicFiles;
import dev.imed.core.loader.DomainLoader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A training run's resumable state in one file, written atomically: the iteration, the networks,
 * the optimizer's momentum and where the data loaders stand. A checkpoint made with another
 * configuration (its fingerprint differs) is ignored rather than resumed.
 */
public final class Checkpoint {
    private static final int MAGIC = 0x494d4543;

    private final Path file;
    private final String fingerprint;
    private final List<Block> blocks;
    private final NesterovSgd optimizer;
    private final List<DomainLoader> loaders;

    public Checkpoint(Path file, String fingerprint, List<Block> blocks, NesterovSgd optimizer, List<DomainLoader> loaders) {
        this.file = file;
        this.fingerprint = fingerprint;
        this.blocks = blocks;
        this.optimizer = optimizer;
        this.loaders = loaders;
    }

    public Path file() {
        return file;
    }

    public void save(long iteration, LossCurve curve) {
        AtomicFiles.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw));
            out.writeInt(MAGIC);
            out.writeUTF(fingerprint);
            out.writeLong(iteration);
            for (DomainLoader loader : loaders) {
                out.writeLong(loader.position());
            }
            writeModel(out);
            out.flush();
        });
    }

    /**
     * Device copies of every parameter (weights and running statistics) and of the optimizer's momentum,
     * to roll back to if training diverges later. Close it when a newer one replaces it.
     */
    public Snapshot snapshot(NDManager root) {
        NDManager copies = root.newSubManager();
        List<NDArray> arrays = new java.util.ArrayList<>();
        for (Block block : blocks) {
            for (Parameter p : block.getParameters().values()) {
                if (p.isInitialized()) {
                    NDArray copy = p.getArray().duplicate();
                    copy.attach(copies);
                    arrays.add(copy);
                }
            }
        }
        return new Snapshot(copies, arrays, optimizer.copyState(copies));
    }

    /**
     * Copies a {@link #snapshot} back into the very arrays training uses (parameter stores keep references
     * to them, so they are overwritten in place rather than replaced); the data keeps its current position.
     */
    public void rollBack(Snapshot snapshot) {
        int i = 0;
        for (Block block : blocks) {
            for (Parameter p : block.getParameters().values()) {
                if (p.isInitialized()) {
                    p.getArray().set(new NDIndex("..."), snapshot.parameters().get(i++));
                }
            }
        }
        optimizer.restoreState(snapshot.optimizerState());
    }

    /** An in-memory copy of the training state, on the device. */
    public record Snapshot(NDManager manager, List<NDArray> parameters, List<NDArray> optimizerState) implements AutoCloseable {
        @Override
        public void close() {
            manager.close();
        }
    }

    private void writeModel(DataOutputStream out) throws IOException {
        for (Block block : blocks) {
            block.saveParameters(out);
        }
        optimizer.save(out);
    }

    private void readModel(NDManager manager, DataInputStream in) throws IOException, MalformedModelException {
        for (Block block : blocks) {
            List<Parameter> before = List.copyOf(block.getParameters().values());
            ParameterLoading.load(block, manager, in);
            // A block may rebuild its parameters on load (TorchScriptBackbone loads a new module):
            // the optimizer must then update the new ones, or that part of the model stops learning.
            List<Parameter> after = List.copyOf(block.getParameters().values());
            for (int i = 0; i < Math.min(before.size(), after.size()); i++) {
                if (before.get(i) != after.get(i)) {
                    optimizer.replaceParameter(before.get(i), after.get(i));
                }
            }
            // Loaded arrays are new: trainable ones must record gradients again.
            block.getParameters().values().stream()
                    .filter(p -> p.requiresGradient() && p.isInitialized())
                    .forEach(p -> p.getArray().setRequiresGradient(true));
        }
        optimizer.load(in);
    }

    /** Restores the state if a matching checkpoint exists; returns the iteration to continue from (0 if none). */
    public long restore(NDManager manager) {
        if (!Files.isRegularFile(file)) {
            return 0;
        }
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            if (in.readInt() != MAGIC || !in.readUTF().equals(fingerprint)) {
                return 0;
            }
            long iteration = in.readLong();
            for (DomainLoader loader : loaders) {
                loader.seek(in.readLong());
            }
            readModel(manager, in);
            return iteration;
        } catch (IOException | MalformedModelException e) {
            throw new UncheckedIOException(file + ": unreadable checkpoint (delete it to start over): " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
