package dev.cryo.cli.output;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void aPhaseWithoutNumbersShowsItsName() {
        assertEquals("memory...", TerminalProgress.line("memory", 0, -1));
    }

    @Test
    void longWorkOnATerminalIsShownAndErasedAtTheEnd() throws InterruptedException {
        StringWriter w = new StringWriter();
        try (TerminalProgress p = new TerminalProgress(new PrintWriter(w), true)) {
            p.update("memory", 1024, 4096);
            // wait (bounded) for the ticker to draw once the delay has passed
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!w.toString().contains("memory: 1.0 KiB / 4.0 KiB (25%)") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        String s = w.toString();
        assertTrue(s.startsWith("\rmemory: 1.0 KiB / 4.0 KiB (25%)"), s);
        assertTrue(s.endsWith("\r\033[K"), s);
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
