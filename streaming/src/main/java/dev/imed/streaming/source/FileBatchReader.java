package dev.imed.streaming.source;

import dev.imed.streaming.source.FileBatch.ListedFile;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.InputStatus;

/**
 * Reads the files of its splits whole, one per {@link #pollNext} call, on the task thread. There is
 * no fetcher thread: a small file is read in microseconds, far less than a hand-over between threads
 * costs, and a checkpoint barrier waits for at most one file. The next split is asked for as soon as
 * the current one is taken up, so the enumerator's answer arrives while this one is read.
 *
 * <p>Every method runs on the task's mailbox thread (Flink delivers splits and barriers there), so
 * no field needs a lock.
 */
final class FileBatchReader implements SourceReader<ImageFile, FileBatch> {
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    private final SourceReaderContext context;
    private final long maxBytes;
    private final ArrayDeque<FileBatch> queued = new ArrayDeque<>();
    private FileBatch current;
    private int position;
    private boolean requested;
    private boolean noMoreSplits;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    FileBatchReader(SourceReaderContext context, long maxBytes) {
        this.context = context;
        this.maxBytes = maxBytes;
    }

    @Override
    public void start() {
        requestIfIdle();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ImageFile> output) {
        while (current == null || position >= current.files().size()) {
            current = queued.poll();
            position = current == null ? 0 : current.next();
            requestIfIdle();
            if (current == null) {
                return noMoreSplits ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
            }
        }
        ListedFile file = current.files().get(position);
        output.collect(read(file, maxBytes));
        // Counted as emitted only now: a barrier between two calls records exactly the files sent before it.
        position++;
        return InputStatus.MORE_AVAILABLE;
    }

    private boolean hasFiles() {
        return (current != null && position < current.files().size()) || !queued.isEmpty();
    }

    /** One request in flight at most, and only when no split is queued behind the current one. */
    private void requestIfIdle() {
        if (!requested && !noMoreSplits && queued.isEmpty()) {
            requested = true;
            context.sendSplitRequest();
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        if (hasFiles() || noMoreSplits) {
            return AVAILABLE;
        }
        if (available.isDone()) {
            available = new CompletableFuture<>();
        }
        return available;
    }

    @Override
    public void addSplits(List<FileBatch> splits) {
        queued.addAll(splits);
        requested = false;
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    @Override
    public List<FileBatch> snapshotState(long checkpointId) {
        List<FileBatch> unfinished = new ArrayList<>(queued.size() + 1);
        if (current != null && position < current.files().size()) {
            unfinished.add(current.at(position));
        }
        unfinished.addAll(queued);
        return unfinished;
    }

    @Override
    public void close() {
        // No file stays open between calls.
    }

    /**
     * A file whole, or a record saying why not: over {@code maxBytes}, or gone or unreadable since it
     * was listed. Either of those is a dead letter downstream, never a job failure.
     */
    static ImageFile read(ListedFile file, long maxBytes) {
        Path path = new Path(URI.create(file.uri()));
        String shown = displayPath(path);
        if (file.size() > maxBytes) {
            return ImageFile.unread(shown, file.size(), ImageFile.TOO_LARGE, file.size() + " bytes, the limit is " + maxBytes);
        }
        try (InputStream in = path.getFileSystem().open(path)) {
            // One byte more than the limit tells a file that grew since it was listed.
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                return ImageFile.unread(shown, bytes.length, ImageFile.TOO_LARGE,
                        "more than " + maxBytes + " bytes (it grew after it was listed)");
            }
            return ImageFile.read(shown, bytes);
        } catch (IOException | RuntimeException e) {
            return ImageFile.unread(shown, file.size(), ImageFile.UNREADABLE, e.toString());
        }
    }

    /** The path as users see it: a plain local path for local files, the URI otherwise. */
    static String displayPath(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme == null || scheme.equals("file") ? path.toUri().getPath() : path.toString();
    }
}
