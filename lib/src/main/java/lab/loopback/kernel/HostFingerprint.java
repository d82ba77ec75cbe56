package lab.loopback.kernel;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What a result depends on, recorded beside it as host.json. {@code hostId} names a host configuration
 * (CPU, cores, memory, kernel, virtualisation), not a machine, so equal configurations compare directly. {@code guest}
 * is null on a host, and says how the guest ran when the kernel was a guest's ({@code ./lab run --kernel}).
 */
public record HostFingerprint(
        String hostId,
        String kernelRelease,
        String kernelVersion,
        String cpuModel,
        int logicalCpus,
        Map<String, Long> cacheBytes,
        String cacheSource,
        long memoryBytes,
        String virtualization,
        String defaultCongestionControl,
        Integer ioUringDisabled,
        boolean root,
        String tracefs,
        Map<String, String> tools,
        String javaVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) Guest guest) {

    /** Whether times and rates measured here are the emulator's rather than this hardware's. */
    public boolean emulated() {
        return guest != null && guest.emulated();
    }

    /** Size of the largest cache level found, or 0 when the host does not say. */
    public long lastLevelCacheBytes() {
        return cacheBytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public boolean hasTool(String name) {
        return tools.get(name) != null;
    }
}
