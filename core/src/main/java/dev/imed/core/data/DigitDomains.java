package dev.imed.core.data;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * The built-in digit domains, 28×28, white ink on black: {@code mnist5k} and {@code uci1797} from the
 * real files shipped in {@code data/} (see {@code data/PROVENANCE.md}) and {@code syn}, printed
 * digits rendered from the machine's fonts.
 */
public final class DigitDomains {
    public static final int SIDE = 28;
    public static final List<String> CLASSES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    static final String RESOURCE_DIR = "/dev/imed/data/";

    private static final Map<String, InMemoryDomain> CACHE = new ConcurrentHashMap<>();

    private DigitDomains() {}

    /** The built-in names, as accepted by {@link Domains#open(String)}. */
    public static List<String> names() {
        return List.of("syn", "mnist5k", "uci1797");
    }

    public static boolean isBuiltIn(String name) {
        return names().contains(name) || name.startsWith("syn:");
    }

    /** Opens a built-in domain; {@code syn:N} and {@code syn:N:SEED} choose the synthetic set's size and seed. */
    public static InMemoryDomain open(String name) {
        return switch (name) {
            case "mnist5k" -> cached(name, DigitDomains::mnist5k);
            case "uci1797" -> cached(name, DigitDomains::uci1797);
            case "syn" -> cached(name, () -> SyntheticDigits.builder().build().generate());
            default -> {
                if (name.startsWith("syn:")) {
                    String[] parts = name.split(":");
                    SyntheticDigits.Builder builder = SyntheticDigits.builder();
                    try {
                        builder.size(Integer.parseInt(parts[1]));
                        if (parts.length > 2) {
                            builder.seed(Long.parseLong(parts[2]));
                        }
                    } catch (NumberFormatException e) {
                        throw new DatasetException(name + ": expected syn:SIZE or syn:SIZE:SEED");
                    }
                    yield cached(name, () -> builder.build().generate());
                }
                throw new DatasetException(name + ": not a built-in domain (known: " + names() + ")");
            }
        };
    }

    private static InMemoryDomain cached(String key, Supplier<InMemoryDomain> maker) {
        return CACHE.computeIfAbsent(key, k -> maker.get());
    }

    /** The MNIST sheet: 20×20 cells, 100 per row, 50 rows, label = row / 5, padded by 4 px to 28×28. */
    static InMemoryDomain mnist5k() {
        BufferedImage sheet;
        try (InputStream in = resource("mnist-5k-digits.png")) {
            sheet = ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("mnist-5k-digits.png: unreadable", e);
        }
        int cell = 20;
        int perRow = 100;
        int rows = 50;
        if (sheet == null || sheet.getWidth() != cell * perRow || sheet.getHeight() != cell * rows) {
            throw new DatasetException("mnist-5k-digits.png: expected a 2000×1000 sheet");
        }
        byte[][] pixels = new byte[perRow * rows][];
        int[] labels = new int[perRow * rows];
        var raster = sheet.getRaster();
        int[] cellPixels = new int[cell * cell * raster.getNumBands()];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < perRow; c++) {
                int i = r * perRow + c;
                raster.getPixels(c * cell, r * cell, cell, cell, cellPixels);
                byte[] gray = new byte[cell * cell];
                int bands = raster.getNumBands();
                for (int p = 0; p < gray.length; p++) {
                    gray[p] = (byte) cellPixels[p * bands];
                }
                pixels[i] = pad(gray, cell, (SIDE - cell) / 2);
                labels[i] = r / 5;
            }
        }
        return new InMemoryDomain("mnist5k", CLASSES, SIDE, pixels, labels);
    }

    /** UCI optdigits: 64 values 0..16 then the label; scaled to 0..255, resized 8×8 → 20×20 bilinearly, padded 4 px. */
    static InMemoryDomain uci1797() {
        List<byte[]> pixels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (InputStream in = new GZIPInputStream(resource("uci-optdigits-1797.csv.gz"));
             BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII))) {
            String line;
            int lineNo = 0;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",");
                if (cells.length != 65) {
                    throw new DatasetException("uci-optdigits-1797.csv.gz line " + lineNo + ": expected 65 values, got " + cells.length);
                }
                float[] small = new float[64];
                for (int k = 0; k < 64; k++) {
                    small[k] = Float.parseFloat(cells[k].trim()) * 255f / 16f;
                }
                byte[] big = resizeBilinear(small, 8, 20);
                pixels.add(pad(big, 20, 4));
                labels.add((int) Float.parseFloat(cells[64].trim()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("uci-optdigits-1797.csv.gz: unreadable", e);
        }
        return new InMemoryDomain("uci1797", CLASSES, SIDE, pixels.toArray(byte[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static InputStream resource(String file) {
        InputStream in = DigitDomains.class.getResourceAsStream(RESOURCE_DIR + file);
        if (in == null) {
            throw new DatasetException(file + ": missing from the classpath (it ships in data/ of the repository)");
        }
        return in;
    }

    /** Bilinear resize with aligned corners, which keeps the 8×8 strokes centred in the 20×20 box. */
    static byte[] resizeBilinear(float[] src, int from, int to) {
        byte[] out = new byte[to * to];
        float scale = (from - 1) / (float) (to - 1);
        for (int y = 0; y < to; y++) {
            float sy = y * scale;
            int y0 = (int) Math.floor(sy);
            int y1 = Math.min(y0 + 1, from - 1);
            float fy = sy - y0;
            for (int x = 0; x < to; x++) {
                float sx = x * scale;
                int x0 = (int) Math.floor(sx);
                int x1 = Math.min(x0 + 1, from - 1);
                float fx = sx - x0;
                float v = (1 - fy) * ((1 - fx) * src[y0 * from + x0] + fx * src[y0 * from + x1])
                        + fy * ((1 - fx) * src[y1 * from + x0] + fx * src[y1 * from + x1]);
                out[y * to + x] = (byte) Math.round(Math.max(0, Math.min(255, v)));
            }
        }
        return out;
    }

    static byte[] pad(byte[] gray, int side, int margin) {
        int out = side + 2 * margin;
        byte[] padded = new byte[out * out];
        for (int y = 0; y < side; y++) {
            System.arraycopy(gray, y * side, padded, (y + margin) * out + margin, side);
        }
        return padded;
    }
}
