package dev.cryo.cli.output;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonTest {

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertEquals("\"a\\\"b\\\\c\\nd\\te\\r\\b\\f\\u0001\\u001f\"", Json.write("a\"b\\c\nd\te\r\b\f\u0001\u001f"));
    }

    @Test
    void keepsNonAsciiAndSlashes() {
        assertEquals("\"/tmp/été ✓ 😀\"", Json.write("/tmp/été ✓ 😀"));
    }

    @Test
    void escapesLineSeparatorsAndLoneSurrogates() {
        assertEquals("\"\\u2028\\u2029\"", Json.write("\u2028\u2029"));
        assertEquals("\"x\\ud800y\"", Json.write("x\ud800y"));
        assertEquals("\"\\udc00\"", Json.write("\udc00"));
    }

    @Test
    void scalars() {
        assertEquals("null", Json.write(null));
        assertEquals("true", Json.write(true));
        assertEquals("42", Json.write(42));
        assertEquals("-9223372036854775808", Json.write(Long.MIN_VALUE));
        assertEquals("1.5", Json.write(1.5));
        assertEquals("null", Json.write(Double.NaN));
        assertEquals("null", Json.write(Double.POSITIVE_INFINITY));
    }

    record Sample(String id, long bytesStored, long freezeMs, List<Integer> pids, int[] regs, byte[] data, Kind kind,
                  Path path, Instant at, Map<String, String> labels, Sample child) {}

    enum Kind { ANONYMOUS, FILE_PRIVATE }

    @Test
    void recordsBecomeObjectsWithSnakeCaseKeys() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("name", "web");
        labels.put("a\"b", "c");
        Sample s = new Sample("ab12", 4096, 35, List.of(10, 11), new int[] {1, -2}, new byte[] {0, 1, 2, (byte) 255},
                Kind.FILE_PRIVATE, Path.of("/x y"), Instant.parse("2025-01-02T03:04:05Z"), labels, null);
        assertEquals("{\"id\":\"ab12\",\"bytes_stored\":4096,\"freeze_ms\":35,\"pids\":[10,11],\"regs\":[1,-2],"
                        + "\"data\":\"AAEC/w==\",\"kind\":\"file_private\",\"path\":\"/x y\",\"at\":\"2025-01-02T03:04:05Z\","
                        + "\"labels\":{\"name\":\"web\",\"a\\\"b\":\"c\"},\"child\":null}",
                Json.write(s));
    }

    sealed interface Shape permits Circle, Square {}

    record Circle(int r) implements Shape {}

    record Square(int side) implements Shape {}

    @Test
    void variantsOfASealedInterfaceAreTagged() {
        List<Shape> shapes = List.of(new Circle(1), new Square(2));
        assertEquals("[{\"type\":\"Circle\",\"r\":1},{\"type\":\"Square\",\"side\":2}]", Json.write(shapes));
    }

    @Test
    void emptyContainers() {
        assertEquals("[]", Json.write(List.of()));
        assertEquals("{}", Json.write(Map.of()));
        assertEquals("[]", Json.write(new long[0]));
        assertEquals("[[1,2],[3]]", Json.write(Arrays.asList(new long[] {1, 2}, new long[] {3})));
    }

    @Test
    void snakeCase() {
        assertEquals("bytes_stored", Json.snakeCase("bytesStored"));
        assertEquals("root_pid", Json.snakeCase("rootPid"));
        assertEquals("id", Json.snakeCase("id"));
        assertEquals("already_snake", Json.snakeCase("already_snake"));
        assertEquals("xsave_size", Json.snakeCase("xsaveSize"));
    }
}
