package lab.loopback.workbench;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.rule.Rule;

/**
 * A rule as the ledger names it: {@code Class.FIELD} in the catalog's package, a static {@link Rule} that decides and describes
 * itself. Found by reflection and — where the sources are at hand (a checkout) — with the text of its declaration, its
 * Javadoc and the values of the named constants it reads.
 */
public record RuleCode(String name, Path source, int line, String text, Map<String, Number> constants, Rule<?> rule) {
    /** The package of the rules: the catalog's, where every experiment declares its rule. */
    public static final String PACKAGE = Experiments.catalogPackage();

    public static final Path SOURCES = Path.of("experiments", "src", "main", "java", PACKAGE.replace('.', '/'));
    private static final Pattern CONSTANT = Pattern.compile("\\b(?:([A-Z][A-Za-z0-9]*)\\.)?([A-Z][A-Z0-9_]{2,})\\b");

    /** The static {@link Rule} that {@code rule} ("Class.FIELD") names; an error naming what is missing if none. */
    public static Rule<?> ruleField(String rule) {
        int dot = rule.indexOf('.');
        if (dot < 0) throw new IllegalArgumentException("rule '" + rule + "' is not Class.FIELD");
        Class<?> owner;
        try {
            owner = inPackage(rule.substring(0, dot));
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                    "rule '" + rule + "': no class " + rule.substring(0, dot) + " in " + PACKAGE);
        }
        String name = rule.substring(dot + 1);
        try {
            Field f = owner.getDeclaredField(name);
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == Rule.class) {
                f.setAccessible(true);
                return (Rule<?>) f.get(null);
            }
        } catch (NoSuchFieldException e) {
            // named below
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(rule + " cannot be read", e);
        }
        throw new IllegalArgumentException(
                "rule '" + rule + "': " + owner.getSimpleName() + " has no static Rule field " + name);
    }

    /** The rule {@code rule} with its text and constants from the sources under {@code home} (text null without them). */
    public static RuleCode of(String rule, Path home) {
        Rule<?> r = ruleField(rule);
        String owner = rule.substring(0, rule.indexOf('.')), name = rule.substring(rule.indexOf('.') + 1);
        Path source = SOURCES.resolve(owner + ".java");
        Path file = home == null ? null : home.resolve(source);
        if (file == null || !Files.isRegularFile(file)) return new RuleCode(rule, source, 0, null, Map.of(), r);
        try {
            String src = Files.readString(file);
            Matcher m = Pattern.compile("static\\s+final\\s+Rule<[^=;]*?>\\s+" + Pattern.quote(name) + "\\s*=")
                    .matcher(src);
            if (!m.find()) return new RuleCode(rule, source, 0, null, Map.of(), r);
            int start = withJavadoc(src, lineStart(src, m.start()));
            String t = src.substring(start, statementEnd(src, m.end()) + 1).stripIndent() + "\n";
            Class<?> in = inPackage(owner);
            return new RuleCode(rule, source, lineOf(src, lineStart(src, m.start())), t, constants(t, in), r);
        } catch (IOException | ClassNotFoundException e) {
            return new RuleCode(rule, source, 0, null, Map.of(), r);
        }
    }

    /** The ';' that ends the declaration starting before {@code from}, outside parentheses and strings. */
    private static int statementEnd(String s, int from) {
        int depth = 0;
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' && s.charAt(i - 1) != '\\') quoted = !quoted;
            else if (!quoted && c == '(') depth++;
            else if (!quoted && c == ')') depth--;
            else if (!quoted && c == ';' && depth == 0) return i;
        }
        throw new IllegalStateException("no end of the declaration after offset " + from);
    }

    /** Values of the static numeric constants {@code text} names (bare in {@code owner}, or Class.NAME in the rules' package). */
    public static Map<String, Number> constants(String text, Class<?> owner) {
        Map<String, Number> out = new LinkedHashMap<>();
        Matcher m = CONSTANT.matcher(text);
        while (m.find()) {
            Class<?> in = owner;
            if (m.group(1) != null) {
                try {
                    in = inPackage(m.group(1));
                } catch (ClassNotFoundException e) {
                    continue; // Verdict.REFUTED and the like: not a threshold
                }
            }
            Number v = staticNumber(in, m.group(2));
            if (v != null) out.put(m.group(0), v);
        }
        return out;
    }

    private static Class<?> inPackage(String simpleName) throws ClassNotFoundException {
        return Class.forName(PACKAGE + "." + simpleName, true, RuleCode.class.getClassLoader());
    }

    private static Number staticNumber(Class<?> c, String field) {
        try {
            Field f = c.getDeclaredField(field);
            if (!Modifier.isStatic(f.getModifiers())) return null;
            f.setAccessible(true);
            return f.get(null) instanceof Number n ? n : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static int lineStart(String s, int at) {
        return s.lastIndexOf('\n', at) + 1;
    }

    private static int lineOf(String s, int at) {
        return (int) s.substring(0, at).chars().filter(ch -> ch == '\n').count() + 1;
    }

    /** The start of the Javadoc (and annotations) right above the line at {@code at}, or {@code at}. */
    private static int withJavadoc(String s, int at) {
        int p = at;
        List<String> above = new ArrayList<>();
        while (p > 0) {
            int prev = lineStart(s, p - 1);
            String line = s.substring(prev, p).strip();
            if (line.startsWith("@") || line.startsWith("*") || line.startsWith("/**") || line.endsWith("*/")) {
                above.add(line);
                p = prev;
                if (line.startsWith("/**")) return p;
            } else break;
        }
        return above.stream().anyMatch(l -> l.startsWith("/**")) ? p : at;
    }
}
