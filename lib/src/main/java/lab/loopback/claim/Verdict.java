package lab.loopback.claim;

/** What the host's evidence supports. {@link #NOT_YET_MEASURED} marks a ledger claim no experiment judges yet. */
public enum Verdict {
    SUPPORTED,
    REFUTED,
    PARTLY_TRUE,
    /** A figure the hardware decides: measured beside claimed, with what the host is. */
    HOST_DEPENDENT,
    /** The host cannot test it; the verdict's summary says exactly why. */
    NOT_TESTABLE_HERE,
    /** A topic the article only promises to write about (MORE-1..3): the data and findings are shown, no truth value. */
    EXPLORED,
    NOT_YET_MEASURED
}
