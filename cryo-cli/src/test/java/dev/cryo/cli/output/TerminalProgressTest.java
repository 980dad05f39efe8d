package dev.cryo.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TerminalProgressTest {

    @Test
    void bytesWithTotalShowPercent() {
        assertEquals("memory: 32.0 MiB / 64.0 MiB (50%)", TerminalProgress.line("memory", 32L << 20, 64L << 20));
    }

    @Test
    void countsAreNotBytes() {
        assertEquals("processes: 3 / 4 (75%)", TerminalProgress.line("processes", 3, 4));
    }

    @Test
    void unknownTotal() {
        assertEquals("memory: 1.0 KiB", TerminalProgress.line("memory", 1024, -1));
    }

    @Test
    void showsNothingWithoutATerminal() {
        StringWriter w = new StringWriter();
        try (TerminalProgress p = new TerminalProgress(new PrintWriter(w), false)) {
            p.update("memory", 1, 2);
        }
        assertEquals("", w.toString());
    }
}
