package dev.cryo.linux.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses /proc/PID/status into {@link ProcStatus}. Lines are {@code Key:<TAB>value}; keys this parser does not
 * need are skipped, so new kernel lines do no harm.
 */
public final class StatusParser {

    private StatusParser() {
    }

    public static ProcStatus read(int pid) throws IOException {
        return parse(ProcText.read(ProcText.pidDir(pid).resolve("status")));
    }

    public static ProcStatus read(int pid, int tid) throws IOException {
        return parse(ProcText.read(ProcText.taskDir(pid, tid).resolve("status")));
    }

    public static ProcStatus parse(String text) {
        String name = "";
        int umask = -1;
        char state = '?';
        int tgid = -1;
        int pid = -1;
        int ppid = -1;
        int tracerPid = -1;
        ProcStatus.Ids uid = ProcStatus.Ids.UNKNOWN;
        ProcStatus.Ids gid = ProcStatus.Ids.UNKNOWN;
        List<Integer> groups = List.of();
        List<Integer> nsTgid = List.of();
        List<Integer> nsPid = List.of();
        List<Integer> nsPgid = List.of();
        List<Integer> nsSid = List.of();
        int threads = -1;
        ProcStatus.SigQ sigQ = ProcStatus.SigQ.UNKNOWN;
        long sigPnd = 0;
        long shdPnd = 0;
        long sigBlk = 0;
        long sigIgn = 0;
        long sigCgt = 0;
        long capInh = 0;
        long capPrm = 0;
        long capEff = 0;
        long capBnd = 0;
        long capAmb = 0;
        boolean noNewPrivs = false;
        int seccomp = -1;
        int seccompFilters = -1;
        String ssb = "";

        int length = text.length();
        int line = 0;
        while (line < length) {
            int eol = ProcText.lineEnd(text, line);
            int colon = ProcText.indexOf(text, ':', line, eol);
            if (colon > line) {
                int v = ProcText.skipBlanks(text, colon + 1, eol);
                int ve = trimEnd(text, v, eol);
                switch (text.substring(line, colon)) {
                    case "Name" -> name = unescapeName(text, Math.min(colon + 2, eol), eol); // exactly one tab, then the name
                    case "Umask" -> umask = (int) ProcText.octal(text, v, ve);
                    case "State" -> state = v < ve ? text.charAt(v) : '?';
                    case "Tgid" -> tgid = (int) ProcText.decimal(text, v, ve);
                    case "Pid" -> pid = (int) ProcText.decimal(text, v, ve);
                    case "PPid" -> ppid = (int) ProcText.decimal(text, v, ve);
                    case "TracerPid" -> tracerPid = (int) ProcText.decimal(text, v, ve);
                    case "Uid" -> uid = ids(text, v, ve);
                    case "Gid" -> gid = ids(text, v, ve);
                    case "Groups" -> groups = ints(text, v, ve);
                    case "NStgid" -> nsTgid = ints(text, v, ve);
                    case "NSpid" -> nsPid = ints(text, v, ve);
                    case "NSpgid" -> nsPgid = ints(text, v, ve);
                    case "NSsid" -> nsSid = ints(text, v, ve);
                    case "Threads" -> threads = (int) ProcText.decimal(text, v, ve);
                    case "SigQ" -> sigQ = sigQ(text, v, ve);
                    case "SigPnd" -> sigPnd = ProcText.hex(text, v, ve);
                    case "ShdPnd" -> shdPnd = ProcText.hex(text, v, ve);
                    case "SigBlk" -> sigBlk = ProcText.hex(text, v, ve);
                    case "SigIgn" -> sigIgn = ProcText.hex(text, v, ve);
                    case "SigCgt" -> sigCgt = ProcText.hex(text, v, ve);
                    case "CapInh" -> capInh = ProcText.hex(text, v, ve);
                    case "CapPrm" -> capPrm = ProcText.hex(text, v, ve);
                    case "CapEff" -> capEff = ProcText.hex(text, v, ve);
                    case "CapBnd" -> capBnd = ProcText.hex(text, v, ve);
                    case "CapAmb" -> capAmb = ProcText.hex(text, v, ve);
                    case "NoNewPrivs" -> noNewPrivs = ProcText.decimal(text, v, ve) != 0;
                    case "Seccomp" -> seccomp = (int) ProcText.decimal(text, v, ve);
                    case "Seccomp_filters" -> seccompFilters = (int) ProcText.decimal(text, v, ve);
                    case "Speculation_Store_Bypass" -> ssb = text.substring(v, ve);
                    default -> {
                        // a line we do not need
                    }
                }
            }
            line = eol + 1;
        }
        return new ProcStatus(name, umask, state, tgid, pid, ppid, tracerPid, uid, gid, groups,
                nsTgid, nsPid, nsPgid, nsSid, threads, sigQ, sigPnd, shdPnd, sigBlk, sigIgn, sigCgt,
                capInh, capPrm, capEff, capBnd, capAmb, noNewPrivs, seccomp, seccompFilters, ssb);
    }

    private static int trimEnd(String text, int from, int to) {
        while (to > from && Character.isWhitespace(text.charAt(to - 1))) {
            to--;
        }
        return to;
    }

    /** Blank-separated decimals ("Groups:\t4 27 100 ", "NSpid:\t3939\t1"); an empty value is an empty list. */
    private static List<Integer> ints(String text, int from, int to) {
        List<Integer> out = null;
        int i = ProcText.skipBlanks(text, from, to);
        while (i < to) {
            int e = ProcText.tokenEnd(text, i, to);
            if (out == null) {
                out = new ArrayList<>(4);
            }
            out.add((int) ProcText.decimal(text, i, e));
            i = ProcText.skipBlanks(text, e, to);
        }
        return out == null ? List.of() : List.copyOf(out);
    }

    private static ProcStatus.Ids ids(String text, int from, int to) {
        List<Integer> v = ints(text, from, to);
        if (v.size() != 4) {
            throw new ProcFormatException("status: expected 4 ids", text, from);
        }
        return new ProcStatus.Ids(v.get(0), v.get(1), v.get(2), v.get(3));
    }

    private static ProcStatus.SigQ sigQ(String text, int from, int to) {
        int slash = ProcText.indexOf(text, '/', from, to);
        if (slash < 0) {
            throw new ProcFormatException("status: SigQ without '/'", text, from);
        }
        return new ProcStatus.SigQ(ProcText.decimal(text, from, slash), ProcText.decimal(text, slash + 1, to));
    }

    /**
     * status escapes exactly two characters of the name (seq_escape_str with "\n\\"): newline as {@code \n} and
     * backslash as {@code \\}. Trailing blanks are part of the name, so only the line end bounds it.
     */
    static String unescapeName(String text, int from, int to) {
        int bs = ProcText.indexOf(text, '\\', from, to);
        if (bs < 0) {
            return text.substring(from, to);
        }
        StringBuilder sb = new StringBuilder(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < to) {
                char n = text.charAt(++i);
                sb.append(n == 'n' ? '\n' : n);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
