package dev.cryo.cli.output;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.temporal.TemporalAccessor;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A small JSON writer (no Jackson: start-up time matters for a CLI). Writes compact JSON, one document.
 *
 * <p>Mapping: records become objects whose keys are the component names in snake_case (so
 * {@code bytesStored} is {@code bytes_stored}); a record that implements a sealed interface also gets
 * {@code "type"} with its simple name, so readers can tell the variants apart. Maps become objects,
 * iterables and arrays become arrays, {@code byte[]} becomes a base64 string, enums their lower-case
 * name, paths and times their string form; non-finite doubles become null.
 */
public final class Json {
    private Json() {}

    public static String write(Object value) {
        StringBuilder sb = new StringBuilder(256);
        value(sb, value);
        return sb.toString();
    }

    private static void value(StringBuilder sb, Object v) {
        switch (v) {
            case null -> sb.append("null");
            case String s -> string(sb, s);
            case Character c -> string(sb, c.toString());
            case Boolean b -> sb.append(b.booleanValue());
            case Double d -> number(sb, d);
            case Float f -> number(sb, f.doubleValue());
            case Number n -> sb.append(n);
            case Enum<?> e -> string(sb, e.name().toLowerCase(Locale.ROOT));
            case Path p -> string(sb, p.toString());
            case TemporalAccessor t -> string(sb, t.toString());
            case Optional<?> o -> value(sb, o.orElse(null));
            case byte[] bytes -> string(sb, Base64.getEncoder().encodeToString(bytes));
            case Map<?, ?> m -> map(sb, m);
            case Iterable<?> it -> iterable(sb, it);
            case Record r -> record(sb, r);
            default -> {
                if (v.getClass().isArray()) {
                    array(sb, v);
                } else {
                    string(sb, v.toString());
                }
            }
        }
    }

    private static void number(StringBuilder sb, double d) {
        if (Double.isFinite(d)) {
            sb.append(d);
        } else {
            sb.append("null");
        }
    }

    private static void map(StringBuilder sb, Map<?, ?> m) {
        sb.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            string(sb, String.valueOf(e.getKey()));
            sb.append(':');
            value(sb, e.getValue());
        }
        sb.append('}');
    }

    private static void iterable(StringBuilder sb, Iterable<?> it) {
        sb.append('[');
        boolean first = true;
        for (Object o : it) {
            if (!first) sb.append(',');
            first = false;
            value(sb, o);
        }
        sb.append(']');
    }

    private static void array(StringBuilder sb, Object array) {
        sb.append('[');
        int n = Array.getLength(array);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(',');
            value(sb, Array.get(array, i));
        }
        sb.append(']');
    }

    private static void record(StringBuilder sb, Record r) {
        sb.append('{');
        boolean first = true;
        String type = sealedVariant(r.getClass());
        if (type != null) {
            sb.append("\"type\":");
            string(sb, type);
            first = false;
        }
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            if (!first) sb.append(',');
            first = false;
            string(sb, snakeCase(c.getName()));
            sb.append(':');
            value(sb, component(r, c));
        }
        sb.append('}');
    }

    private static String sealedVariant(Class<?> type) {
        for (Class<?> i : type.getInterfaces()) {
            if (i.isSealed()) {
                return type.getSimpleName();
            }
        }
        return null;
    }

    private static Object component(Record r, RecordComponent c) {
        Method accessor = c.getAccessor();
        try {
            if (!accessor.canAccess(r)) {
                accessor.setAccessible(true);
            }
            return accessor.invoke(r);
        } catch (IllegalAccessException | InvocationTargetException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + r.getClass().getSimpleName() + "." + c.getName(), e);
        }
    }

    /** {@code bytesStored} -> {@code bytes_stored}; names already in snake_case are kept. */
    public static String snakeCase(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0 && !Character.isUpperCase(name.charAt(i - 1)) && name.charAt(i - 1) != '_') {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259 §7). */
    public static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    // Control characters must be escaped; U+2028/9 too, so the output is also valid JavaScript;
                    // a lone surrogate (a broken file name) is escaped rather than written as invalid UTF-8.
                    if (ch < 0x20 || ch == '\u2028' || ch == '\u2029' || lone(s, i)) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }

    private static boolean lone(String s, int i) {
        char ch = s.charAt(i);
        if (Character.isHighSurrogate(ch)) {
            return i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        }
        if (Character.isLowSurrogate(ch)) {
            return i == 0 || !Character.isHighSurrogate(s.charAt(i - 1));
        }
        return false;
    }
}
