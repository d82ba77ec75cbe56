package lab.loopback.claim;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The claim catalogue, loaded from data/claims.yaml (also packed into the lib jar), validated on load so a
 * malformed ledger fails with a message naming the entry and the field.
 */
public final class ClaimLedger {
    private static final Pattern ID = Pattern.compile("[A-Z]+-\\d+");
    private static final Pattern RULE = Pattern.compile("[A-Z][A-Za-z0-9]*\\.[A-Z][A-Z0-9_]*");

    /** Section number → title, in article order; the notebook of section N is notebooks/NN-slug.ipynb. */
    public record Section(int number, String slug, String title) {}

    public record Document(List<Section> sections, List<Claim> claims) {}

    private final List<Section> sections;
    private final Map<String, Claim> claims;

    private ClaimLedger(List<Section> sections, Map<String, Claim> claims) {
        this.sections = sections;
        this.claims = claims;
    }

    public static ClaimLedger load(Path yaml) {
        try (InputStream in = Files.newInputStream(yaml)) {
            return parse(in, yaml.toString());
        } catch (IOException e) {
            throw new LedgerException("cannot read claim ledger " + yaml + ": " + e.getMessage());
        }
    }

    /** The ledger shipped inside the library jar (a copy of data/claims.yaml made at build time). */
    public static ClaimLedger bundled() {
        try (InputStream in = ClaimLedger.class.getResourceAsStream("/claims.yaml")) {
            if (in == null) throw new LedgerException("claims.yaml is not on the classpath; rebuild with ./lab setup");
            return parse(in, "classpath:claims.yaml");
        } catch (IOException e) {
            throw new LedgerException("cannot read the bundled claim ledger: " + e.getMessage());
        }
    }

    static ClaimLedger parse(InputStream in, String origin) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        Document doc;
        try {
            doc = yaml.readValue(in, Document.class);
        } catch (JsonMappingException e) {
            throw new LedgerException(
                    origin + " is malformed: " + e.getOriginalMessage() + " at " + e.getPathReference());
        } catch (IOException e) {
            throw new LedgerException(origin + " is not valid YAML: " + e.getMessage());
        }
        if (doc == null || doc.sections() == null || doc.claims() == null) {
            throw new LedgerException(origin + " must have the top-level lists 'sections' and 'claims'");
        }
        Map<Integer, Section> byNumber = new LinkedHashMap<>();
        for (Section s : doc.sections()) {
            if (byNumber.put(s.number(), s) != null)
                throw new LedgerException(origin + ": section " + s.number() + " appears twice");
        }
        Map<String, Claim> claims = new LinkedHashMap<>();
        for (Claim c : doc.claims()) {
            String where = origin + ": claim " + c.id();
            if (c.id() == null || !ID.matcher(c.id()).matches()) {
                throw new LedgerException(
                        origin + ": claim id '" + c.id() + "' is not of the form LETTERS-NUMBER (e.g. PERF-1)");
            }
            if (!byNumber.containsKey(c.section()))
                throw new LedgerException(where + " names section " + c.section() + ", which the ledger does not list");
            if (c.quote() == null || c.quote().isBlank())
                throw new LedgerException(where + " has no quote of the article");
            if (c.establish() == null || c.establish().isBlank())
                throw new LedgerException(where + " does not say what a measurement must establish");
            if (c.claimed() != null && (c.unit() == null || c.unit().isBlank()))
                throw new LedgerException(where + " has a claimed value but no unit");
            if (c.rule().size() > 1)
                throw new LedgerException(where + " names " + c.rule().size() + " rules " + c.rule()
                        + "; a claim has exactly one (one Rule may cover several cases)");
            for (String r : c.rule()) {
                if (!RULE.matcher(r).matches())
                    throw new LedgerException(
                            where + " names rule '" + r + "'; a rule is Class.FIELD (a static Rule), e.g. WakeUp.RULE");
            }
            if (claims.put(c.id(), c) != null)
                throw new LedgerException(origin + ": claim id " + c.id() + " appears twice");
            if (c.evidence() == null)
                throw new LedgerException(
                        where + " does not say what its rule reads: evidence: testimony, timing or" + " arithmetic");
        }
        return new ClaimLedger(List.copyOf(doc.sections()), claims);
    }

    public List<Section> sections() {
        return sections;
    }

    public List<Claim> claims() {
        return List.copyOf(claims.values());
    }

    public Claim claim(String id) {
        Claim c = claims.get(id.toUpperCase(Locale.ROOT));
        if (c == null)
            throw new LedgerException(
                    "unknown claim id '" + id + "'; known ids look like " + String.join(", ", examples()));
        return c;
    }

    public boolean has(String id) {
        return claims.containsKey(id.toUpperCase(Locale.ROOT));
    }

    public Section section(int number) {
        return sections.stream()
                .filter(s -> s.number() == number)
                .findFirst()
                .orElseThrow(() ->
                        new LedgerException("unknown section " + number + "; sections are 1.." + sections.size()));
    }

    public List<Claim> inSection(int number) {
        return claims.values().stream().filter(c -> c.section() == number).toList();
    }

    /**
     * Resolves user selectors — claim ids ("PERF-1"), section numbers ("7", "07") or slugs ("performance") —
     * to claim ids, in ledger order; an unknown selector is an error naming it and what is allowed.
     */
    public List<String> select(List<String> selectors) {
        List<String> out = new ArrayList<>();
        for (String raw : selectors) {
            String s = raw.trim();
            if (s.isEmpty()) continue;
            List<Claim> hit;
            if (has(s)) {
                hit = List.of(claim(s));
            } else if (s.matches("\\d{1,2}")) {
                int n = Integer.parseInt(s);
                section(n);
                hit = inSection(n);
            } else {
                Section sec = sections.stream()
                        .filter(x -> x.slug().equalsIgnoreCase(s))
                        .findFirst()
                        .orElseThrow(() -> new LedgerException("'" + s
                                + "' is neither a claim id, a section number (1.." + sections.size()
                                + ") nor a section name ("
                                + String.join(
                                        ", ",
                                        sections.stream().map(Section::slug).toList()) + ")"));
                hit = inSection(sec.number());
            }
            for (Claim c : hit) if (!out.contains(c.id())) out.add(c.id());
        }
        List<String> order = claims.keySet().stream().toList();
        out.sort((a, b) -> Integer.compare(order.indexOf(a), order.indexOf(b)));
        return out;
    }

    private List<String> examples() {
        return Arrays.asList(claims.keySet().stream().limit(4).toArray(String[]::new));
    }

    /** A ledger that cannot be loaded or a selector that names nothing in it. */
    public static final class LedgerException extends IllegalArgumentException {
        @Serial
        private static final long serialVersionUID = 1L;

        public LedgerException(String message) {
            super(message);
        }
    }
}
