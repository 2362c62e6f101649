package dev.imed.streaming.source;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A split of {@link ImageFileSource}: a few files, read one after another by one reader. A split per
 * file would cost a request to the enumerator and an assignment back for every file, which for small
 * images is more than reading and decoding them.
 *
 * @param id unique within the job, across restores
 * @param files the files, in the order they are read
 * @param next how many of them were already emitted (a checkpointed reader's position)
 */
public record FileBatch(String id, List<ListedFile> files, int next) implements SourceSplit {

    /**
     * A file as listed.
     *
     * @param uri its location, as a {@link org.apache.flink.core.fs.Path} URI (a local file is {@code file:/…})
     * @param size its length in bytes when listed
     * @param modified its modification time when listed, epoch milliseconds
     */
    public record ListedFile(String uri, long size, long modified) {
        public ListedFile {
            Objects.requireNonNull(uri, "uri");
        }
    }

    public FileBatch {
        Objects.requireNonNull(id, "id");
        files = List.copyOf(files);
        if (next < 0 || next > files.size()) {
            throw new IllegalArgumentException("split " + id + ": position " + next + " outside its " + files.size() + " files");
        }
    }

    @Override
    public String splitId() {
        return id;
    }

    /** This split with its first {@code position} files emitted. */
    public FileBatch at(int position) {
        return new FileBatch(id, files, position);
    }

    @Override
    public String toString() {
        return "FileBatch[" + id + ", " + next + "/" + files.size() + " read]";
    }

    /** Binary form of splits: in checkpoints and in assignments to the readers. */
    public static final class Serializer implements SimpleVersionedSerializer<FileBatch> {
        public static final Serializer INSTANCE = new Serializer();
        // 2: files carry their modification time.
        private static final int VERSION = 2;

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(FileBatch split) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64 + split.files().size() * 96);
            write(split, out);
            return out.getCopyOfBuffer();
        }

        @Override
        public FileBatch deserialize(int version, byte[] bytes) throws IOException {
            if (version != VERSION) {
                throw new IOException("a file batch split of serialisation version " + version + ", this reader knows " + VERSION);
            }
            return read(new DataInputDeserializer(bytes));
        }

        static void write(FileBatch split, DataOutputView out) throws IOException {
            out.writeUTF(split.id());
            out.writeInt(split.next());
            out.writeInt(split.files().size());
            for (ListedFile file : split.files()) {
                // writeUTF is limited to 64 KiB, which no real path reaches; the length prefix keeps it general.
                byte[] uri = file.uri().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(uri.length);
                out.write(uri);
                out.writeLong(file.size());
                out.writeLong(file.modified());
            }
        }

        static FileBatch read(DataInputView in) throws IOException {
            String id = in.readUTF();
            int next = in.readInt();
            int n = in.readInt();
            List<ListedFile> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] uri = new byte[in.readInt()];
                in.readFully(uri);
                long size = in.readLong();
                files.add(new ListedFile(new String(uri, java.nio.charset.StandardCharsets.UTF_8), size, in.readLong()));
            }
            return new FileBatch(id, files, next);
        }
    }
}
