package lab.loopback.workbench;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import lab.loopback.claim.ClaimVerdict;
import lab.loopback.claim.Verdict;
import lab.loopback.result.ExperimentView;
import lab.loopback.result.RunStore;
import lab.loopback.result.TableView;
import tech.tablesaw.api.Table;

/**
 * An experiment's outcome on this host, with a committed reference run to fall back on where this host could
 * not produce a figure or table. What comes from the reference is labelled every time — a banner drawn into
 * the figure itself, the table's name — so it cannot be mistaken for a measurement of this host.
 */
public final class WithReference implements ExperimentView {
    private final ExperimentView live;
    private final Path reference;
    private final boolean strict;
    private final String liveHostId;

    /** {@code reference}: a reference run directory, or null when there is none. */
    public WithReference(ExperimentView live, Path reference) {
        this(live, reference, false);
    }

    /**
     * {@code strict} ({@code ./lab test} on a host with every ability the experiments use): a figure or table the
     * notebook asks for and this host did not produce, although the experiment judged all its claims, is an error, not
     * a reason to borrow. On a restricted host an experiment may judge its claim from part of its evidence and skip a
     * figure that needs what the host lacks (SEC-3 without the fragment capture), so there it may borrow.
     */
    public WithReference(ExperimentView live, Path reference, boolean strict) {
        this(live, reference, strict, null);
    }

    /** As above, on the host {@code liveHostId} (null: not known), which the label compares with the reference's. */
    public WithReference(ExperimentView live, Path reference, boolean strict, String liveHostId) {
        this.strict = strict;
        this.live = live;
        this.reference = reference;
        this.liveHostId = liveHostId;
    }

    /** The reference's outcome of this experiment, read once (null when there is none). */
    private ExperimentView referenceOutcome;

    private boolean referenceRead;

    private ExperimentView fromReference() {
        if (!referenceRead) {
            referenceRead = true;
            if (reference != null && RunStore.has(reference, live.experiment()))
                referenceOutcome = RunStore.load(reference, live.experiment());
        }
        return referenceOutcome;
    }

    /** "reference run HOST-ID (data/reference), not this host", or what it is when this host has the same id. */
    public String label() {
        return label(reference, liveHostId);
    }

    /** What a reference of this host's own id is: see {@link #ofThisConfiguration}. */
    static final String EARLIER_RUN =
            "an earlier run on a host of this one's configuration, not measured in this session";

    /**
     * Whether {@code reference} carries this host's id. A reference directory is named by its host id, a digest of the
     * host's configuration (CPU model and count, memory, kernel, virtualisation): a VM of the same shape has the same
     * id, and then the reference is an earlier run of such a host — still not a measurement of this session, and said
     * so rather than "not this host".
     */
    public static boolean ofThisConfiguration(Path reference, String liveHostId) {
        return reference.getFileName().toString().equals(liveHostId);
    }

    /** How a result borrowed from {@code reference} names where it came from, on host {@code liveHostId}. */
    public static String label(Path reference, String liveHostId) {
        String id = reference.getFileName().toString();
        return ofThisConfiguration(reference, liveHostId)
                ? "reference run " + id + " (data/reference): " + EARLIER_RUN
                : "reference run " + id + " (data/reference), not this host";
    }

    @Override
    public Object show(String figure) {
        if (live.figureNames().contains(figure)) return live.figure(figure);
        requireUnjudged("figure", figure, live.figureNames());
        ExperimentView ref = fromReference();
        if (ref == null || !ref.figureNames().contains(figure)) return live.show(figure);
        System.out.println("This host did not produce '" + figure + "'; shown instead: the " + label() + ".");
        return bannered(ref.figure(figure), "REFERENCE — " + label());
    }

    @Override
    public Object tableOrNote(String name) {
        if (live.tables().containsKey(name)) return TableView.of(live.tables().get(name));
        requireUnjudged("table", name, live.tables().keySet());
        ExperimentView ref = fromReference();
        if (ref == null || !ref.tables().containsKey(name)) return live.tableOrNote(name);
        System.out.println("This host did not produce table '" + name + "'; shown instead: the " + label() + ".");
        return TableView.of(ref.tables().get(name).copy().setName("REFERENCE (" + label() + "): " + name));
    }

    /** In a strict run on a fully able host, a missing figure or table is allowed only where a claim was left unjudged. */
    private void requireUnjudged(String kind, String name, Collection<String> produced) {
        if (strict && live.verdicts().stream().noneMatch(v -> v.verdict() == Verdict.NOT_TESTABLE_HERE)) {
            throw new IllegalStateException(live.experiment() + " judged all its claims but recorded no " + kind + " '"
                    + name + "'; it recorded: " + produced);
        }
    }

    /** The reference run's verdict of {@code claimId}, or null. */
    public ClaimVerdict referenceVerdict(String claimId) {
        ExperimentView ref = fromReference();
        if (ref == null) return null;
        return ref.verdicts().stream()
                .filter(v -> v.claim().equalsIgnoreCase(claimId))
                .findFirst()
                .orElse(null);
    }

    public static BufferedImage bannered(BufferedImage img, String text) {
        int band = 34;
        BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight() + band, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(new Color(0xD6, 0x89, 0x10));
            g.fillRect(0, 0, img.getWidth(), band);
            g.setColor(Color.WHITE);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            g.drawString(text, 10, 22);
            g.drawImage(img, 0, band, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    @Override
    public String experiment() {
        return live.experiment();
    }

    @Override
    public Map<String, Table> tables() {
        return live.tables();
    }

    @Override
    public List<String> figureNames() {
        return live.figureNames();
    }

    @Override
    public BufferedImage figure(String name) {
        return live.figure(name);
    }

    @Override
    public String caption(String name) {
        return live.caption(name);
    }

    @Override
    public List<ClaimVerdict> verdicts() {
        return live.verdicts();
    }

    @Override
    public List<String> notes() {
        return live.notes();
    }

    @Override
    public String origin() {
        return live.origin();
    }
}
