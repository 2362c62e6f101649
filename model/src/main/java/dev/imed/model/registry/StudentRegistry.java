package dev.imed.model.registry;

import ai.djl.nn.Block;
import dev.imed.core.bundle.AtomicFiles;
import dev.imed.core.bundle.Bundle;
import dev.imed.core.bundle.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of student versions, {@code v000001/}, {@code v000002/}, … each a complete bundle, and
 * a {@code current} pointer saying which one servers follow.
 *
 * <p><b>Publishing</b> is safe against concurrent publishers (threads or processes) and crashes:
 * <ol>
 *   <li>the version number is <em>claimed</em> by an exclusive create of {@code .claims/v000007}; a
 *       publisher that finds the claim taken tries the next number, so two publishers never write the
 *       same version (a failed or killed publish leaves its number unused, a gap);
 *   <li>the bundle is written into a hidden staging directory {@code .v000007.staging-*}, every file
 *       and the directory forced to the disk;
 *   <li>the staging directory is renamed to {@code v000007} (atomic) and the registry directory forced
 *       to the disk.
 * </ol>
 * A reader that lists the registry therefore never sees half a bundle: a crash before the rename
 * leaves only a hidden staging directory, which is ignored ({@link #staleStaging()} lists them).
 *
 * <p><b>The pointer</b> {@code current} holds {@code latest} (or is absent): servers follow the newest
 * valid version; or {@code v000007}: servers serve that version (pinned). It is written atomically.
 */
public final class StudentRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(StudentRegistry.class);
    private static final Pattern VERSION_DIR = Pattern.compile("v(\\d{6,})");
    /** Where version numbers are claimed, one empty file per number. */
    public static final String CLAIMS = ".claims";
    /** The pointer file. */
    public static final String POINTER = "current";
    /** The pointer's content when servers follow the newest valid version. */
    public static final String LATEST = "latest";

    private final Path root;

    public StudentRegistry(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** Version numbers present (renamed into place), ascending. */
    public List<Long> versions() {
        return numbers(root, VERSION_DIR);
    }

    private static List<Long> numbers(Path dir, Pattern pattern) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> pattern.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .map(m -> Long.parseLong(m.group(1)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot list the registry", e);
        }
    }

    public Optional<Long> latestVersion() {
        List<Long> versions = versions();
        return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
    }

    public static String name(long version) {
        return String.format("v%06d", version);
    }

    public Path directory(long version) {
        return root.resolve(name(version));
    }

    /** The newest version's directory, if any. */
    public Optional<Path> latest() {
        return latestVersion().map(this::directory);
    }

    /** The versions sorted newest first. */
    public List<Long> newestFirst() {
        return versions().stream().sorted(Comparator.reverseOrder()).toList();
    }

    // ---------------------------------------------------------------- validity

    /** Why {@code version} cannot be served (missing, no manifest, checksum mismatch…), or empty if it is a sound bundle. */
    public Optional<String> problem(long version) {
        Path dir = directory(version);
        if (!Files.isDirectory(dir)) {
            return Optional.of("version " + version + " does not exist in " + root);
        }
        try {
            Bundle bundle = Bundle.open(dir);
            long recorded = bundle.manifest().version();
            if (recorded != 0 && recorded != version) {
                return Optional.of(dir + ": the manifest says version " + recorded);
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    public boolean isValid(long version) {
        return problem(version).isEmpty();
    }

    /** The newest version that {@link #isValid}, if any. */
    public Optional<Long> newestValid() {
        return newestValidBelow(Long.MAX_VALUE);
    }

    /** The newest valid version lower than {@code version}, if any. */
    public Optional<Long> newestValidBelow(long version) {
        for (long v : newestFirst()) {
            if (v < version && isValid(v)) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    /** Hidden staging directories left by publishers that died before their rename (safe to delete once none is running). */
    public List<Path> staleStaging() {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(root)) {
            return entries.filter(p -> p.getFileName().toString().matches("\\.v\\d{6,}\\.staging-.*")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot list the registry", e);
        }
    }

    // ---------------------------------------------------------------- the pointer

    /**
     * The pinned version, or empty when servers follow the newest valid version (pointer absent or
     * {@value #LATEST}). A pointer that names no version is an error naming the file.
     */
    public Optional<Long> pinned() {
        Path file = root.resolve(POINTER);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read the pointer: " + e.getMessage(), e);
        }
        if (text.isEmpty() || text.equals(LATEST)) {
            return Optional.empty();
        }
        Matcher m = VERSION_DIR.matcher(text);
        if (!m.matches()) {
            throw new IllegalStateException(file + ": malformed pointer '" + abbreviate(text) + "': expected '" + LATEST
                    + "' or a version such as v000007");
        }
        return Optional.of(Long.parseLong(m.group(1)));
    }

    /** The version a server follows: the pinned one, else the newest valid one. */
    public Optional<Long> serving() {
        Optional<Long> pin = pinned();
        return pin.isPresent() ? pin : newestValid();
    }

    /** Pins {@code version}, which must exist and be a sound bundle (else {@link IllegalArgumentException}). */
    public void pin(long version) {
        Optional<String> problem = problem(version);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("cannot pin version " + version + ": " + problem.get());
        }
        writePointer(name(version));
        LOG.info("{}: pinned version {}", root, version);
    }

    /** Servers follow the newest valid version again. */
    public void unpin() {
        writePointer(LATEST);
        LOG.info("{}: unpinned, servers follow the newest valid version", root);
    }

    /**
     * Pins the newest valid version before the one {@link #serving()} and returns it; an
     * {@link IllegalArgumentException} when there is none.
     */
    public long rollback() {
        long now = serving().orElseThrow(() -> new IllegalArgumentException(root + ": no valid version to roll back from"));
        long previous = newestValidBelow(now).orElseThrow(() -> new IllegalArgumentException(
                root + ": no valid version before version " + now + " to roll back to"));
        pin(previous);
        return previous;
    }

    private void writePointer(String text) {
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException(root + ": the registry directory does not exist");
        }
        AtomicFiles.writeString(root.resolve(POINTER), text + "\n");
    }

    // ---------------------------------------------------------------- publishing

    /**
     * Publishes {@code block} as the next version: the manifest gets the version number and its parent
     * (the newest version below it) in its lineage.
     */
    public Bundle publish(Manifest manifest, Block block) {
        return publishStaged((version, staged) -> Bundle.writeFiles(staged, versioned(manifest, version), block));
    }

    /** Copies an existing student bundle into the registry as its next version. */
    public Bundle publishCopy(Bundle student) {
        return publishCopy(student, Map.of());
    }

    /** Copies a student bundle as the next version, with {@code extraMetrics} added to its manifest's metrics. */
    public Bundle publishCopy(Bundle student, Map<String, Object> extraMetrics) {
        return publishStaged((version, staged) -> {
            Path weights = staged.resolve(Bundle.WEIGHTS);
            Files.copy(student.dir().resolve(Bundle.WEIGHTS), weights);
            AtomicFiles.fsync(weights);
            Map<String, Object> metrics = new LinkedHashMap<>(student.manifest().metrics());
            metrics.putAll(extraMetrics);
            Manifest m = versioned(student.manifest().withMetrics(metrics), version);
            Bundle.writeManifestFile(staged, m);
            AtomicFiles.fsyncDirectory(staged);
            return m;
        });
    }

    private Manifest versioned(Manifest manifest, long version) {
        Map<String, String> lineage = new LinkedHashMap<>(manifest.lineage());
        lineage.remove("parentVersion");
        newestFirst().stream().filter(v -> v < version).findFirst()
                .ifPresent(v -> lineage.put("parentVersion", Long.toString(v)));
        return new Manifest(manifest.format(), manifest.kind(), manifest.method(), manifest.architecture(),
                manifest.classNames(), manifest.input(), manifest.training(), manifest.seed(), manifest.source(),
                manifest.target(), manifest.metrics(), lineage, manifest.created(), manifest.weightsSha256(), version);
    }

    /** Fills a staging directory for a claimed version. */
    @FunctionalInterface
    private interface Stager {
        Manifest write(long version, Path staged) throws IOException;
    }

    private Bundle publishStaged(Stager stager) {
        long version;
        Path staged = null;
        try {
            version = claim();
            staged = Files.createTempDirectory(root, "." + name(version) + ".staging-");
            stager.write(version, staged);
            Path target = directory(version);
            Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            staged = null;
            AtomicFiles.fsyncDirectory(root);
            LOG.info("{}: published version {}", root, version);
            return Bundle.open(target);
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot publish: " + e.getMessage(), e);
        } finally {
            if (staged != null) {
                try {
                    AtomicFiles.deleteRecursively(staged);
                } catch (IOException ignored) {
                    // Best effort: the failure being reported matters more; a leftover is hidden anyway.
                }
            }
        }
    }

    /**
     * Claims the next free version number with an exclusive create of {@code .claims/vNNNNNN}, which
     * exactly one of any number of concurrent publishers wins; the others move on to the next number.
     */
    private long claim() throws IOException {
        Path claims = root.resolve(CLAIMS);
        Files.createDirectories(claims);
        long highest = Math.max(latestVersion().orElse(0L),
                numbers(claims, VERSION_DIR).stream().mapToLong(Long::longValue).max().orElse(0L));
        for (long candidate = highest + 1; ; candidate++) {
            try {
                Files.createFile(claims.resolve(name(candidate)));
            } catch (FileAlreadyExistsException taken) {
                continue;
            }
            if (Files.exists(directory(candidate))) {
                continue; // a version published before claims existed
            }
            AtomicFiles.fsyncDirectory(claims);
            return candidate;
        }
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    /** The manifest of a version as recorded (not checked against the weights), or empty if unreadable. */
    public Optional<Manifest> manifest(long version) {
        try {
            return Optional.of(dev.imed.core.bundle.Json.MAPPER.readValue(
                    directory(version).resolve(Bundle.MANIFEST).toFile(), Manifest.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
