package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuxvParserTest {

    @Test
    void parsesCapturedVector() {
        List<AuxvEntry> auxv = AuxvParser.parse(Fixture.bytes("auxv-python.bin"));
        assertEquals(22, auxv.size(), "23 pairs in the file, the last is AT_NULL");
        assertEquals(new AuxvEntry(AuxvEntry.AT_SYSINFO_EHDR, 0x7fb62c340000L), auxv.getFirst());
        assertEquals("AT_SYSINFO_EHDR", auxv.getFirst().name());
        assertEquals(4096, AuxvParser.value(auxv, AuxvEntry.AT_PAGESZ, -1));
        assertEquals(100, AuxvParser.value(auxv, AuxvEntry.AT_CLKTCK, -1));
        assertEquals(0x562fc9908060L, AuxvParser.value(auxv, AuxvEntry.AT_ENTRY, -1));
        assertEquals(0xd30, AuxvParser.value(auxv, AuxvEntry.AT_MINSIGSTKSZ, -1));
        assertEquals("AT_RSEQ_ALIGN", auxv.getLast().name());
        assertEquals("AT_PAGESZ=0x1000", new AuxvEntry(6, 4096).toString());
        assertEquals("AT_99", AuxvEntry.nameOf(99));
    }

    @Test
    void wordsRoundTripToTheFileBytes() {
        byte[] file = Fixture.bytes("auxv-python.bin");
        long[] words = AuxvParser.words(AuxvParser.parse(file));
        ByteBuffer b = ByteBuffer.allocate(words.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long w : words) {
            b.putLong(w);
        }
        assertEquals(ByteBuffer.wrap(file), b.flip());
    }

    @Test
    void readsOwnVector() throws Exception {
        List<AuxvEntry> auxv = AuxvParser.read(OwnFds.pid());
        assertEquals(4096, AuxvParser.value(auxv, AuxvEntry.AT_PAGESZ, -1));
        assertTrue(AuxvParser.value(auxv, AuxvEntry.AT_ENTRY, 0) != 0);
        assertTrue(AuxvParser.value(auxv, AuxvEntry.AT_RANDOM, 0) != 0);
        ProcStatus status = StatusParser.read(OwnFds.pid());
        assertEquals(status.uid().real(), AuxvParser.value(auxv, AuxvEntry.AT_UID, -1));
    }

    @Test
    void rejectsTornPairs() {
        assertThrows(ProcFormatException.class, () -> AuxvParser.parse(new byte[12]));
        assertEquals(List.of(), AuxvParser.parse(new byte[0]));
        assertEquals(List.of(), AuxvParser.parse(new byte[16]), "only AT_NULL");
    }
}
