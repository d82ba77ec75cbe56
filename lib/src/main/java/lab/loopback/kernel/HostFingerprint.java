package lab.loopback.kernel;

import java.util.Map;

/**
 * What a result depends on, recorded beside it as host.json. {@code hostId} names a host configuration
 * (CPU, cores, memory, kernel, virtualisation), not a machine, so equal configurations compare directly.
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
        String javaVersion) {

    /** Size of the largest cache level found, or 0 when the host does not say. */
    public long lastLevelCacheBytes() {
        return cacheBytes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }

    public boolean hasTool(String name) {
        return tools.get(name) != null;
    }
}
