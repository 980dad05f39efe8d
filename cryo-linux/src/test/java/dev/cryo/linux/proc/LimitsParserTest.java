package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class LimitsParserTest {

    @Test
    void parsesEveryLimitWithItsNumber() {
        List<Rlimit> limits = LimitsParser.parse(Fixture.text("limits.txt"));
        assertEquals(16, limits.size());
        for (int r = 0; r < limits.size(); r++) {
            assertEquals(r, limits.get(r).resource(), "file order is RLIMIT_* order");
            assertEquals(LimitsParser.name(r), limits.get(r).name());
        }
        assertEquals(new Rlimit("RLIMIT_CPU", 0, Rlimit.INFINITY, Rlimit.INFINITY), limits.get(0));
        assertEquals(new Rlimit("RLIMIT_STACK", 3, 8388608, Rlimit.INFINITY), limits.get(3));
        assertEquals(new Rlimit("RLIMIT_CORE", 4, 0, Rlimit.INFINITY), limits.get(4));
        assertEquals(new Rlimit("RLIMIT_NOFILE", 7, 20000, 20000), limits.get(7));
        assertEquals(new Rlimit("RLIMIT_NICE", 13, 0, 0), limits.get(13), "no units column");
        assertEquals(new Rlimit("RLIMIT_RTTIME", 15, Rlimit.INFINITY, Rlimit.INFINITY), limits.get(15));
        assertTrue(Rlimit.isUnlimited(limits.get(0).soft()));
    }

    @Test
    void readsOwnLimits() throws Exception {
        List<Rlimit> limits = LimitsParser.read(OwnFds.pid());
        Rlimit nofile = limits.get(7);
        assertEquals("RLIMIT_NOFILE", nofile.name());
        assertTrue(nofile.soft() > 0 && (Rlimit.isUnlimited(nofile.hard()) || nofile.soft() <= nofile.hard()));
    }

    @Test
    void keepsLimitsNewerThanTheTable() {
        String text = "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max open files            1024                 4096                 files     \n"
                + "Max shiny things          5                    unlimited            things    \n";
        List<Rlimit> limits = LimitsParser.parse(text);
        assertEquals(new Rlimit("RLIMIT_NOFILE", 7, 1024, 4096), limits.get(0));
        assertEquals(new Rlimit("Max shiny things", -1, 5, Rlimit.INFINITY), limits.get(1));
    }

    @Test
    void hugeFiniteLimitKeepsItsBits() {
        String text = "Limit Soft Hard\nMax file size             18446744073709551614 18446744073709551614 bytes\n";
        assertEquals(-2L, LimitsParser.parse(text).getFirst().soft());
    }
}
