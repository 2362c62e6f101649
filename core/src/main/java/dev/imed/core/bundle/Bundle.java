package dev.imed.core.bundle;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A model on disk: a directory holding {@code manifest.json} and {@code weights.params} (DJL's
 * parameter format). Bundles are written under a temporary name and renamed, and loading verifies the
 * checksum and every parameter's shape, naming what does not match.
 */
public final class Bundle {
    public static final String MANIFEST = "manifest.json";
    public static final String WEIGHTS = "weights.params";

    private final Path dir;
    private final Manifest manifest;

    private Bundle(Path dir, Manifest manifest) {
        this.dir = dir;
        this.manifest = manifest;
    }

    public Path dir() {
        return dir;
    }

    public Manifest manifest() {
        return manifest;
    }

    public String sha256() {
        return manifest.weightsSha256();
    }

    /** Reads a bundle's manifest and checks its weights against the recorded sha256. */
    public static Bundle open(Path dir) {
        Path manifestFile = dir.resolve(MANIFEST);
        Path weights = dir.resolve(WEIGHTS);
        if (!Files.isDirectory(dir)) {
            throw new BundleException(dir + ": no such bundle directory");
        }
        if (!Files.isRegularFile(manifestFile)) {
            throw new BundleException(dir + ": not a bundle (no " + MANIFEST + ")");
        }
        if (!Files.isRegularFile(weights)) {
            throw new BundleException(dir + ": the bundle has no " + WEIGHTS);
        }
        Manifest manifest;
        try {
            manifest = Json.MAPPER.readValue(manifestFile.toFile(), Manifest.class);
        } catch (IOException e) {
            throw new BundleException(manifestFile + ": unreadable manifest: " + e.getMessage(), e);
        }
        if (manifest.format() != Manifest.FORMAT) {
            throw new BundleException(manifestFile + ": bundle format " + manifest.format() + ", this imed reads " + Manifest.FORMAT);
        }
        String actual = sha256(weights);
        if (!actual.equals(manifest.weightsSha256())) {
            throw new BundleException(weights + ": checksum mismatch: manifest says " + manifest.weightsSha256()
                    + ", file has " + actual + " (the weights were changed or truncated)");
        }
        return new Bundle(dir, manifest);
    }

