package lab.loopback.cli;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import lab.loopback.claim.Claim;
import lab.loopback.claim.ClaimLedger;
import lab.loopback.guest.DebianKernels;
import lab.loopback.guest.KernelCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./lab kernels}: the guest kernels there are, which are cached, fetching and emptying the cache. */
@Command(
        name = "kernels",
        description = "List the kernels a guest can boot (./lab run --kernel SERIES): what Debian serves now and what"
                + " is cached; --fetch SERIES caches one, --clean empties the cache.")
final class Kernels implements Callable<Integer> {
    @Option(names = "--fetch", split = ",", description = "fetch these series into the cache (5.10, 6.1, 6.12)")
    List<String> fetch = List.of();

    @Option(names = "--clean", description = "empty the kernel cache")
    boolean clean;

    @Option(names = "--offline", description = "list only what is cached; do not read Debian's indexes")
    boolean offline;

    /** The cache under .lab/ of the checkout (./lab runs from there); LAB_KERNEL_CACHE moves it. */
    static KernelCache cache() {
        String dir = System.getenv("LAB_KERNEL_CACHE");
        return new KernelCache(
                dir == null || dir.isBlank() ? Path.of(".lab", "kernels") : Path.of(dir), KernelCache.DEFAULT_BOUND);
    }

    /** The JDK a guest runs: this one. */
    static Path jdk() {
        return Path.of(System.getProperty("java.home"));
    }

    /** The class path a guest runs: this JVM's. */
    static List<Path> classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
    }

    /** The claims a guest judges by default: those whose rule reads the kernel's testimony. */
    static List<String> testimonyClaims(ClaimLedger ledger) {
        return ledger.claims().stream()
                .filter(c -> c.evidence() == Claim.Evidence.TESTIMONY)
                .map(Claim::id)
                .toList();
    }

    @Override
    public Integer call() {
        KernelCache cache = cache();
        if (clean) {
            long bytes = cache.clean();
            System.out.printf("emptied %s (%d MiB)%n", cache.root(), bytes >> 20);
            return 0;
        }
        for (String s : fetch) DebianKernels.line(s); // a bad series fails before anything is fetched
        for (String s : fetch) cache.kernel(s, m -> System.err.println("lab: " + m));
        System.out.printf("%-6s %-66s %s%n", "series", "cached (" + cache.root() + ")", "Debian serves now");
        for (String s : DebianKernels.series()) {
            KernelCache.Cached c = cache.cachedSeries(s);
            String have = c == null ? "-" : c.pkg().describe() + " (" + (c.bytes() >> 20) + " MiB)";
            String now;
            try {
                now = offline
                        ? "(not asked: --offline)"
                        : cache.available(s, m -> {}).describe();
            } catch (RuntimeException e) {
                now = "unknown: " + e.getMessage();
            }
            System.out.printf("%-6s %-66s %s%n", s, have, now);
        }
        return 0;
    }
}
