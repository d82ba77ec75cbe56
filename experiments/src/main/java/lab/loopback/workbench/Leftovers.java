package lab.loopback.workbench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.loopback.ipc.SharedMemoryRing;
import lab.loopback.kernel.TraceRecorder;
import lab.loopback.kernel.Tracefs;
import lab.loopback.netns.NetNamespace;
import lab.loopback.result.RunStore;
import lab.loopback.sys.TempFiles;

/**
 * What a run killed outright (kill -9) can leave behind, cleared when the next run starts: namespaces (and the
 * nftables tables and processes inside them), tracefs instances, shared-memory ring files, temporary files — each
 * only when the process that made it is gone — and its half-written run directory, which is marked INCOMPLETE,
 * never reported.
 * Child JVMs need no sweeping: each exits when its parent's end of its stdin closes.
 */
public final class Leftovers {
    private Leftovers() {}

    /** Sweeps and returns one line per thing found, for the run's progress output. */
    public static List<String> sweep(Path out) {
        List<String> found = new ArrayList<>();
        for (String ns : NetNamespace.sweepLeftovers())
            found.add("deleted namespace " + ns + " of a process that is gone");
        for (Path f : SharedMemoryRing.removeOrphans())
            found.add("removed ring file " + f + " of a process that is gone");
        List<Path> temp = TempFiles.removeOrphans();
        if (!temp.isEmpty())
            found.add("removed " + temp.size() + " temporary file(s) of processes that are gone, e.g. "
                    + temp.getFirst());
        Tracefs tracefs = Tracefs.locate(false);
        TraceRecorder.removeStale(tracefs);
        for (Path p : RunStore.markInterrupted(out))
            found.add(p + " is an interrupted run, marked INCOMPLETE: not a result, delete it");
        return found;
    }
}
