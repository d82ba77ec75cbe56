package lab.loopback.result;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.sys.Owner;
import org.knowm.xchart.VectorGraphicsEncoder;
import tech.tablesaw.api.Table;

/**
 * The layout of a run on disk, written and read in one place:
 * <pre>
 * OUT/RUN-ID/host.json, run.json, verdicts.json, report.html
 * OUT/RUN-ID/EXPERIMENT/TABLE.csv, FIGURE.png, FIGURE.svg, figures.json, notes.json
 * OUT/latest -> RUN-ID
 * </pre>
 * A run is written under OUT/RUN-ID.partial and renamed when complete, so a killed run never looks finished. A run
 * that has more to add after measuring (its executed notebooks and report, by {@code ./lab run}) is measured into
 * OUT/.staged/ and {@link #publish published} into OUT only when those are in too.
 */
public final class RunStore {
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    public static final String PARTIAL = ".partial";
    /** Where runs wait, finished but not yet published, for their notebooks and report. */
    public static final String STAGED = ".staged";

    private RunStore() {}

    /** A run being written. */
    public static final class Writer {
        private final Path root;
        private final Path partial;
        private final Path finalDir;

        private Writer(Path root, String runId) {
            this.root = root;
            this.finalDir = root.resolve(runId);
            this.partial = root.resolve(runId + PARTIAL);
        }

        public Path dir() {
            return partial;
        }

        public Path finalDir() {
            return finalDir;
        }

        public void json(String name, Object value) {
            AtomicFiles.write(partial.resolve(name), tmp -> JSON.writeValue(tmp.toFile(), value));
        }

        public void outcome(Outcome o) {
            writeOutcome(partial.resolve(o.experiment()), o);
        }

        /** The experiment's outcome in place of the one written before (a second look replaces the first). */
        public void replaceOutcome(Outcome o) {
            Path dir = partial.resolve(o.experiment()), next = partial.resolve("." + o.experiment() + ".next");
            try {
                AtomicFiles.deleteTree(next);
                Files.createDirectories(next);
                writeOutcome(next, o);
                AtomicFiles.deleteTree(dir);
                Files.move(next, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot replace " + o.experiment() + " in " + partial + ": " + e.getMessage(), e);
            } finally {
                AtomicFiles.deleteTree(next);
            }
        }

        /** Renames the finished run into place and points {@code latest} at it. */
        public Path commit() {
            try {
                Files.deleteIfExists(partial.resolve(OWNER));
                Files.move(partial, finalDir, StandardCopyOption.ATOMIC_MOVE);
                if (!root.getFileName().toString().equals(STAGED)) pointLatest(root, finalDir);
                return finalDir;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish run " + finalDir + ": " + e.getMessage(), e);
            }
        }

        /** Removes everything this run wrote. */
        public void abort() {
            AtomicFiles.deleteTree(partial);
        }
    }

    /**
     * Adds one experiment's outcome to {@code runDir} whole or not at all: written beside it under a name of this
     * process, then renamed into place; a directory another process put there first is kept (same measurement pass).
     */
    public static void addExperiment(Path runDir, Outcome o) {
        placeWhole(runDir, o.experiment(), tmp -> writeOutcome(tmp, o));
    }

    /**
     * Adds every experiment of the finished run {@code from} to {@code runDir}, each whole or not at all, keeping one
     * {@code runDir} already holds: a test pass's notebooks then read what a quick run of the same pass measured.
     */
    public static void addExperiments(Path from, Path runDir) {
        for (String experiment : experiments(from)) {
            Path source = from.resolve(experiment);
            placeWhole(runDir, experiment, tmp -> copyFiles(source, tmp));
        }
    }

    private interface DirWriter {
        void into(Path dir) throws IOException;
    }

