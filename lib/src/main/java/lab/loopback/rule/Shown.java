package lab.loopback.rule;

import java.math.BigDecimal;
import java.math.MathContext;

/** How a threshold is written in a rule's description: scaled (a fraction as a percentage) and with its unit. */
public record Shown(double scale, String suffix) {
    public static final Shown PERCENT = new Shown(100, " %");
    public static final Shown TIMES = new Shown(1, "×");
    public static final Shown PLAIN = new Shown(1, "");

    /** A number followed by {@code unit} ({@code " copies per byte"}, {@code " µs"}). */
    public static Shown unit(String unit) {
        return new Shown(1, unit);
    }

    /** {@code value} as a reader reads it: at most four significant digits, no trailing zeros. */
    public String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) return value + suffix;
        BigDecimal d = new BigDecimal(value * scale).round(new MathContext(4)).stripTrailingZeros();
        return d.toPlainString() + suffix;
    }
}
