package dev.imed.experiments.report;

import dev.imed.core.bundle.AtomicFiles;
import dev.imed.experiments.report.SuiteResults.RowInfo;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;

/** The report's PNG charts, drawn with JFreeChart and written atomically. */
public final class Charts {
    /** Distinct colours that stay apart in print and for the common colour-vision deficiencies. */
    private static final Color[] PALETTE = {
        new Color(0x4e79a7), new Color(0xf28e2b), new Color(0xe15759), new Color(0x76b7b2), new Color(0x59a14f),
        new Color(0xedc948), new Color(0xb07aa1), new Color(0xff9da7), new Color(0x9c755f), new Color(0xbab0ac),
        new Color(0x1b3a5c), new Color(0x7f3c8d)
    };
    private static final Font TITLE = new Font("SansSerif", Font.BOLD, 18);
    private static final Font LABEL = new Font("SansSerif", Font.PLAIN, 13);
    private static final Font TICK = new Font("SansSerif", Font.PLAIN, 12);

    static {
        // Charts are drawn off screen, also from a command line without a display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {}

    /**
     * A grouped bar chart: one group per category (tasks, then the mean), one bar per row, whiskers of
     * ± one sd over seeds.
     */
    public static void groupedBars(Path file, String title, String subtitle, String categoryLabel, String valueLabel,
                                   List<RowInfo> rows, List<String> categories, BarValue value) {
        DefaultStatisticalCategoryDataset data = new DefaultStatisticalCategoryDataset();
        boolean whiskers = false;
        for (RowInfo row : rows) {
            for (String category : categories) {
                Stats s = value.of(row, category);
                whiskers |= s.n() > 1;
                if (s.n() > 0) {
                    // One run has no spread: no whisker rather than a flat one.
                    data.add((Number) s.mean(), s.n() > 1 ? (Number) s.sd() : null, row.label(), category);
                }
            }
        }
        CategoryAxis x = new CategoryAxis(categoryLabel);
        x.setLabelFont(LABEL);
        x.setTickLabelFont(TICK);
        x.setCategoryMargin(0.18);
        if (categories.size() > 8) {
            x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        }
        NumberAxis y = new NumberAxis(valueLabel);
        y.setLabelFont(LABEL);
        y.setTickLabelFont(TICK);
        y.setRange(0, 100);
        y.setTickUnit(new NumberTickUnit(10));
        StatisticalBarRenderer bars = new StatisticalBarRenderer();
        bars.setBarPainter(new StandardBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(false);
        bars.setItemMargin(0.03);
        bars.setErrorIndicatorPaint(Color.DARK_GRAY);
        for (int i = 0; i < rows.size(); i++) {
            bars.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        }
        if (!whiskers && rows.size() * categories.size() <= 40) {
            // Few enough bars, and no whiskers in the way: each value is printed above its bar.
            bars.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.0")));
            bars.setDefaultItemLabelFont(new Font("SansSerif", Font.PLAIN, 11));
            bars.setDefaultItemLabelsVisible(true);
            bars.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.BOTTOM_CENTER));
        }
        CategoryPlot plot = new CategoryPlot(data, x, y, bars);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(new Color(0xd0d0d0));
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setOutlineVisible(false);
        JFreeChart chart = new JFreeChart(title, TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(subtitle, LABEL));
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(LABEL);
        legend.setFrame(BlockBorder.NONE);
        int width = Math.max(900, Math.min(2400, 160 + categories.size() * (rows.size() * 16 + 40)));
        write(file, chart, width, 620);
    }

    /** The statistic of one bar. */
    @FunctionalInterface
    public interface BarValue {
        Stats of(RowInfo row, String category);
    }