    private static void placeWhole(Path runDir, String experiment, DirWriter writer) {
        Path target = runDir.resolve(experiment);
        Path tmp = runDir.resolve(
                "." + experiment + ".partial-" + ProcessHandle.current().pid());
        try {
            AtomicFiles.deleteTree(tmp);
            Files.createDirectories(tmp);
            writer.into(tmp);
            if (!Files.exists(target)) {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException placedFirst) {
                    // another process of the same pass added it between the check and the rename: theirs is kept
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot add " + experiment + " to " + runDir + ": " + e.getMessage(), e);
        } finally {
            AtomicFiles.deleteTree(tmp); // gone once moved; else what was half-written, or the copy another kept
        }
    }

    /** The files of an experiment's directory (it has no subdirectories) into {@code to}; one unreadable fails it. */
    private static void copyFiles(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList())
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** An experiment's tables, figures (PNG and SVG), notes and verdicts into {@code dir}, each file atomically. */
    private static void writeOutcome(Path dir, Outcome o) {
        for (var e : o.tables().entrySet()) {
            AtomicFiles.write(
                    dir.resolve(e.getKey() + ".csv"),
                    tmp -> e.getValue().write().csv(tmp.toFile()));
        }
        List<Figure.Info> infos = new ArrayList<>();
        for (Figure f : o.figures().values()) {
            AtomicFiles.write(dir.resolve(f.name() + ".png"), tmp -> Files.write(tmp, f.png()));
            AtomicFiles.write(dir.resolve(f.name() + ".svg"), tmp -> {
                try (OutputStream os = Files.newOutputStream(tmp)) {
                    VectorGraphicsEncoder.saveVectorGraphic(
                            f.chart(), os, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
                }
            });
            infos.add(f.info());
        }
        AtomicFiles.write(dir.resolve("figures.json"), tmp -> JSON.writeValue(tmp.toFile(), infos));
        AtomicFiles.write(dir.resolve("notes.json"), tmp -> JSON.writeValue(tmp.toFile(), o.notes()));
        AtomicFiles.write(dir.resolve("verdicts.json"), tmp -> JSON.writeValue(tmp.toFile(), o.verdicts()));
    }

    /** {@code root}/latest, replaced in one rename, points at {@code run} (a directory in {@code root}). */
    private static void pointLatest(Path root, Path run) throws IOException {
        Path link = root.resolve("latest");
        Path tmpLink = root.resolve(".latest.tmp");
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, run.getFileName());
        Files.move(tmpLink, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Moves a finished run out of OUT/.staged into OUT under its own id (a suffix if OUT already holds one) and points
     * OUT/latest at it: the run appears in OUT whole, with whatever was added to it while staged.
     */
    public static Path publish(Path staged) {
        Path run = finishedRun(staged);
        Path stage = run.getParent();
        if (stage == null || !stage.getFileName().toString().equals(STAGED))
            throw new IllegalArgumentException("'" + staged + "' is not a staged run (OUT/" + STAGED + "/RUN-ID)");
        Path root = stage.getParent();
        String id = run.getFileName().toString();
        try {
            Path target = moveUnder(run, root);
            pointLatest(root, target);
            try (Stream<Path> left = Files.list(stage)) {
                if (left.findAny().isEmpty()) Files.delete(stage);
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot publish " + run + " into " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * Moves the finished run {@code run} into {@code root} under its own name, or with a suffix ("-2", "-3" …) when
     * {@code root} holds one of that name already: a finished run is never replaced.
     */
    public static Path moveUnder(Path run, Path root) throws IOException {
        String id = run.getFileName().toString();
        for (int n = 1; n < 1000; n++) {
            Path target = root.resolve(n == 1 ? id : id + "-" + n);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) continue;
            Files.move(run, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        }
        throw new IllegalArgumentException(root + " already holds 999 runs named " + id + "*");
    }

    /** Finished runs still waiting under OUT/.staged: left by a run stopped before its notebooks and report were in. */
    public static List<Path> staged(Path root) {
        Path stage = root.resolve(STAGED);
        if (!Files.isDirectory(stage)) return List.of();
        try (Stream<Path> s = Files.list(stage)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Starts a run under {@code root}; fails with a message naming the directory when it cannot be created
     * or written (read-only, a file in the way).
     */
    public static Writer begin(Path root, String runId) {
        if (!runId.matches("[A-Za-z0-9][A-Za-z0-9._-]*"))
            throw new IllegalArgumentException(
                    "run id '" + runId + "' may hold only letters, digits, '.', '_' and '-'");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + root + " cannot be created: " + e.getMessage());
        }
        if (!Files.isDirectory(root) || !Files.isWritable(root)) {
            throw new IllegalArgumentException("--out " + root + " is not a writable directory");
        }
        // two runs started in the same second get distinct ids: a finished run is never replaced
        for (int n = 1; n < 1000; n++) {
            String id = n == 1 ? runId : runId + "-" + n;
            Writer w = new Writer(root, id);
            if (Files.exists(w.finalDir)) continue;
            try {
                Files.createDirectory(w.partial);
                // who is writing it: a later run tells an interrupted run (owner gone) from one still going
                Files.writeString(
                        w.partial.resolve(OWNER),
                        Long.toString(ProcessHandle.current().pid()));
                return w;
            } catch (FileAlreadyExistsException e) {
                // another run holds this id right now; try the next
            } catch (IOException e) {
                throw new IllegalArgumentException("--out " + root + " is not writable: cannot create "
                        + w.partial.getFileName() + " (" + e + ")");
            }
        }
        throw new IllegalArgumentException("--out " + root + " already holds 999 runs named " + runId + "*");
    }

    static final String OWNER = "owner.pid";
    static final String INCOMPLETE = "INCOMPLETE";

    /**
     * Partial runs under {@code root} whose writing process is gone (killed outright): each gets an INCOMPLETE
     * file saying so, and stays where it is — it is never renamed into a result, and the caller names it.
     */
    public static List<Path> markInterrupted(Path root) {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(root)) return found;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.filter(d -> d.getFileName().toString().endsWith(PARTIAL) && Files.isDirectory(d))
                    .sorted()
                    .toList()) {
                long owner = ownerOf(p);
                if (owner > 0 && !Owner.gone(owner)) continue; // still running
                if (!Files.exists(p.resolve(INCOMPLETE))) {
                    AtomicFiles.writeString(
                            p.resolve(INCOMPLETE),
                            "This run was interrupted (its process " + (owner > 0 ? owner : "?")
                                    + " ended before the run finished). Nothing in it is a result; delete the directory.\n");
                }
                found.add(p);
            }
        } catch (IOException e) {
            // an unreadable --out is reported when the run begins
        }
        return found;
    }

    private static long ownerOf(Path partial) {
        try {
            return Long.parseLong(Files.readString(partial.resolve(OWNER)).strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * {@code given} as the finished run it must be (a link such as OUT/latest resolved to the run itself), or an
     * IllegalArgumentException naming it: missing, unreadable, interrupted (.partial), or without verdicts/host.
     */
    public static Path finishedRun(Path given) {
        Path real;
        try {
            real = given.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "run directory '" + given + "' does not exist or cannot be read (" + e.getMessage() + ")");
        }
        if (!Files.isDirectory(real)) throw new IllegalArgumentException("'" + given + "' is not a run directory");
        if (real.getFileName().toString().endsWith(PARTIAL)) {
            throw new IllegalArgumentException(
                    "'" + given + "' is an incomplete run (it was interrupted): not a result");
        }
        for (String f : new String[] {"verdicts.json", "host.json"}) {
            if (!Files.isRegularFile(real.resolve(f)))
                throw new IllegalArgumentException("'" + given + "' is not a finished run: it has no " + f);
        }
        return real;
    }

    /** run.json of a run directory: what it selected, its profile, how it ended. */
    public static RunInfo runInfo(Path runDir) {
        Path f = runDir.resolve("run.json");
        if (!Files.isRegularFile(f))
            throw new IllegalArgumentException("'" + runDir + "' has no run.json: not a run directory of ./lab run");
        return readJson(f, new TypeReference<RunInfo>() {});
    }

    public static List<ClaimVerdict> verdicts(Path runDir) {
        return readJson(runDir.resolve("verdicts.json"), new TypeReference<>() {});
    }

    public static <T> T readJson(Path file, TypeReference<T> type) {
        try {
            return JSON.readValue(file.toFile(), type);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public static List<Figure.Info> figures(Path runDir, String experiment) {
        Path f = runDir.resolve(experiment).resolve("figures.json");
        return Files.isRegularFile(f) ? readJson(f, new TypeReference<ArrayList<Figure.Info>>() {}) : List.of();
    }

    /** The experiments a run holds results of (its subdirectories with a verdicts.json), in name order. */
    public static List<String> experiments(Path runDir) {
        try (Stream<Path> s = Files.list(runDir)) {
            return s.filter(p -> Files.isRegularFile(p.resolve("verdicts.json")))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + runDir + ": " + e.getMessage(), e);
        }
    }

    /** True when {@code runDir} holds the outcome of {@code experiment}. */
    public static boolean has(Path runDir, String experiment) {
        return Files.isRegularFile(runDir.resolve(experiment).resolve("verdicts.json"));
    }

    /** Reads an experiment's outcome back from a finished run. */
    public static ExperimentView load(Path runDir, String experiment) {
        Path dir = runDir.resolve(experiment);
        if (!Files.isDirectory(dir))
            throw new IllegalArgumentException(runDir + " has no results of experiment " + experiment);
        Map<String, Table> tables = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p :
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                String n = p.getFileName().toString();
                tables.put(n.substring(0, n.length() - 4), Table.read().csv(p.toFile()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> captions = new LinkedHashMap<>();
        for (Figure.Info f : figures(runDir, experiment)) captions.put(f.name(), f.caption());
        // a trimmed copy (the stability fixtures keep only what the rules read) may have no figures or notes
        List<String> notes = Files.isRegularFile(dir.resolve("notes.json"))
                ? readJson(dir.resolve("notes.json"), new TypeReference<ArrayList<String>>() {})
                : List.of();
        List<ClaimVerdict> verdicts =
                readJson(dir.resolve("verdicts.json"), new TypeReference<ArrayList<ClaimVerdict>>() {});
        return new StoredOutcome(experiment, runDir, tables, captions, verdicts, notes);
    }

    private record StoredOutcome(
            String experiment,
            Path runDir,
            Map<String, Table> tables,
            Map<String, String> captions,
            List<ClaimVerdict> verdicts,
            List<String> notes)
            implements ExperimentView {
        @Override
        public List<String> figureNames() {
            return List.copyOf(captions.keySet());
        }

        @Override
        public BufferedImage figure(String name) {
            Path png = runDir.resolve(experiment).resolve(name + ".png");
            try {
                BufferedImage img = ImageIO.read(png.toFile());
                if (img == null) throw new IOException("not a PNG");
                return img;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read figure " + png + ": " + e.getMessage(), e);
            }
        }

        @Override
        public String caption(String name) {
            return captions.getOrDefault(name, "");
        }

        @Override
        public String origin() {
            return "loaded from run " + runDir;
        }
    }
}
