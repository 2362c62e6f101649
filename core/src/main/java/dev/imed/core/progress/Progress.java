package dev.imed.core.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar with a free-text status (loss, images/s). Quiet where there is no terminal
 * or when {@code imed.quiet} is set, so logs and CI output stay readable.
 */
public final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    public static Progress start(String task, long total, long done) {
        boolean quiet = Boolean.getBoolean("imed.quiet") || System.console() == null && !Boolean.getBoolean("imed.progress");
        if (quiet) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .startsFrom(done, java.time.Duration.ZERO)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .continuousUpdate()
                .build();
        return new Progress(bar);
    }

    public void step(long to, String status) {
        if (bar != null) {
            bar.stepTo(to);
            bar.setExtraMessage(status);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
