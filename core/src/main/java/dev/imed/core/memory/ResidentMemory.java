package dev.imed.core.memory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident set size of this JVM (native tensors included), from {@code /proc/self/status}. */
public final class ResidentMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ResidentMemory() {}

    /** Current resident set size in MiB, or -1 where the system does not say. */
    public static double currentMb() {
        return field("VmRSS:");
    }

    /** Peak resident set size in MiB, or -1 where the system does not say. */
    public static double peakMb() {
        return field("VmHWM:");
    }

    /**
     * Starts a new peak: the kernel then reports the peak since now ({@code /proc/self/clear_refs}, Linux ≥ 4.0),
     * so that alternating measurements in one process each get their own. Returns whether it worked.
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
