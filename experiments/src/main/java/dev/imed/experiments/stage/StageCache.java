package dev.imed.experiments.stage;

import dev.imed.core.bundle.AtomicFiles;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Json;
import dev.imed.ensemble.train.DivergedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where the stages of a suite or sweep are kept, each under its {@link StageKey}'s name. A stage is found
 * by its key or made and written under a temporary name, then renamed into place (bundles by their
 * trainers, JSON results here), so a stage on disk is always complete: a killed run leaves nothing half
 * written to trust.
 *
 * <p>Stages cached before the keys were content-addressed are not found (their names differ): they train again.
 */
public final class StageCache {
    private final Path root;

    /** A cache kept in {@code root} (made when the first stage is written). */
    public StageCache(Path root) {
        this.root = root;
    }

    /** What a lookup returned, and whether it was already on disk. */
    public record Found<T>(T value, boolean reused) {}

    /** Where the bundle of {@code key} is (or will be). */
    public Path bundleDir(StageKey key) {
        return root.resolve(key.directoryName());
    }

    /** Where the JSON result of {@code key} is (or will be). */
    public Path jsonFile(StageKey key) {
        return root.resolve(key.directoryName() + ".json");
    }

    /** The bundle of {@code key} if a complete, undamaged one is there. */
    public Optional<Bundle> find(StageKey key) {
        Path dir = bundleDir(key);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Bundle.open(dir));
        } catch (BundleException e) {
            return Optional.empty(); // damaged: made again rather than trusted
        }
    }

    /**
     * The bundle of {@code key}, found or made by {@code train} into the directory it is given. Training is
     * seeded, so a stage that diverged once diverges again: that is remembered beside it and thrown again
     * rather than retrained.
     */
    public Found<Bundle> bundle(StageKey key, Function<Path, Bundle> train) {
        Optional<Bundle> existing = find(key);
        if (existing.isPresent()) {
            return new Found<>(existing.get(), true);
        }
        Path dir = bundleDir(key);
        Path diverged = dir.resolveSibling(dir.getFileName() + ".diverged");
        if (Files.isRegularFile(diverged)) {
            try {
                throw new DivergedException(Files.readString(diverged).strip());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            return new Found<>(train.apply(dir), false);
        } catch (DivergedException e) {
            AtomicFiles.writeString(diverged, e.getMessage() + "\n");
            throw e;
        }
    }

    /**
     * The JSON result of {@code key}: read back by {@code read} (which answers empty for a file it cannot use),
     * or made by {@code make} and written atomically as {@code asJson} gives it.
     */
    public <T> Found<T> json(StageKey key, Function<Path, Optional<T>> read, Supplier<T> make, Function<T, Object> asJson) {
        Path file = jsonFile(key);
        if (Files.isRegularFile(file)) {
            Optional<T> cached = read.apply(file);
            if (cached.isPresent()) {
                return new Found<>(cached.get(), true);
            }
        }
        T made = make.get();
        Json.writeFile(file, asJson.apply(made));
        return new Found<>(made, false);
    }
}