    /** Loads the weights into {@code block}, which must have been built and initialised for this bundle. */
    public void loadInto(Block block, NDManager manager) {
        Map<String, Shape> expected = shapes(block);
        Path weights = dir.resolve(WEIGHTS);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(weights)))) {
            ParameterLoading.load(block, manager, in);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            throw new BundleException(weights + ": does not fit the " + manifest.kind() + " network "
                    + manifest.architecture() + ": " + e.getMessage(), e);
        }
        Map<String, Shape> loaded = shapes(block);
        for (Map.Entry<String, Shape> entry : expected.entrySet()) {
            Shape got = loaded.get(entry.getKey());
            if (entry.getValue() != null && got != null && !entry.getValue().equals(got)) {
                throw new BundleException(weights + ": parameter " + entry.getKey() + " has shape " + got
                        + " but the network needs " + entry.getValue());
            }
        }
    }

    /**
     * Writes {@code block}'s parameters and the manifest as a bundle at {@code dir}, replacing what was
     * there only once the new bundle is complete.
     */
    public static Bundle write(Path dir, Manifest manifest, Block block) {
        Path target = dir.toAbsolutePath().normalize();
        Path staged = null;
        try {
            Files.createDirectories(target.getParent());
            staged = Files.createTempDirectory(target.getParent(), "." + target.getFileName() + ".tmp");
            Manifest complete = writeFiles(staged, manifest, block);
            AtomicFiles.replaceDirectory(staged, target);
            staged = null;
            return new Bundle(target, complete);
        } catch (IOException e) {
            throw new BundleException(target + ": cannot write bundle: " + e.getMessage(), e);
        } finally {
            // A failed write (I/O error, a block that cannot save) leaves no half-written staging directory.
            if (staged != null) {
                try {
                    AtomicFiles.deleteRecursively(staged);
                } catch (IOException ignored) {
                    // Best effort: the failure being reported matters more.
                }
            }
        }
    }

    /**
     * Writes {@code block}'s parameters and the completed manifest (checksum, creation time) into the
     * existing, empty directory {@code staged}, each file and then the directory forced to the disk, so
     * that renaming {@code staged} into place afterwards publishes a bundle that survives a power cut.
     * Returns the manifest written.
     */
    public static Manifest writeFiles(Path staged, Manifest manifest, Block block) throws IOException {
        String sha;
        Path weights = staged.resolve(WEIGHTS);
        try (FileChannel channel = FileChannel.open(weights, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
             DigestOutputStream digest = new DigestOutputStream(new BufferedOutputStream(Channels.newOutputStream(channel)),
                     sha256Digest());
             DataOutputStream out = new DataOutputStream(digest)) {
            block.saveParameters(out);
            out.flush();
            channel.force(true);
            sha = HexFormat.of().formatHex(digest.getMessageDigest().digest());
        }
        Manifest complete = new Manifest(Manifest.FORMAT, manifest.kind(), manifest.method(), manifest.architecture(),
                manifest.classNames(), manifest.input(), manifest.training(), manifest.seed(), manifest.source(),
                manifest.target(), manifest.metrics(), manifest.lineage(),
                manifest.created() != null ? manifest.created() : Instant.now().toString(), sha, manifest.version());
        writeManifestFile(staged, complete);
        AtomicFiles.fsyncDirectory(staged);
        return complete;
    }

    /** Writes {@code manifest.json} into {@code dir} (a staging directory) and forces it to the disk. */
    public static void writeManifestFile(Path dir, Manifest manifest) throws IOException {
        Path file = dir.resolve(MANIFEST);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap((Json.write(manifest) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            channel.force(true);
        }
    }

    /**
     * Where a trainer assembles the bundle for {@code dir} (writes it, then completes it: tuned members, metrics
     * measured on the target) before {@link #publishAt} puts it in place.
     */
    public static Path stagingDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".staging");
    }

    /**
     * Moves this bundle, complete, to {@code dir} in one rename (replacing what was there): a run killed while the
     * bundle was still being completed leaves nothing at {@code dir} that a stage cache would reuse.
     */
    public Bundle publishAt(Path dir) {
        Path target = dir.toAbsolutePath().normalize();
        try {
            AtomicFiles.replaceDirectory(this.dir, target);
        } catch (IOException e) {
            throw new BundleException(target + ": cannot put the finished bundle in place: " + e.getMessage(), e);
        }
        return new Bundle(target, manifest);
    }

    /**
     * Writes {@code block} under {@code dir}'s staging name, lets {@code complete} add what is measured on the written
     * bundle (target metrics), and only then publishes it at {@code dir}: a run killed in between leaves no bundle
     * without its metrics for a stage cache to reuse.
     */
    public static Bundle writeAndPublish(Path dir, Manifest manifest, Block block, UnaryOperator<Bundle> complete) {
        Path staging = stagingDir(dir);
        try {
            return complete.apply(write(staging, manifest, block)).publishAt(dir);
        } catch (RuntimeException e) {
            try {
                AtomicFiles.deleteRecursively(staging); // an incomplete bundle is of no use to anyone
            } catch (IOException ignored) {
                // Best effort: the failure being reported matters more.
            }
            throw e;
        }
    }

    /** Records one metric in the manifest (e.g. {@code "target"}, measured for reporting only), atomically. */
    public Bundle withMetric(String name, Object value) {
        Map<String, Object> metrics = new LinkedHashMap<>(manifest.metrics());
        metrics.put(name, value);
        return updateManifest(manifest.withMetrics(metrics));
    }

    /** Rewrites only the manifest (e.g. to record measured metrics), atomically. */
    public Bundle updateManifest(Manifest updated) {
        if (!updated.weightsSha256().equals(manifest.weightsSha256())) {
            throw new BundleException(dir + ": a manifest update must keep the weights' checksum");
        }
        AtomicFiles.writeString(dir.resolve(MANIFEST), Json.write(updated) + "\n");
        return new Bundle(dir, updated);
    }

    public static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(new BufferedInputStream(Files.newInputStream(file)), sha256Digest())) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new BundleException(file + ": unreadable: " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Shape> shapes(Block block) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter parameter = p.getValue();
            shapes.put(p.getKey(), parameter.isInitialized() ? parameter.getArray().getShape() : null);
        }
        return shapes;
    }
}
