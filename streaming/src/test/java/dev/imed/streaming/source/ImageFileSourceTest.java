package dev.imed.streaming.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imed.streaming.sink.JsonLines;
import dev.imed.streaming.source.FileBatch.ListedFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The batched file source on a real mini cluster over real files: every visible file once, hidden
 * ones never, oversized ones flagged unread; a failure in the middle of a split resumes at the
 * checkpointed position; a continuous source picks up files that land later.
 */
class ImageFileSourceTest {
    @TempDir
    Path dir;

    @Test
    void readsEveryVisibleFileOnceWholeAcrossSeveralReaders() throws Exception {
        Path input = dir.resolve("input");
        Map<String, byte[]> expected = writeFiles(input, 103);
        Files.write(input.resolve(".staged.png"), new byte[] {1});
        Files.write(input.resolve("a").resolve("_temporary.png"), new byte[] {2});
        Files.write(input.resolve("big.bin"), new byte[5000]);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(3, new Configuration());
        ImageFileSource source = ImageFileSource.of(input, false, Duration.ofSeconds(1), 4096, 7);
        Map<String, ImageFile> read = new HashMap<>();
        try (CloseableIterator<ImageFile> files = env.fromSource(source, WatermarkStrategy.noWatermarks(), "files")
                .executeAndCollect("bounded file batches")) {
            files.forEachRemaining(f -> assertThat(read.put(f.path(), f)).as("read twice: " + f.path()).isNull());
        }

        assertThat(read).hasSize(expected.size() + 1);
        expected.forEach((path, bytes) -> {
            assertThat(read).containsKey(path);
            assertThat(read.get(path).wasRead()).isTrue();
            assertThat(read.get(path).bytes()).isEqualTo(bytes);
            assertThat(read.get(path).size()).isEqualTo(bytes.length);
        });
        ImageFile big = read.get(input.resolve("big.bin").toString());
        assertThat(big.wasRead()).isFalse();
        assertThat(big.problem()).isEqualTo(ImageFile.TOO_LARGE);
        assertThat(big.size()).isEqualTo(5000);
        assertThat(big.detail()).contains("5000 bytes", "4096");
    }

