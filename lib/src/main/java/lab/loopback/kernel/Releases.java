package lab.loopback.kernel;

/** Kernel releases and Debian package versions, ordered by their numbers. */
public final class Releases {
    private Releases() {}

    /**
     * {@code a} against {@code b} by their runs of digits in order, a missing run before any number: 5.10.0-46 before
     * 6.1.0-57 before 6.12.118+deb12 before 6.18.44; 6.1.176-1 before 6.1.192-3; 6.12.57-1~deb12u1 before
     * 6.12.118-1~deb12u1. Enough for one kernel series' builds and for the series themselves; equal numbers fall back
     * to the text.
     */
    public static int compare(String a, String b) {
        String[] x = a.split("\\D+"), y = b.split("\\D+");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length && !x[i].isEmpty() ? Long.parseLong(x[i]) : -1;
            long q = i < y.length && !y[i].isEmpty() ? Long.parseLong(y[i]) : -1;
            if (p != q) return Long.compare(p, q);
        }
        return a.compareTo(b);
    }
}
