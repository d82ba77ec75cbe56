package lab.loopback.kernel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The running kernel's own symbol table (/proc/kallsyms): which functions exist in this kernel, so "the
 * logic lives in tcp_loopback.c" can be checked against what was compiled in. Without root the names are
 * still listed (addresses read as zero under kptr_restrict); an unreadable file is reported, not thrown.
 */
public final class KernelSymbols {
    /** One symbol: its type letter (T/t text, D/d data …), name, and module ("" for the core kernel). */
    public record Symbol(char type, String name, String module) {}

    private final Path file;

    public KernelSymbols(Path file) {
        this.file = file;
    }

    public static KernelSymbols live() {
        return new KernelSymbols(Path.of("/proc/kallsyms"));
    }

    /** Null when the symbol table can be read, else why not. */
    public String unavailable() {
        if (!Files.isReadable(file)) return file + " is not readable";
        try (Stream<String> s = Files.lines(file)) {
            return s.findFirst().isPresent() ? null : file + " is empty";
        } catch (IOException e) {
            return "cannot read " + file + ": " + e.getMessage();
        }
    }

    /** All symbols whose name matches {@code regex} in full. */
    public List<Symbol> find(String regex) {
        Pattern p = Pattern.compile(regex);
        List<Symbol> out = new ArrayList<>();
        try (Stream<String> lines = Files.lines(file)) {
            lines.forEach(l -> {
                Symbol s = parse(l);
                if (s != null && p.matcher(s.name()).matches()) out.add(s);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** "ffffffff81daedf0 t loopback_xmit" or "… t nft_do_chain\t[nf_tables]". */
    static Symbol parse(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 3 || f[1].length() != 1) return null;
        String module = f.length > 3 && f[3].startsWith("[") ? f[3].substring(1, f[3].length() - 1) : "";
        return new Symbol(f[1].charAt(0), f[2], module);
    }
}
