package lab.loopback.measurements;

import java.util.List;
import lab.loopback.claim.Claim;
import lab.loopback.measure.Bytes;

/** How the evidence of a size-dependent verdict says which of the sizes a run measured were judged. */
public final class HeadlineSizes {
    private HeadlineSizes() {}

    /** "judged at 64 B, 4 KiB, … (the ledger's headline sizes, …); 512 B, … shown, not judged". */
    public static String words(Claim claim, List<Integer> measured) {
        List<Integer> judged = claim.judgedAt(measured);
        List<String> others = measured.stream()
                .filter(x -> !judged.contains(x))
                .map(Bytes::human)
                .toList();
        return "judged at "
                + String.join(", ", judged.stream().map(Bytes::human).toList())
                + " (the ledger's headline sizes, the same in every profile)"
                + (others.isEmpty() ? "" : "; " + String.join(", ", others) + " shown, not judged");
    }
}
