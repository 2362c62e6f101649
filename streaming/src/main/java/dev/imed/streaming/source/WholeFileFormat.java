package dev.imed.streaming.source;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.Path;

/**
 * Reads each file whole, as one {@link ImageFile} record carrying its path. A bulk format rather than
 * a stream format because only a bulk reader is told which file it reads. Files are never split; a
 * file larger than {@code maxBytes} is not read at all (its record says so), so one huge upload cannot
 * exhaust a task's memory.
 */
public final class WholeFileFormat implements BulkFormat<ImageFile, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    private final long maxBytes;

    public WholeFileFormat(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the byte limit must be positive: " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /**
     * A source of the image files under {@code dir} (recursively; names starting with '.' or '_' are
     * skipped, so a writer can stage a file under a hidden name and rename it when complete). Bounded:
     * the files present when the job starts. Continuous: new files as they land, looked for every
     * {@code monitorInterval}.
     */
    public static FileSource<ImageFile> source(java.nio.file.Path dir, boolean continuous, Duration monitorInterval,
                                               long maxBytes) {
        FileSource.FileSourceBuilder<ImageFile> builder =
                FileSource.forBulkFileFormat(new WholeFileFormat(maxBytes), Path.fromLocalFile(dir.toAbsolutePath().toFile()));
        if (continuous) {
            builder.monitorContinuously(monitorInterval);
        }
        return builder.build();
    }

    @Override
    public Reader<ImageFile> createReader(Configuration config, FileSourceSplit split) {
        return new WholeFileReader(split, false, maxBytes);
    }

    @Override
    public Reader<ImageFile> restoreReader(Configuration config, FileSourceSplit split) {
        // A split's only record is emitted with "one record after the start" as its position: a restored
        // split at that position was already delivered.
        boolean delivered = split.getReaderPosition().map(p -> p.getRecordsAfterOffset() > 0).orElse(false);
        return new WholeFileReader(split, delivered, maxBytes);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ImageFile> getProducedType() {
        return TypeInformation.of(ImageFile.class);
    }

    /** The path as users see it: a plain local path for local files, the URI otherwise. */
    static String displayPath(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme == null || scheme.equals("file") ? path.toUri().getPath() : path.toString();
    }

    private static final class WholeFileReader implements Reader<ImageFile> {
        private final FileSourceSplit split;
        private final long maxBytes;
        private boolean done;

        WholeFileReader(FileSourceSplit split, boolean done, long maxBytes) {
            this.split = split;
            this.done = done;
            this.maxBytes = maxBytes;
        }

        @Override
        public RecordIterator<ImageFile> readBatch() {
            if (done) {
                return null;
            }
            done = true;
            SingletonResultIterator<ImageFile> one = new SingletonResultIterator<>();
            one.set(read(), CheckpointedPosition.NO_OFFSET, 1);
            return one;
        }

        private ImageFile read() {
            String path = displayPath(split.path());
            long size = split.fileSize();
            if (size > maxBytes) {
                return ImageFile.unread(path, size, ImageFile.TOO_LARGE, size + " bytes, the limit is " + maxBytes);
            }
            try (InputStream in = split.path().getFileSystem().open(split.path())) {
                // One byte more than the limit tells a file that grew since it was listed.
                byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
                if (bytes.length > maxBytes) {
                    return ImageFile.unread(path, bytes.length, ImageFile.TOO_LARGE, "more than " + maxBytes + " bytes (it grew after it was listed)");
                }
                return ImageFile.read(path, bytes);
            } catch (IOException | RuntimeException e) {
                // A file deleted or unreadable between listing and reading is a dead letter, not a job failure.
                return ImageFile.unread(path, size, ImageFile.UNREADABLE, e.toString());
            }
        }

        @Override
        public void close() {
            // Nothing stays open between batches.
        }
    }
}
