package lab.loopback.cli;

import lab.loopback.workbench.LabRun;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar on a terminal; plain timestamped lines when output is a file or CI log. */
final class ProgressDisplay {
    private ProgressDisplay() {}

    static LabRun.Progress create() {
        return System.console() != null && System.console().isTerminal() ? new Bar() : new Lines();
    }

    private static final class Bar implements LabRun.Progress {
        private ProgressBar bar;

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
            bar.setExtraMessage(name);
        }

        @Override
        public void step(String message) {
            if (bar != null) bar.setExtraMessage(message);
            else
                System.err.println(
                        "lab: " + message); // before the first experiment (e.g. leftovers swept): a line of its own
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
        private final long start = System.nanoTime();
        private int index, total;

        @Override
        public void experiment(int index, int total, String name) {
            this.index = index;
            this.total = total;
            System.err.printf("[%5.1fs] (%d/%d) %s%n", (System.nanoTime() - start) / 1e9, index, total, name);
        }

        @Override
        public void step(String message) {
            System.err.printf("[%5.1fs] (%d/%d)   %s%n", (System.nanoTime() - start) / 1e9, index, total, message);
        }

        @Override
        public void done() {
            System.err.printf("[%5.1fs] all %d experiments done%n", (System.nanoTime() - start) / 1e9, total);
        }
    }
}
