package dev.cryo.engine.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HotChunksTest {
    /** One checkpoint's scan of chunk 7: whether it was scanned unprotected, and whether it turned hot. */
    private static String checkpoint(HotChunks h, boolean writtenWhole) {
        boolean unprotected = h.unprotected(7);
        boolean turned = h.scanned(7, writtenWhole);
        h.finish();
        return (unprotected ? "U" : "P") + (turned ? "+" : "");
    }

    @Test
    void aChunkWrittenWholeEveryTimeIsProtectedOneIntervalInSpanPlusTwo() {
        HotChunks h = new HotChunks();
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 39; i++) seen.append(checkpoint(h, true)).append(' ');
        // measured whole (turns hot), unprotected for span checkpoints, protected again, measured again...
        assertEquals("P+ U U P P+ U U U U P P+ U U U U U U U U P P+ " + "U ".repeat(16) + "P P+ ", seen.toString());
    }

    @Test
    void aChunkThatCooledDownIsAnOrdinaryOneAgain() {
        HotChunks h = new HotChunks();
        assertEquals("P+", checkpoint(h, true));
        assertEquals("U", checkpoint(h, false)); // unprotected: it reads as written whatever happened
        assertEquals("U", checkpoint(h, false));
        assertEquals("P", checkpoint(h, false)); // protected again
        assertEquals("P", checkpoint(h, false)); // measured: not written whole
        assertEquals("P", checkpoint(h, false));
        assertEquals("P+", checkpoint(h, true)); // hot again, from the first span
        assertEquals("U", checkpoint(h, true));
    }

    @Test
    void aChunkNotScannedAtACheckpointIsForgotten() {
        HotChunks h = new HotChunks();
        checkpoint(h, true);
        h.finish(); // a checkpoint that did not scan it (its area was mapped anew and protected whole)
        assertFalse(h.unprotected(7));
    }

    @Test
    void theStateSurvivesItsTextAndBadTextIsDropped() {
        HotChunks h = new HotChunks();
        h.scanned(7, true);
        h.scanned(0x7fff_ffffL, true);
        h.finish();
        HotChunks back = HotChunks.decode(h.encode());
        assertTrue(back.unprotected(7));
        assertTrue(back.unprotected(0x7fff_ffffL));
        assertEquals(h.encode(), back.encode());
        assertFalse(HotChunks.decode("7:x").unprotected(7));
        assertEquals("", HotChunks.decode(null).encode());
    }
}
