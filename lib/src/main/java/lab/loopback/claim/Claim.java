package lab.loopback.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One atomic claim of the article: a permanent id, the section (= notebook) it belongs to, the article's own
 * words, what a measurement has to establish, the claimed value and unit where the claim is numeric, and the rule
 * that decides it: {@code Class.FIELD}, a rule as data, of the workbench's experiments ({@code ./lab explain ID}).
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Claim(
        String id, int section, String quote, String establish, Double claimed, String unit, List<String> rule) {

    public Claim {
        rule = rule == null ? List.of() : List.copyOf(rule);
    }

    public boolean numeric() {
        return claimed != null;
    }
}
