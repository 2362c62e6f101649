package dev.imed.streaming.source;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The image files under a directory (recursively; names starting with '.' or '_' are skipped, so a
 * writer can stage a file under a hidden name and rename it when complete), each read whole as one
 * {@link ImageFile}, the files of each listing in a shuffled order (see {@link FileBatchEnumerator}).
 * Bounded: the files present when the job starts. Continuous: also every file that lands later,
 * looked for every monitoring interval.
 *
 * <p>Unlike Flink's {@code FileSource}, whose every split is one file, a split here is a batch of up
 * to {@code filesPerSplit} files ({@link FileBatch}): asking the enumerator for a split and setting
 * up its reading cost milliseconds, which for small images was most of the job's time. The
 * enumerator's pending splits (and, continuous, a bounded record of the files it has taken: a
 * modification-time floor and the files since, see {@link SeenFiles}) and each reader's position in
 * its splits are checkpointed, so a restored job reads every file exactly once. A file that changes
 * (size or modification time) after it was taken is taken again: one read while it was still being
 * written, and dead-lettered for it, is retried when complete.
 */
public final class ImageFileSource
        implements Source<ImageFile, FileBatch, FileBatchEnumerator.State>, ResultTypeQueryable<ImageFile> {
    private static final long serialVersionUID = 1L;

    /**
     * What the source reads.
     *
     * @param directory the directory, as a Flink file system URI ({@code file:/…} for a local one)
     * @param continuous whether to keep looking for new files
     * @param monitorIntervalMs between two listings of a continuous source
     * @param maxFileBytes larger files are not read (their record says so)
     * @param filesPerSplit the most files in one split
     * @param latenessMs how much older than the newest file listed a file may be and still be taken
     *     when it appears (a continuous source; see {@link SeenFiles})
     * @param recentFiles the most files a continuous source remembers one by one
     */
    public record Settings(String directory, boolean continuous, long monitorIntervalMs, long maxFileBytes,
                           int filesPerSplit, long latenessMs, int recentFiles) implements Serializable {
        /** A file may land up to 5 minutes older than the newest one listed. */
        public static final long DEFAULT_LATENESS_MS = 5 * 60_000L;
        /** Files remembered one by one, about 10 MB of checkpoint at most. */
        public static final int DEFAULT_RECENT_FILES = 100_000;

        public Settings {
            java.util.Objects.requireNonNull(directory, "directory");
            if (monitorIntervalMs <= 0 || maxFileBytes <= 0 || filesPerSplit <= 0 || latenessMs < 0 || recentFiles <= 0) {
                throw new IllegalArgumentException("the monitoring interval (" + monitorIntervalMs + " ms), byte limit ("
                        + maxFileBytes + "), files per split (" + filesPerSplit + ") and remembered files (" + recentFiles
                        + ") must be positive, the lateness (" + latenessMs + " ms) not negative");
            }
        }

        public Settings(String directory, boolean continuous, long monitorIntervalMs, long maxFileBytes, int filesPerSplit) {
            this(directory, continuous, monitorIntervalMs, maxFileBytes, filesPerSplit, DEFAULT_LATENESS_MS, DEFAULT_RECENT_FILES);
        }

        public Settings withSeenFiles(long lateness, int recent) {
            return new Settings(directory, continuous, monitorIntervalMs, maxFileBytes, filesPerSplit, lateness, recent);
        }
    }

    private final Settings settings;

    public ImageFileSource(Settings settings) {
        this.settings = settings;
    }

    /** A source of the files under a local (or mounted) directory. */
    public static ImageFileSource of(java.nio.file.Path dir, boolean continuous, Duration monitorInterval, long maxFileBytes,
                                     int filesPerSplit) {
        String uri = Path.fromLocalFile(dir.toAbsolutePath().normalize().toFile()).toUri().toString();
        return new ImageFileSource(new Settings(uri, continuous, monitorInterval.toMillis(), maxFileBytes, filesPerSplit));
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return settings.continuous() ? Boundedness.CONTINUOUS_UNBOUNDED : Boundedness.BOUNDED;
    }

    @Override
    public SourceReader<ImageFile, FileBatch> createReader(SourceReaderContext context) {
        return new FileBatchReader(context, settings.maxFileBytes());
    }

    @Override
    public SplitEnumerator<FileBatch, FileBatchEnumerator.State> createEnumerator(SplitEnumeratorContext<FileBatch> context) {
        return new FileBatchEnumerator(context, settings, FileBatchEnumerator.initialState(settings));
    }

    @Override
    public SplitEnumerator<FileBatch, FileBatchEnumerator.State> restoreEnumerator(SplitEnumeratorContext<FileBatch> context,
                                                                                  FileBatchEnumerator.State state) {
        return new FileBatchEnumerator(context, settings, state);
    }

    @Override
    public SimpleVersionedSerializer<FileBatch> getSplitSerializer() {
        return FileBatch.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<FileBatchEnumerator.State> getEnumeratorCheckpointSerializer() {
        return FileBatchEnumerator.StateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<ImageFile> getProducedType() {
        return TypeInformation.of(ImageFile.class);
    }
}
