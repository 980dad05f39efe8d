package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ProcTextTest {

    private static long dec(String s) {
        return ProcText.decimal(s, 0, s.length());
    }

    @Test
    void numbers() {
        assertEquals(-17, dec("-17"));
        assertEquals(Long.MAX_VALUE, dec("9223372036854775807"));
        assertEquals(-1L, ProcText.unsignedDecimal("18446744073709551615", 0, 20));
        assertEquals(42, ProcText.unsignedDecimal("x42y", 1, 3));
        assertEquals(0xffffffffff600000L, ProcText.hex("ffffffffff600000", 0, 16));
        assertEquals(0xABCDEFL, ProcText.hex("ABCDEF", 0, 6));
        assertEquals(02004002, ProcText.octal("02004002", 0, 8));
        assertArrayEquals(new byte[] {(byte) 0xe8, (byte) 0xf7, 3}, ProcText.hexBytes("e8f703", 0, 6));
    }

    @Test
    void rejectsMalformedNumbers() {
        assertThrows(ProcFormatException.class, () -> dec(""));
        assertThrows(ProcFormatException.class, () -> dec("-"));
        assertThrows(ProcFormatException.class, () -> dec("12a"));
        assertThrows(ProcFormatException.class, () -> ProcText.hex("g", 0, 1));
        assertThrows(ProcFormatException.class, () -> ProcText.hex("11112222333344445", 0, 17));
        assertThrows(ProcFormatException.class, () -> ProcText.octal("08", 0, 2));
        assertThrows(ProcFormatException.class, () -> ProcText.unsignedDecimal("18446744073709551616", 0, 20));
        assertThrows(ProcFormatException.class, () -> ProcText.hexBytes("abc", 0, 3));
    }

    @Test
    void unescapes() {
        String plain = "/usr/lib/x.so";
        assertEquals(plain, ProcText.unescapeOctal(plain, 0, plain.length()));
        assertEquals("/a b\tc\nd\\e", ProcText.unescapeOctal("/a\\040b\\011c\\012d\\134e", 0, 22));
        assertEquals("\\04", ProcText.unescapeOctal("\\04", 0, 3), "a cut escape stays as is");
        String maps = "/tmp/a\\040b\\012c";
        assertEquals("/tmp/a\\040b\nc", ProcText.unescapeNewlines(maps, 0, maps.length()),
                "maps escapes only newlines: a name with a real backslash is kept");
    }
}
