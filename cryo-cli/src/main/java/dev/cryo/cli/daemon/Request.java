package dev.cryo.cli.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a client asks the daemon, decoded from the wire: a payload of NUL-terminated strings after a u32 length
 * (see cryo-helper's {@code call}). A command line to run ({@link Call}) or a question about the daemon itself
 * ({@link Control}: status, stop).
 */
sealed interface Request permits Request.Call, Request.Control {
    String CALL = "cryo-call-1", CONTROL = "cryo-ctl-1";
    int MAX_PAYLOAD = 1 << 20;

    /**
     * A command line.
     *
     * @param fds the caller's stdin, stdout, stderr, received as descriptors of ours
     */
    record Call(Path cwd, List<String> args, Map<String, String> env, int[] fds) implements Request {
    }

    record Control(String verb) implements Request {
    }

    /** Decodes {@code payload}; throws IllegalArgumentException with what is wrong. */
    static Request decode(byte[] payload, int[] fds) {
        List<String> s = strings(payload);
        if (s.isEmpty()) throw new IllegalArgumentException("empty request");
        if (s.get(0).equals(CONTROL) && s.size() == 2) {
            return new Control(s.get(1));
        }
        if (!s.get(0).equals(CALL) || s.size() < 3) throw new IllegalArgumentException("not a cryo request");
        if (fds.length != 3) throw new IllegalArgumentException("expected stdin, stdout and stderr, got " + fds.length + " descriptors");
        Path cwd = Path.of(s.get(1));
        if (!cwd.isAbsolute()) throw new IllegalArgumentException("the caller has no working directory");
        int argc = Integer.parseInt(s.get(2));
        if (argc < 0 || 3 + argc > s.size()) throw new IllegalArgumentException("bad argument count " + argc);
        List<String> args = List.copyOf(s.subList(3, 3 + argc));
        Map<String, String> env = new LinkedHashMap<>();
        for (String e : s.subList(3 + argc, s.size())) {
            int eq = e.indexOf('=');
            if (eq > 0) env.put(e.substring(0, eq), e.substring(eq + 1));
        }
        return new Call(cwd, args, env, fds);
    }

    /** The payload of a control request. */
    static byte[] control(String verb) {
        return (CONTROL + "\0" + verb + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> strings(byte[] payload) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < payload.length; i++) {
            if (payload[i] == 0) {
                out.add(new String(payload, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        if (start != payload.length) throw new IllegalArgumentException("unterminated string in request");
        return out;
    }
}
