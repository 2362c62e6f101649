package dev.imed.core.data;

import dev.imed.core.bundle.AtomicFiles;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A PNG overview of a domain, to check by eye that a dataset was read as intended: a title line with
 * the domain's name and size, then one row per class (the first {@value #MAX_CLASSES} classes) with its
 * name, its image count and up to {@code perClass} of its images, picked evenly over the class and
 * fitted into square cells. Black text on white. An unlabelled domain shows up to
 * {@value #UNLABELLED_ROWS} rows of images picked evenly over the whole domain.
 *
 * <p>The sheet's size depends only on the layout, not on the fonts installed: width
 * {@code 2·MARGIN + LABEL_WIDTH + perClass·(cell + GAP)} (at least {@code MIN_WIDTH}), height
 * {@code 2·MARGIN + TITLE_HEIGHT + rows·(cell + GAP)}, plus {@code NOTE_HEIGHT} when classes are left out.
 */
public final class ContactSheet {
    public static final int DEFAULT_PER_CLASS = 8;
    public static final int DEFAULT_CELL = 64;
    /** Rows shown at most; a note under the grid says how many classes were left out. */
    public static final int MAX_CLASSES = 16;
    public static final int UNLABELLED_ROWS = 4;

    static final int MARGIN = 8;
    static final int GAP = 4;
    static final int LABEL_WIDTH = 150;
    static final int TITLE_HEIGHT = 28;
    static final int NOTE_HEIGHT = 24;
    static final int MIN_WIDTH = 400;
    private static final int FONT_SIZE = 13;
    /** Smallest cell that still holds a line of text beside it. */
    public static final int MIN_CELL = 16;

    private ContactSheet() {}

    /** Writes the sheet with the defaults ({@value #DEFAULT_PER_CLASS} images per class, {@value #DEFAULT_CELL} px cells). */
    public static void write(Domain domain, Path file) {
        write(domain, file, DEFAULT_PER_CLASS, DEFAULT_CELL);
    }

    /** Renders the sheet and writes it as a PNG, atomically (parent directories are created). */
    public static void write(Domain domain, Path file, int perClass, int cell) {
        BufferedImage sheet = render(domain, perClass, cell);
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(sheet, "png", out)) {
                throw new IOException("no PNG writer in this JVM");
            }
        });
    }

    /** The sheet as a picture; images are loaded as drawn, so an unreadable file fails here, named. */
    public static BufferedImage render(Domain domain, int perClass, int cell) {
        if (perClass <= 0 || cell < MIN_CELL) {
            throw new IllegalArgumentException("need at least 1 image per class and cells of " + MIN_CELL
                    + " px or more, got " + perClass + " and " + cell);
        }
        List<Row> rows = rows(domain, perClass);
        int hiddenClasses = domain.labelled() || domain.size() == 0 ? Math.max(0, domain.numClasses() - MAX_CLASSES) : 0;
        int width = width(perClass, cell);
        int height = height(rows.size(), cell, hiddenClasses > 0);

        BufferedImage sheet = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            Font plain = new Font("DejaVu Sans", Font.PLAIN, FONT_SIZE);
            Font bold = plain.deriveFont(Font.BOLD);
            Font small = plain.deriveFont(FONT_SIZE - 2f);

            g.setColor(Color.BLACK);
            g.setFont(bold);
            drawFitted(g, title(domain), MARGIN, MARGIN + FONT_SIZE + 2, width - 2 * MARGIN);

            int top = MARGIN + TITLE_HEIGHT;
            for (Row row : rows) {
                g.setColor(Color.BLACK);
                g.setFont(plain);
                drawFitted(g, row.label(), MARGIN, top + FONT_SIZE + 2, LABEL_WIDTH - GAP);
                if (!row.detail().isEmpty() && cell >= 2 * FONT_SIZE + 8) {
                    g.setColor(Color.DARK_GRAY);
                    g.setFont(small);
                    drawFitted(g, row.detail(), MARGIN, top + 2 * FONT_SIZE + 6, LABEL_WIDTH - GAP);
                }
                int x = MARGIN + LABEL_WIDTH;
                for (int index : row.indices()) {
                    drawFitted(g, domain.load(index), x, top, cell);
                    x += cell + GAP;
                }
                top += cell + GAP;
            }
            if (hiddenClasses > 0) {
                g.setColor(Color.BLACK);
                g.setFont(plain);
                drawFitted(g, "… and " + hiddenClasses + " more classes not shown (" + domain.numClasses() + " in all)",
                        MARGIN, top + FONT_SIZE + 2, width - 2 * MARGIN);
            }
        } finally {
            g.dispose();
        }
        return sheet;
    }

    static int width(int perClass, int cell) {
        return Math.max(MIN_WIDTH, 2 * MARGIN + LABEL_WIDTH + perClass * (cell + GAP));
    }

    static int height(int rows, int cell, boolean note) {
        return 2 * MARGIN + TITLE_HEIGHT + rows * (cell + GAP) + (note ? NOTE_HEIGHT : 0);
    }

    private record Row(String label, String detail, List<Integer> indices) {}

    private static List<Row> rows(Domain domain, int perClass) {
        List<Row> rows = new ArrayList<>();
        if (domain.size() > 0 && !domain.labelled()) {
            int count = Math.min(domain.size(), perClass * UNLABELLED_ROWS);
            List<Integer> all = new ArrayList<>(domain.size());
            for (int i = 0; i < domain.size(); i++) {
                all.add(i);
            }
            List<Integer> picked = evenly(all, count);
            for (int from = 0; from < picked.size(); from += perClass) {
                rows.add(new Row(from == 0 ? "unlabelled" : "", from == 0 ? count(domain.size()) : "",
                        picked.subList(from, Math.min(picked.size(), from + perClass))));
            }
            return rows;
        }
        int shown = Math.min(domain.numClasses(), MAX_CLASSES);
        List<List<Integer>> members = new ArrayList<>();
        for (int k = 0; k < shown; k++) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < domain.size(); i++) {
            int label = domain.label(i);
            if (label >= 0 && label < shown) {
                members.get(label).add(i);
            }
        }
        for (int k = 0; k < shown; k++) {
            List<Integer> indices = members.get(k);
            rows.add(new Row(domain.classNames().get(k), count(indices.size()), evenly(indices, perClass)));
        }
        return rows;
    }

    /** Up to {@code count} items spread evenly over {@code items}, first one included. */
    private static List<Integer> evenly(List<Integer> items, int count) {
        int n = Math.min(count, items.size());
        List<Integer> picked = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            picked.add(items.get((int) ((long) j * items.size() / n)));
        }
        return picked;
    }

    private static String count(int images) {
        return String.format(Locale.ROOT, "%,d image%s", images, images == 1 ? "" : "s");
    }

    private static String title(Domain domain) {
        return String.format(Locale.ROOT, "%s — %,d images, %d classes%s", domain.name(), domain.size(),
                domain.numClasses(), domain.size() > 0 && !domain.labelled() ? ", unlabelled" : "");
    }

    /** Draws {@code text} at a baseline, cut with an ellipsis to {@code maxWidth} pixels. */
    private static void drawFitted(Graphics2D g, String text, int x, int baseline, int maxWidth) {
        FontMetrics metrics = g.getFontMetrics();
        String shown = text;
        if (metrics.stringWidth(shown) > maxWidth) {
            while (!shown.isEmpty() && metrics.stringWidth(shown + "…") > maxWidth) {
                shown = shown.substring(0, shown.length() - 1);
            }
            shown += "…";
        }
        g.drawString(shown, x, baseline);
    }

    /** Draws an image scaled to fit a {@code cell × cell} square, centred, keeping its aspect ratio. */
    private static void drawFitted(Graphics2D g, BufferedImage image, int x, int y, int cell) {
        double scale = Math.min(cell / (double) image.getWidth(), cell / (double) image.getHeight());
        int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
        g.drawImage(image, x + (cell - w) / 2, y + (cell - h) / 2, w, h, null);
    }
}
