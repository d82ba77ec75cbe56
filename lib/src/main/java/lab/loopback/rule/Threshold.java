package lab.loopback.rule;

/** One limit a rule compares a measured quantity with, as {@code ./lab explain} lists it. */
public record Threshold(String quantity, String comparison, double limit, String shown) {
    @Override
    public String toString() {
        return quantity + " " + comparison + " " + shown;
    }
}