    @Test
    void mixesTheFilesOfOneListing() throws Exception {
        Path input = dir.resolve("input");
        // One class folder written after the other: by name and by time alike, all cats come first.
        for (int i = 0; i < 40; i++) {
            Path file = input.resolve(i < 20 ? "cat" : "dog").resolve(String.format("%02d.png", i));
            Files.createDirectories(file.getParent());
            Files.write(file, new byte[] {(byte) i});
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        List<String> read = new ArrayList<>();
        try (CloseableIterator<ImageFile> files = env.fromSource(ImageFileSource.of(input, false, Duration.ofSeconds(1), 4096, 6),
                WatermarkStrategy.noWatermarks(), "files").executeAndCollect("file order")) {
            files.forEachRemaining(f -> read.add(f.path()));
        }
        assertThat(read).hasSize(40).doesNotHaveDuplicates();
        long cats = read.subList(0, 20).stream().filter(p -> p.contains("/cat/")).count();
        assertThat(cats).as("cats among the first 20 files read").isBetween(5L, 15L);
    }

    // Static: the function is serialised into the job, and the restart makes a new instance.
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger CHECKPOINTS = new AtomicInteger();

    /** Slows the stream so checkpoints fall inside splits, and fails once after two of them. */
    static final class FailOnceMidStream extends RichMapFunction<ImageFile, String> implements CheckpointListener {
        private transient int seen;

        @Override
        public String map(ImageFile file) throws Exception {
            Thread.sleep(3);
            if (++seen > 60 && CHECKPOINTS.get() >= 2 && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure after " + seen + " files");
            }
            return file.path();
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            CHECKPOINTS.incrementAndGet();
        }
    }

    @Test
    void aFailureInsideASplitResumesAtTheCheckpointedFile() throws Exception {
        Path input = dir.resolve("input");
        Map<String, byte[]> expected = writeFiles(input, 240);
        Path out = dir.resolve("out");
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        // 40 files a split: every checkpoint finds the readers part-way through one.
        env.fromSource(ImageFileSource.of(input, false, Duration.ofSeconds(1), 4096, 40), WatermarkStrategy.noWatermarks(), "files")
                .map(new FailOnceMidStream()).returns(Types.STRING)
                .sinkTo(JsonLines.sink(out, "paths"));
        env.execute("file batches with a failure");

        assertThat(FAILED).as("the failure was injected").isTrue();
        List<String> written = new ArrayList<>();
        try (Stream<Path> files = Files.list(out)) {
            for (Path file : files.filter(f -> !f.getFileName().toString().startsWith(".")).toList()) {
                written.addAll(Files.readAllLines(file));
            }
        }
        assertThat(written).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected.keySet());
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // a source that stops delivering would block next() forever
    void aContinuousSourcePicksUpFilesThatLandLater() throws Exception {
        Path input = Files.createDirectories(dir.resolve("incoming"));
        Map<String, byte[]> first = writeFiles(input.resolve("first"), 30);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        ImageFileSource source = ImageFileSource.of(input, true, Duration.ofMillis(100), 4096, 8);
        List<String> read = new ArrayList<>();
        try (CloseableIterator<ImageFile> files = env.fromSource(source, WatermarkStrategy.noWatermarks(), "files")
                .executeAndCollect("continuous file batches")) {
            take(files, read, 30);
            assertThat(read).containsExactlyInAnyOrderElementsOf(first.keySet());

            // Staged under a hidden name, then renamed: only the complete file is ever listed.
            Map<String, byte[]> second = writeFiles(dir.resolve("staging"), 13);
            List<String> landed = new ArrayList<>();
            for (String path : second.keySet()) {
                Path staged = Path.of(path);
                String name = staged.getParent().getFileName() + "-" + staged.getFileName();
                Files.move(staged, input.resolve("." + name));
                Files.move(input.resolve("." + name), input.resolve(name), StandardCopyOption.ATOMIC_MOVE);
                landed.add(input.resolve(name).toString());
            }
            take(files, read, 13);
            assertThat(read.subList(30, 43)).containsExactlyInAnyOrderElementsOf(landed);
        }
        assertThat(read).doesNotHaveDuplicates();
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aContinuousSourceRemembersBoundedlyManyFilesAndStillTakesEachOnce() throws Exception {
        Path input = Files.createDirectories(dir.resolve("incoming"));
        // Remember 10 files at most (an hour's lateness would keep them all): the floor rises past the rest.
        ImageFileSource source = new ImageFileSource(ImageFileSource.of(input, true, Duration.ofMillis(50), 4096, 4)
                .settings().withSeenFiles(3_600_000, 10));
        long base = System.currentTimeMillis() - 3_600_000;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, new Configuration());
        List<String> read = new ArrayList<>();
        List<String> written = new ArrayList<>();
        try (CloseableIterator<ImageFile> files = env.fromSource(source, WatermarkStrategy.noWatermarks(), "files")
                .executeAndCollect("bounded memory of seen files")) {
            for (int wave = 0; wave < 6; wave++) {
                // 25 files a wave, modified after the wave before's: far more than 10 to remember. Written
                // aside and moved in whole (a rename keeps the modification time).
                Path staging = dir.resolve("staging" + wave);
                Map<String, byte[]> staged = writeFiles(staging, 25);
                List<String> landed = new ArrayList<>();
                int i = 0;
                for (String path : staged.keySet()) {
                    Files.setLastModifiedTime(Path.of(path), java.nio.file.attribute.FileTime.fromMillis(base + wave * 1000L + i++));
                }
                Files.move(staging, input.resolve("wave" + wave), StandardCopyOption.ATOMIC_MOVE);
                for (String path : staged.keySet()) {
                    landed.add(input.resolve("wave" + wave).resolve(staging.relativize(Path.of(path))).toString());
                }
                written.addAll(landed);
                take(files, read, 25);
                assertThat(read.subList(wave * 25, (wave + 1) * 25)).containsExactlyInAnyOrderElementsOf(landed);
            }
            // One more file after them all: had any earlier file been taken again, it would come first.
            Path last = input.resolve("last.png");
            Files.write(last, new byte[] {9});
            take(files, read, 1);
            assertThat(read.get(read.size() - 1)).isEqualTo(last.toString());
        }
        assertThat(read).doesNotHaveDuplicates().hasSize(written.size() + 1);
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aFileThatChangesAfterItWasReadIsReadAgainAndAnUnchangedOneIsNot() throws Exception {
        Path input = Files.createDirectories(dir.resolve("incoming"));
        Path growing = input.resolve("growing.png");
        Path steady = input.resolve("steady.png");
        Files.write(growing, new byte[] {1, 2, 3});
        Files.write(steady, new byte[] {7});
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, new Configuration());
        List<ImageFile> read = new ArrayList<>();
        try (CloseableIterator<ImageFile> files = env.fromSource(ImageFileSource.of(input, true, Duration.ofMillis(50), 4096, 4),
                WatermarkStrategy.noWatermarks(), "files").executeAndCollect("changed files")) {
            read.add(files.next());
            read.add(files.next());
            // The writer was not finished: the file grows, its modification time moves (replaced whole, so
            // that no listing sees it half-way).
            Path next = dir.resolve("growing.next");
            Files.write(next, new byte[] {1, 2, 3, 4, 5, 6});
            Files.setLastModifiedTime(next, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(growing).toMillis() + 1000));
            Files.move(next, growing, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            read.add(files.next());
            // Two more files, one listing after the other: a file taken again by the first listing would
            // come before the second file.
            Files.write(input.resolve("later1.png"), new byte[] {8});
            read.add(files.next());
            Files.write(input.resolve("later2.png"), new byte[] {9});
            read.add(files.next());
        }
        List<String> paths = read.stream().map(ImageFile::path).toList();
        assertThat(paths.subList(0, 2)).containsExactlyInAnyOrder(growing.toString(), steady.toString());
        assertThat(paths.subList(2, 5)).containsExactly(growing.toString(), input.resolve("later1.png").toString(),
                input.resolve("later2.png").toString());
        assertThat(read.get(2).bytes()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void splitsAndEnumeratorStateSurviveSerialisation() throws IOException {
        FileBatch split = new FileBatch("17", List.of(new ListedFile("file:/in/a%20b.png", 12, 1_700_000_000_123L),
                new ListedFile("file:/in/c.png", 0, 5)), 1);
        FileBatch.Serializer splits = FileBatch.Serializer.INSTANCE;
        FileBatch back = splits.deserialize(splits.getVersion(), splits.serialize(split));
        assertThat(back).isEqualTo(split);
        assertThat(FileBatchReader.displayPath(new org.apache.flink.core.fs.Path(java.net.URI.create(back.files().get(0).uri()))))
                .isEqualTo("/in/a b.png");

        SeenFiles seen = new SeenFiles(1000, 10);
        seen.take(List.of(new ListedFile("file:/in/x.png", 3, 2000), new ListedFile("file:/in/y.png", 4, 500)), 10_000);
        FileBatchEnumerator.State state = new FileBatchEnumerator.State(18, true, List.of(split), seen);
        FileBatchEnumerator.StateSerializer states = FileBatchEnumerator.StateSerializer.INSTANCE;
        assertThat(states.deserialize(states.getVersion(), states.serialize(state))).isEqualTo(state);
    }

    private static void take(CloseableIterator<ImageFile> files, List<String> into, int n) {
        for (int i = 0; i < n; i++) {
            into.add(files.next().path());
        }
    }

    /** {@code n} small files with distinct contents in two subdirectories; path → content. */
    private static Map<String, byte[]> writeFiles(Path root, int n) throws IOException {
        Map<String, byte[]> files = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Path file = root.resolve(i % 2 == 0 ? "a" : "b").resolve(String.format("%04d.png", i));
            Files.createDirectories(file.getParent());
            byte[] bytes = ("image " + i + " ").repeat(1 + i % 5).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Files.write(file, bytes);
            files.put(file.toString(), bytes);
        }
        return files;
    }
}
