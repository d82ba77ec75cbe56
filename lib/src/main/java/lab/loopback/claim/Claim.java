package lab.loopback.claim;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One atomic claim of the article: a permanent id, the section (= notebook) it belongs to, the article's own
 * words, what a measurement has to establish, and the claimed value and unit where the claim is numeric.
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Claim(String id, int section, String quote, String establish, Double claimed, String unit) {

    public boolean numeric() {
        return claimed != null;
    }
}
