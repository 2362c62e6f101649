package dev.imed.distill.registry;

import ai.djl.nn.Block;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.BundleException;
import dev.imed.core.bundle.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory of student versions, {@code v000001/}, {@code v000002/}, … each a complete bundle.
 * A version appears only once it is complete (staged under a hidden name, then renamed), so a
 * reader that lists the directory never sees half a bundle. The newest version is the highest.
 */
public final class StudentRegistry {
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d{6,})");

    private final Path root;

    public StudentRegistry(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Version numbers present, ascending. */
    public List<Long> versions() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(p -> VERSION_DIR.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list the registry", e);
        }
    }

    public Optional<Long> latestVersion() {
        List<Long> versions = versions();
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    public Path directory(long version) {
        return root.resolve(String.format("v%06d", version));
    }

    /** The newest version's directory, if any. */
    public Optional<Path> latest() {
        return latestVersion().map(this::directory);
    }

    /**
     * Publishes {@code block} as the next version: the manifest gets the version number and its parent
     * (the previous newest) in its lineage.
     */
    public synchronized Bundle publish(Manifest manifest, Block block) {
        long next = latestVersion().orElse(0L) + 1;
        java.util.Map<String, String> lineage = new java.util.LinkedHashMap<>(manifest.lineage());
        latestVersion().ifPresent(v -> lineage.put("parentVersion", Long.toString(v)));
        Manifest versioned = new Manifest(manifest.format(), manifest.kind(), manifest.method(), manifest.architecture(),
                manifest.classNames(), manifest.input(), manifest.training(), manifest.seed(), manifest.source(),
                manifest.target(), manifest.metrics(), lineage, manifest.created(), manifest.weightsSha256(), next);
        Path target = directory(next);
        if (Files.exists(target)) {
            throw new BundleException(target + ": version already exists");
        }
        return Bundle.write(target, versioned, block);
    }

    /** Copies an existing student bundle into the registry as its next version. */
    public synchronized Bundle publishCopy(Bundle student) {
        long next = latestVersion().orElse(0L) + 1;
        Path target = directory(next);
        try {
            Files.createDirectories(root);
            Path staged = Files.createTempDirectory(root, ".v" + next + ".tmp");
            Files.copy(student.dir().resolve(Bundle.WEIGHTS), staged.resolve(Bundle.WEIGHTS));
            Manifest m = student.manifest().withVersion(next);
            Files.writeString(staged.resolve(Bundle.MANIFEST), dev.imed.core.bundle.Json.write(m) + "\n");
            Files.move(staged, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return Bundle.open(target);
        } catch (IOException e) {
            throw new UncheckedIOException(target + ": cannot publish: " + e.getMessage(), e);
        }
    }

    /** The versions sorted newest first. */
    public List<Long> newestFirst() {
        return versions().stream().sorted(Comparator.reverseOrder()).toList();
    }
}
