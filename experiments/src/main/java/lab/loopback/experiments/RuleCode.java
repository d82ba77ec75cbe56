package lab.loopback.experiments;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.loopback.claim.Verdict;
import lab.loopback.rule.Rule;

/**
 * A rule as the ledger names it, in this package: {@code Class.FIELD}, a static {@link Rule} that decides and describes
 * itself, or {@code Class.method}, a static method returning a {@link Verdict} (rules not yet written as data). Found
 * by reflection and — where the sources are at hand (a checkout) — with its text, its Javadoc and the values of the
 * named constants it reads. The rule is the code; this shows it rather than a description of it that could drift.
 */
public record RuleCode(String name, Path source, int line, String text, Map<String, Number> constants, Rule<?> rule) {
    static final String PACKAGE = RuleCode.class.getPackageName();
    static final Path SOURCES = Path.of("experiments", "src", "main", "java", PACKAGE.replace('.', '/'));
    private static final Pattern CONSTANT = Pattern.compile("\\b(?:([A-Z][A-Za-z0-9]*)\\.)?([A-Z][A-Z0-9_]{2,})\\b");

    private static Class<?> owner(String rule) {
        int dot = rule.indexOf('.');
        if (dot < 0) throw new IllegalArgumentException("rule '" + rule + "' is not Class.FIELD or Class.method");
        try {
            return Class.forName(PACKAGE + "." + rule.substring(0, dot));
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException(
                    "rule '" + rule + "': no class " + rule.substring(0, dot) + " in " + PACKAGE);
        }
    }

    /** The static {@link Rule} that {@code rule} ("Class.FIELD") names, or null when it names no such field. */
    static Rule<?> ruleField(String rule) {
        Class<?> owner = owner(rule);
        try {
            Field f = owner.getDeclaredField(rule.substring(rule.indexOf('.') + 1));
            if (!Modifier.isStatic(f.getModifiers()) || f.getType() != Rule.class) return null;
            f.setAccessible(true);
            return (Rule<?>) f.get(null);
        } catch (NoSuchFieldException e) {
            return null;
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(rule + " cannot be read", e);
        }
    }

    /** The static methods returning a {@link Verdict} that {@code rule} ("Class.method") names; an error if none. */
    static List<Method> methods(String rule) {
        Class<?> owner = owner(rule);
        String name = rule.substring(rule.indexOf('.') + 1);
        List<Method> found = Arrays.stream(owner.getDeclaredMethods())
                .filter(m -> m.getName().equals(name)
                        && Modifier.isStatic(m.getModifiers())
                        && m.getReturnType() == Verdict.class)
                .toList();
        if (found.isEmpty())
            throw new IllegalArgumentException("rule '" + rule + "': " + owner.getSimpleName()
                    + " has no static Rule field and no static method " + name + " returning a Verdict");
        return found;
    }

    /** The rule {@code rule} with its text and constants from the sources under {@code home} (text null without them). */
    public static RuleCode of(String rule, Path home) {
        Rule<?> asData = ruleField(rule);
        Class<?> owner = asData != null ? owner(rule) : methods(rule).getFirst().getDeclaringClass();
        Path source = SOURCES.resolve(owner.getSimpleName() + ".java");
        Path file = home == null ? null : home.resolve(source);
        if (file == null || !Files.isRegularFile(file)) return new RuleCode(rule, source, 0, null, Map.of(), asData);
        try {
            String src = Files.readString(file);
            String name = rule.substring(rule.indexOf('.') + 1);
            StringBuilder text = new StringBuilder();
            int firstLine = 0;
            Matcher m = (asData != null
                            ? Pattern.compile("static\\s+final\\s+Rule<[^=;]*?>\\s+" + Pattern.quote(name) + "\\s*=")
                            : Pattern.compile("static\\s+Verdict\\s+" + Pattern.quote(name) + "\\s*\\("))
                    .matcher(src);
            while (m.find()) { // every overload
                int start = withJavadoc(src, lineStart(src, m.start()));
                int end = asData != null ? statementEnd(src, m.end()) : closingBrace(src, src.indexOf('{', m.end()));
                if (firstLine == 0) firstLine = lineOf(src, lineStart(src, m.start()));
                if (!text.isEmpty()) text.append('\n');
                text.append(src, start, end + 1).append('\n');
                if (asData != null) break;
            }
            String t = text.toString().stripIndent();
            return new RuleCode(rule, source, firstLine, t, constants(t, owner), asData);
        } catch (IOException e) {
            return new RuleCode(rule, source, 0, null, Map.of(), asData);
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

    /** Values of the static numeric constants {@code text} names (bare in {@code owner}, or Class.NAME in this package). */
    static Map<String, Number> constants(String text, Class<?> owner) {
        Map<String, Number> out = new LinkedHashMap<>();
        Matcher m = CONSTANT.matcher(text);
        while (m.find()) {
            Class<?> in = owner;
            if (m.group(1) != null) {
                try {
                    in = Class.forName(PACKAGE + "." + m.group(1));
                } catch (ClassNotFoundException e) {
                    continue; // Verdict.REFUTED and the like: not a threshold
                }
            }
            Number v = staticNumber(in, m.group(2));
            if (v != null) out.put(m.group(0), v);
        }
        return out;
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

    private static int closingBrace(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '{') depth++;
            else if (c == '}' && --depth == 0) return i;
        }
        throw new IllegalStateException("unbalanced braces after offset " + open);
    }
}
