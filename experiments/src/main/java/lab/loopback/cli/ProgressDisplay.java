package lab.loopback.cli;

import java.util.Locale;
import lab.loopback.workbench.Budget;
import lab.loopback.workbench.LabRun;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on a terminal; plain timestamped lines when output is a file or CI log. Both show the time spent
 * and, when the run has a budget, what is left of it.
 */
final class ProgressDisplay {
    private ProgressDisplay() {}

    static LabRun.Progress create() {
        return System.console() != null && System.console().isTerminal() ? new Bar() : new Lines();
    }

    /** "[ 312s | 588s left]" or "[ 312s]". */
    static String stamp(Budget clock) {
        return clock.limitSeconds() == null
                ? String.format(Locale.ROOT, "[%5.1fs]", clock.elapsedSeconds())
                : String.format(
                        Locale.ROOT,
                        "[%5.1fs | %4.0fs left]",
                        clock.elapsedSeconds(),
                        Math.max(0, clock.remainingSeconds()));
    }

    private static final class Bar implements LabRun.Progress {
        private Budget clock = Budget.of(null); // the run's own clock once it starts
        private ProgressBar bar;

        @Override
        public void budget(Budget budget) {
            clock = budget;
        }

        @Override
        public void experiment(int index, int total, String name) {
            if (bar == null) {
                bar = new ProgressBarBuilder()
                        .setTaskName("lab run")
                        .setInitialMax(total)
                        .setStyle(ProgressBarStyle.ASCII)
                        .setUpdateIntervalMillis(250)
                        .continuousUpdate()
                        .build();
            }
            bar.stepTo(index - 1);
            bar.setExtraMessage(left() + name);
        }

        @Override
        public void step(String message) {
            if (bar != null) bar.setExtraMessage(left() + message);
            else
                System.err.println(
                        "lab: " + message); // before the first experiment (e.g. leftovers swept): a line of its own
        }

        private String left() {
            return clock.limitSeconds() == null
                    ? ""
                    : String.format(Locale.ROOT, "%.0fs left · ", Math.max(0, clock.remainingSeconds()));
        }

        @Override
        public void done() {
            if (bar != null) {
                bar.stepTo(bar.getMax());
                bar.close();
            }
        }
    }

    private static final class Lines implements LabRun.Progress {
        private Budget clock = Budget.of(null); // the run's own clock once it starts
        private int index, total;

        @Override
        public void budget(Budget budget) {
            clock = budget;
        }

        @Override
        public void experiment(int index, int total, String name) {
            this.index = index;
            this.total = total;
            System.err.printf("%s (%d/%d) %s%n", stamp(clock), index, total, name);
        }

        @Override
        public void step(String message) {
            System.err.printf("%s (%d/%d)   %s%n", stamp(clock), index, total, message);
        }

        @Override
        public void done() {
            System.err.printf("%s all %d experiments done%n", stamp(clock), total);
        }
    }
}