    /**
     * A confusion matrix as a heatmap: true classes down, predicted classes across, each cell coloured by
     * the share of its true class (so rows of rare classes read like the others), shares printed in the
     * cells while they fit.
     */
    public static void confusion(Path file, String title, String subtitle, List<String> classNames, long[][] counts) {
        int c = classNames.size();
        DefaultXYZDataset data = new DefaultXYZDataset();
        double[][] xyz = new double[3][c * c];
        XYPlot plot;
        for (int t = 0; t < c; t++) {
            long rowTotal = 0;
            for (long v : counts[t]) {
                rowTotal += v;
            }
            for (int p = 0; p < c; p++) {
                int i = t * c + p;
                xyz[0][i] = p;
                xyz[1][i] = t;
                xyz[2][i] = rowTotal == 0 ? 0 : 100.0 * counts[t][p] / rowTotal;
            }
        }
        data.addSeries("share", xyz);
        String[] labels = classNames.stream().map(Charts::shorten).toArray(String[]::new);
        SymbolAxis x = new SymbolAxis("predicted class", labels);
        SymbolAxis y = new SymbolAxis("true class", labels);
        for (SymbolAxis axis : List.of(x, y)) {
            axis.setGridBandsVisible(false);
            axis.setLabelFont(LABEL);
            axis.setTickLabelFont(new Font("SansSerif", Font.PLAIN, c > 40 ? 9 : c > 15 ? 11 : 13));
            axis.setRange(-0.5, c - 0.5);
        }
        x.setVerticalTickLabels(c > 4 || classNames.stream().anyMatch(n -> n.length() > 8));
        y.setInverted(true);
        PaintScale scale = new BluesScale();
        XYBlockRenderer cells = new XYBlockRenderer();
        cells.setPaintScale(scale);
        plot = new XYPlot(data, x, y, cells);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        // At least 13 px a row, so every class label keeps its own line.
        int cell = Math.max(13, Math.min(72, 640 / c));
        if (cell >= 26) {
            Font font = new Font("SansSerif", Font.PLAIN, Math.min(14, cell / 3 + 2));
            for (int i = 0; i < c * c; i++) {
                double share = xyz[2][i];
                XYTextAnnotation text = new XYTextAnnotation(String.format(Locale.ROOT, "%.0f", share), xyz[0][i], xyz[1][i]);
                text.setFont(font);
                text.setPaint(share > 55 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(text);
            }
        }
        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(new TextTitle(subtitle, LABEL));
        NumberAxis scaleAxis = new NumberAxis("% of the true class");
        scaleAxis.setRange(0, 100);
        scaleAxis.setTickUnit(new NumberTickUnit(20));
        scaleAxis.setLabelFont(LABEL);
        scaleAxis.setTickLabelFont(TICK);
        PaintScaleLegend legend = new PaintScaleLegend(scale, scaleAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(16);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(40, 12, 40, 12));
        chart.addSubtitle(legend);
        int longest = classNames.stream().mapToInt(n -> shorten(n).length()).max().orElse(4);
        int labelSpace = 60 + Math.min(longest, 20) * 7;
        int side = cell * c;
        write(file, chart, Math.max(560, side + labelSpace + 170), Math.max(520, side + labelSpace + 110));
    }

    private static String shorten(String name) {
        String s = name.replace('_', ' ');
        return s.length() <= 20 ? s : s.substring(0, 19) + "…";
    }

    private static void write(Path file, JFreeChart chart, int width, int height) {
        AtomicFiles.write(file, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }

    /** White through light to dark blue over 0..100 %. */
    private static final class BluesScale implements PaintScale {
        private static final Color[] STOPS = {new Color(0xf7fbff), new Color(0xc6dbef), new Color(0x6baed6),
            new Color(0x2171b5), new Color(0x08306b)};

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 100;
        }

        @Override
        public Paint getPaint(double value) {
            double v = Double.isNaN(value) ? 0 : Math.max(0, Math.min(100, value)) / 100 * (STOPS.length - 1);
            int i = Math.min((int) v, STOPS.length - 2);
            double f = v - i;
            Color a = STOPS[i];
            Color b = STOPS[i + 1];
            return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                    (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                    (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
        }
    }
}
