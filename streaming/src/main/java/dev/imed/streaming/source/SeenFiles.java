package dev.imed.streaming.source;

import dev.imed.streaming.source.FileBatch.ListedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * What a continuous source has already taken, in bounded space: a modification-time <em>floor</em>
 * (every file modified before it counts as taken) and the files modified since, each with the size and
 * modification time it had when taken.
 *
 * <p>A listed file is taken when it is modified at or after the floor and is not recorded with the same
 * size and modification time: new files, and files that changed since they were taken (a file read
 * while still being written, and dead-lettered for it, is read again once its writer finishes). The
 * floor trails the newest modification time listed (never ahead of the clock) by {@code latenessMs},
 * so that a file staged under a hidden name and renamed into place a little later, with an older
 * modification time than files listed before it, is still taken; and if more than {@code capacity}
 * files fall within that window the floor rises further, oldest first. A file that appears with a
 * modification time below the floor (copied with its original time preserved, long after) is not
 * taken: land files with a fresh modification time.
 */
final class SeenFiles {
    /** A file's size and modification time when it was taken. */
    private record Stamp(long size, long modified) {}

    private final long latenessMs;
    private final int capacity;
    private long floor;
    private final Map<String, Stamp> recent;

    SeenFiles(long latenessMs, int capacity) {
        this(latenessMs, capacity, Long.MIN_VALUE, new HashMap<>());
    }

    private SeenFiles(long latenessMs, int capacity, long floor, Map<String, Stamp> recent) {
        if (latenessMs < 0 || capacity <= 0) {
            throw new IllegalArgumentException("lateness (" + latenessMs + " ms) cannot be negative and capacity (" + capacity
                    + ") must be positive");
        }
        this.latenessMs = latenessMs;
        this.capacity = capacity;
        this.floor = floor;
        this.recent = recent;
    }

    /**
     * The files of {@code listing} not taken before, which are taken now; then the floor moves up.
     *
     * @param now the current time, epoch milliseconds: the floor never passes {@code now - latenessMs}
     */
    List<ListedFile> take(List<ListedFile> listing, long now) {
        List<ListedFile> fresh = new ArrayList<>();
        long newest = Long.MIN_VALUE;
        for (ListedFile file : listing) {
            newest = Math.max(newest, file.modified());
            if (file.modified() < floor) {
                continue;
            }
            Stamp stamp = new Stamp(file.size(), file.modified());
            if (!stamp.equals(recent.put(file.uri(), stamp))) {
                fresh.add(file);
            }
        }
        if (newest != Long.MIN_VALUE) {
            raiseFloor(Math.min(newest, now) - latenessMs);
        }
        if (recent.size() > capacity) {
            long[] times = recent.values().stream().mapToLong(Stamp::modified).toArray();
            Arrays.sort(times);
            raiseFloor(times[times.length - capacity]);
        }
        return fresh;
    }

    private void raiseFloor(long to) {
        if (to > floor) {
            floor = to;
            recent.values().removeIf(s -> s.modified() < floor);
        }
    }

    /** An independent copy, for a checkpoint. */
    SeenFiles copy() {
        return new SeenFiles(latenessMs, capacity, floor, new HashMap<>(recent));
    }

    /** The same files under other limits (a job restored with new settings); the capacity applies at the next listing. */
    SeenFiles withLimits(long lateness, int maxFiles) {
        return new SeenFiles(lateness, maxFiles, floor, recent);
    }

    long floor() {
        return floor;
    }

    /** Files remembered individually (those at or above the floor). */
    int size() {
        return recent.size();
    }

    void write(DataOutputView out) throws IOException {
        out.writeLong(latenessMs);
        out.writeInt(capacity);
        out.writeLong(floor);
        out.writeInt(recent.size());
        for (Map.Entry<String, Stamp> e : recent.entrySet()) {
            byte[] uri = e.getKey().getBytes(StandardCharsets.UTF_8);
            out.writeInt(uri.length);
            out.write(uri);
            out.writeLong(e.getValue().size());
            out.writeLong(e.getValue().modified());
        }
    }

    static SeenFiles read(DataInputView in) throws IOException {
        long latenessMs = in.readLong();
        int capacity = in.readInt();
        long floor = in.readLong();
        int n = in.readInt();
        Map<String, Stamp> recent = new HashMap<>(Math.max(16, n * 2));
        for (int i = 0; i < n; i++) {
            byte[] uri = new byte[in.readInt()];
            in.readFully(uri);
            recent.put(new String(uri, StandardCharsets.UTF_8), new Stamp(in.readLong(), in.readLong()));
        }
        return new SeenFiles(latenessMs, capacity, floor, recent);
    }

    /** Equal floors and files: for tests of the state's serialisation. */
    @Override
    public boolean equals(Object o) {
        return o instanceof SeenFiles other && latenessMs == other.latenessMs && capacity == other.capacity
                && floor == other.floor && recent.equals(other.recent);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(floor) * 31 + recent.hashCode();
    }

    @Override
    public String toString() {
        return "SeenFiles[floor " + floor + ", " + recent.size() + " recent]";
    }
}
