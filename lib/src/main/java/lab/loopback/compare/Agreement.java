package lab.loopback.compare;

/** How the runs of a comparison agree on one claim. */
public enum Agreement {
    /** Every run that judged the claim came to the same verdict. */
    SAME,
    /** Two runs judged the claim differently: a host (or kernel, or noise) decides it. */
    DIFFERS,
    /** Fewer than two runs judged it (not selected, not testable there): nothing to compare. */
    NOT_COMPARABLE
}
