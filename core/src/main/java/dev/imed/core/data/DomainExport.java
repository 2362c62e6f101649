package dev.imed.core.data;

import dev.imed.core.bundle.AtomicFiles;
import dev.imed.core.progress.Progress;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Writes a domain as a PNG image folder, {@code <out>/<class>/<index>.png} (unlabelled images go to
 * {@code <out>/unlabelled/}), which {@code folder:<out>} reads back. Indices are zero-padded so that
 * the sorted file order is the domain's order. Only classes with images get a directory, since an
 * empty class directory is an error for the folder layout.
 *
 * <p>The folder is built beside {@code out} under a hidden name and renamed into place at the end,
 * so an interrupted export leaves no half-written {@code out}; an existing {@code out} is replaced.
 */
public final class DomainExport {
    /** The directory that receives the images of an unlabelled domain. */
    public static final String UNLABELLED_DIR = "unlabelled";

    private DomainExport() {}

    /** Exports every image of {@code domain} to {@code out}; returns the number of PNG files written. */
    public static int export(Domain domain, Path out) {
        Path target = out.toAbsolutePath().normalize();
        Path staged = target.resolveSibling("." + target.getFileName() + ".partial-" + ProcessHandle.current().pid()
                + "-" + System.nanoTime());
        int digits = Integer.toString(Math.max(0, domain.size() - 1)).length();
        Map<Integer, Path> classDirs = new HashMap<>();
        List<String> directoryNames = directoryNames(domain.classNames());
        int written = 0;
        try (Progress progress = Progress.start("export " + domain.name(), domain.size(), 0)) {
            Files.createDirectories(staged);
            for (int i = 0; i < domain.size(); i++) {
                int label = domain.label(i);
                Path classDir = classDirs.get(label);
                if (classDir == null) {
                    classDir = staged.resolve(label == Domain.UNLABELLED ? UNLABELLED_DIR : directoryNames.get(label));
                    Files.createDirectories(classDir);
                    classDirs.put(label, classDir);
                }
                Path file = classDir.resolve(String.format(Locale.ROOT, "%0" + digits + "d.png", i));
                BufferedImage image = domain.load(i);
                if (!ImageIO.write(image, "png", file.toFile())) {
                    throw new IllegalStateException("no PNG writer in this JVM");
                }
                written++;
                progress.step(i + 1, "");
            }
            AtomicFiles.replaceDirectory(staged, target);
        } catch (IOException e) {
            deleteQuietly(staged);
            throw new UncheckedIOException(out + ": cannot export " + domain.name() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(staged);
            throw e;
        }
        return written;
    }

    /**
     * A directory name per class: the class name with path separators and other characters no file
     * system takes replaced by '_', made unique when two names collapse to one.
     */
    static List<String> directoryNames(List<String> classNames) {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < classNames.size(); k++) {
            String safe = classNames.get(k).replaceAll("[/\\\\:*?\"<>|\\x00-\\x1f]", "_").strip();
            if (safe.isEmpty() || safe.startsWith(".")) {
                safe = "_" + safe;
            }
            String unique = safe;
            for (int n = 2; names.contains(unique); n++) {
                unique = safe + "_" + n;
            }
            names.add(unique);
        }
        return names;
    }

    private static void deleteQuietly(Path dir) {
        try {
            AtomicFiles.deleteRecursively(dir);
        } catch (IOException | RuntimeException e) {
            // The export already failed; a leftover hidden staging directory is the lesser problem.
        }
    }
}
