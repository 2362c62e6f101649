package dev.imed.core.init;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.imed.core.bundle.AtomicFiles;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes the parameters of freshly initialised blocks to a NumPy {@code .npz} file, in the order the blocks
 * list them, so that another implementation of the same recipe (the PyTorch twin in {@code bench/parity})
 * can start from exactly the same weights. Runs paired this way differ only by how each side computes, not
 * by their random draws, which is what a parity comparison wants to see.
 *
 * <p>Entries are named {@code 000_<parameter name>}, numbered in order; BatchNorm's running statistics are
 * included, because they are parameters in DJL.
 */
public final class InitialParameters {
    private InitialParameters() {}

    public static void writeNpz(Path file, Block... blocks) {
        NDList list = new NDList();
        int index = 0;
        for (Block block : blocks) {
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray copy = p.getValue().getArray().duplicate();
                copy.setName(String.format(Locale.ROOT, "%03d_%s", index++, p.getKey()));
                list.add(copy);
            }
        }
        try {
            AtomicFiles.write(file, out -> list.encode(out, NDList.Encoding.NPZ));
        } finally {
            list.close();
        }
    }
}
