package dev.cryo.cli.output;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteSizeTest {
    @Test
    void binaryUnits() {
        assertEquals("0 B", ByteSize.format(0));
        assertEquals("1023 B", ByteSize.format(1023));
        assertEquals("1.0 KiB", ByteSize.format(1024));
        assertEquals("4.0 KiB", ByteSize.format(4096));
        assertEquals("64.0 MiB", ByteSize.format(64L << 20));
        assertEquals("1.5 GiB", ByteSize.format(3L << 29));
        assertEquals("8.0 EiB", ByteSize.format(Long.MAX_VALUE));
    }
}
