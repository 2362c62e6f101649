package dev.imed.streaming.source;

import dev.imed.streaming.source.FileBatch.ListedFile;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.DefaultFileFilter;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.util.FlinkRuntimeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the input directory (once, or every monitoring interval), groups the files not seen before
 * into {@link FileBatch splits} of up to {@code filesPerSplit}, and hands them to the readers as they
 * ask. Listing runs on Flink's worker thread; everything else on the coordinator thread, so the state
 * needs no locks.
 */
final class FileBatchEnumerator implements SplitEnumerator<FileBatch, FileBatchEnumerator.State> {
    private static final Logger LOG = LoggerFactory.getLogger(FileBatchEnumerator.class);

    /**
     * What a checkpoint keeps of the enumerator.
     *
     * @param nextSplitId the id of the next split made (ids never repeat, across restores too)
     * @param listed whether a bounded source has listed its directory (then it never lists again)
     * @param pending splits made and not yet assigned, in order
     * @param seen what a continuous source has made into splits already, so a later listing skips it:
     *     a modification-time floor and the files modified since (bounded, see {@link SeenFiles})
     */
    record State(long nextSplitId, boolean listed, List<FileBatch> pending, SeenFiles seen) {}

    private final SplitEnumeratorContext<FileBatch> context;
    private final ImageFileSource.Settings settings;
    private final ArrayDeque<FileBatch> pending;
    private final SeenFiles seen;
    // Readers with a request outstanding, in the order they asked.
    private final LinkedHashSet<Integer> waiting = new LinkedHashSet<>();
    private long nextSplitId;
    private boolean listed;

    FileBatchEnumerator(SplitEnumeratorContext<FileBatch> context, ImageFileSource.Settings settings, State restored) {
        this.context = context;
        this.settings = settings;
        this.pending = new ArrayDeque<>(restored.pending());
        this.seen = restored.seen().withLimits(settings.latenessMs(), settings.recentFiles());
        this.nextSplitId = restored.nextSplitId();
        this.listed = restored.listed();
    }

    static State initialState(ImageFileSource.Settings settings) {
        return new State(0, false, List.of(), new SeenFiles(settings.latenessMs(), settings.recentFiles()));
    }

    @Override
    public void start() {
        if (settings.continuous()) {
            context.callAsync(this::list, this::discovered, 0, settings.monitorIntervalMs());
        } else if (!listed) {
            context.callAsync(this::list, this::discovered);
        }
    }

    /** On a worker thread: every visible file under the directory, by landing time then name, so that the seeded shuffle of a listing is reproducible. */
    private List<ListedFile> list() throws IOException {
        Path root = new Path(settings.directory());
        // Names starting with '.' or '_' are skipped: a writer stages a file hidden and renames it when complete.
        List<FileSourceSplit> found = new ArrayList<>(new NonSplittingRecursiveEnumerator(new DefaultFileFilter())
                .enumerateSplits(new Path[] {root}, 1));
        found.sort(Comparator.comparingLong(FileSourceSplit::fileModificationTime)
                .thenComparing(file -> file.path().toUri().toString()));
        List<ListedFile> files = new ArrayList<>(found.size());
        for (FileSourceSplit file : found) {
            files.add(new ListedFile(file.path().toUri().toString(), file.fileSize(), file.fileModificationTime()));
        }
        return files;
    }

    private void discovered(List<ListedFile> files, Throwable error) {
        if (error != null) {
            if (settings.continuous()) {
                // A directory on a network mount can be briefly unavailable: the next listing tries again.
                LOG.warn("listing {} failed; trying again in {} ms", settings.directory(), settings.monitorIntervalMs(), error);
                return;
            }
            throw new FlinkRuntimeException(settings.directory() + ": the input directory could not be listed", error);
        }
        List<ListedFile> fresh = settings.continuous()
                ? new ArrayList<>(seen.take(files, System.currentTimeMillis())) : new ArrayList<>(files);
        // The files of one listing are shuffled: a directory often holds one class after another (by
        // name and by time alike), and a student learning online from one class at a time forgets the
        // others. Seeded by the split counter, which is checkpointed: a restore shuffles no differently.
        Collections.shuffle(fresh, new Random(nextSplitId));
        for (int from = 0; from < fresh.size(); from += settings.filesPerSplit()) {
            List<ListedFile> group = fresh.subList(from, Math.min(fresh.size(), from + settings.filesPerSplit()));
            pending.add(new FileBatch(Long.toString(nextSplitId++), group, 0));
        }
        listed = true;
        if (!fresh.isEmpty()) {
            LOG.debug("{}: {} new or changed files in {} pending splits; {}", settings.directory(), fresh.size(), pending.size(), seen);
        }
        assign();
    }

    @Override
    public void handleSplitRequest(int subtask, String hostname) {
        waiting.add(subtask);
        assign();
    }

    private void assign() {
        Iterator<Integer> readers = waiting.iterator();
        while (readers.hasNext()) {
            int subtask = readers.next();
            if (!context.registeredReaders().containsKey(subtask)) {
                // It failed since it asked; when it is back it asks again.
                readers.remove();
            } else if (!pending.isEmpty()) {
                context.assignSplit(pending.poll(), subtask);
                readers.remove();
            } else if (listed && !settings.continuous()) {
                context.signalNoMoreSplits(subtask);
                readers.remove();
            } else {
                // Nothing to hand out yet: the reader waits for the next listing.
                return;
            }
        }
    }

    @Override
    public void addSplitsBack(List<FileBatch> splits, int subtask) {
        // A reader failed after these were assigned to it and before a checkpoint recorded them there:
        // they go out again first, from the position they had when assigned.
        for (int i = splits.size() - 1; i >= 0; i--) {
            pending.addFirst(splits.get(i));
        }
        assign();
    }

    @Override
    public void addReader(int subtask) {
        // Readers ask for splits themselves.
    }

    @Override
    public State snapshotState(long checkpointId) {
        return new State(nextSplitId, listed, List.copyOf(pending), seen.copy());
    }

    @Override
    public void close() {
        // Flink cancels the periodic listing itself.
    }

    /** Binary form of the enumerator's checkpointed state. */
    static final class StateSerializer implements SimpleVersionedSerializer<State> {
        static final StateSerializer INSTANCE = new StateSerializer();
        // 2: a bounded record of seen files (floor and recent files) instead of every name.
        private static final int VERSION = 2;

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(State state) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(256);
            out.writeLong(state.nextSplitId());
            out.writeBoolean(state.listed());
            out.writeInt(state.pending().size());
            for (FileBatch split : state.pending()) {
                FileBatch.Serializer.write(split, out);
            }
            state.seen().write(out);
            return out.getCopyOfBuffer();
        }

        @Override
        public State deserialize(int version, byte[] serialized) throws IOException {
            if (version != VERSION) {
                throw new IOException("an image file enumerator state of serialisation version " + version
                        + ", this source knows " + VERSION);
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            long nextSplitId = in.readLong();
            boolean listed = in.readBoolean();
            int n = in.readInt();
            List<FileBatch> pending = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                pending.add(FileBatch.Serializer.read(in));
            }
            return new State(nextSplitId, listed, pending, SeenFiles.read(in));
        }
    }
}
