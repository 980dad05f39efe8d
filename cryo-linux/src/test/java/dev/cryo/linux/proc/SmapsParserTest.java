package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SmapsParserTest {

    /** Captured from python with a shared mapping of "my file (x).bin" and a private one of a deleted file. */
    private static final List<SmapsEntry> SAMPLE = SmapsParser.parse(Fixture.text("smaps-sample.txt"));

    private static SmapsEntry at(long start) {
        return SAMPLE.stream().filter(e -> e.start() == start).findFirst().orElseThrow();
    }

    @Test
    void findsEveryArea() {
        assertEquals(13, SAMPLE.size());
        for (SmapsEntry e : SAMPLE) {
            assertEquals(e.length(), e.size(), "Size equals end - start for " + e);
        }
    }

    @Test
    void deletedFileWithSpaceInPath() {
        SmapsEntry e = at(0x7fbd5e696000L);
        assertEquals("/tmp/procfx/gone file.bin", e.path());
        assertTrue(e.deleted());
        assertEquals("rw-p", e.perms());
        assertEquals(2146652, e.inode());
        assertEquals(4096, e.rss());
        assertEquals(4096, e.privateDirty());
        assertEquals(4096, e.anonymous(), "the written page was copied on write");
        assertEquals(Set.of("rd", "wr", "mr", "mw", "me", "ac"), e.vmFlags());
        assertFalse(e.thpEligible());
    }

    @Test
    void sharedFileMappingWithParenthesesInName() {
        SmapsEntry e = at(0x7fbd5f30f000L);
        assertEquals("/tmp/procfx/my file (x).bin", e.path());
        assertFalse(e.deleted());
        assertTrue(e.isShared());
        assertEquals(8192, e.rss());
        assertEquals(0, e.anonymous());
        assertTrue(e.vmFlags().contains("sh"));
        assertTrue(e.vmFlags().contains("ms"));
    }

    @Test
    void anonymousAndPseudoAreas() {
        SmapsEntry anon = at(0x7fbd5e4c8000L);
        assertEquals("", anon.path());
        assertTrue(anon.isAnonymous());
        assertFalse(anon.isPseudo());
        assertEquals(0, anon.inode());
        assertEquals(760 * 1024, anon.anonymous());

        SmapsEntry stack = SAMPLE.stream().filter(e -> e.path().equals("[stack]")).findFirst().orElseThrow();
        assertTrue(stack.isPseudo());
        assertTrue(stack.vmFlags().contains("gd"), "the stack grows down");

        SmapsEntry vsyscall = SAMPLE.getLast();
        assertEquals("[vsyscall]", vsyscall.path());
        assertEquals("ffffffffff600000", Long.toHexString(vsyscall.start()), "top-half addresses keep 64 bits");
        assertEquals("--xp", vsyscall.perms());
    }

    @Test
    void parsesOwnSmapsCompletely() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        String text = Files.readString(Path.of("/proc", Integer.toString(pid), "smaps"));
        long headers = Pattern.compile("^[0-9a-f]+-[0-9a-f]+ ", Pattern.MULTILINE).matcher(text).results().count();
        List<SmapsEntry> areas = SmapsParser.parse(text);
        assertEquals(headers, areas.size());
        // No ordering check: the kernel reads a live process's smaps a page at a time, and this JVM's other
        // threads map and unmap memory meanwhile, so areas may overlap across a torn read (seen in CI).
        for (SmapsEntry e : areas) {
            assertEquals(e.length(), e.size());
            assertTrue(e.rss() <= e.size());
            assertTrue(e.privateDirty() + e.privateClean() + e.sharedDirty() + e.sharedClean() == e.rss(),
                    "rss is split into shared/private clean/dirty: " + e);
        }
        assertTrue(areas.stream().anyMatch(e -> e.path().endsWith("libjvm.so") && e.isExecutable()));
        assertTrue(areas.stream().anyMatch(e -> e.vmFlags().contains("gd")));

        SmapsRollup rollup = SmapsParser.readRollup(pid);
        assertTrue(rollup.rss() > 0 && rollup.anonymous() > 0 && rollup.pss() <= rollup.rss());
    }

    @Test
    void parsesRollupFixture() {
        SmapsRollup r = SmapsParser.parseRollup(Fixture.text("smaps_rollup.txt"));
        assertTrue(r.rss() > 0);
        assertEquals(r.rss(), r.sharedClean() + r.sharedDirty() + r.privateClean() + r.privateDirty());
        assertEquals(r.pss(), r.pssAnon() + r.pssFile() + r.pssShmem());
        assertTrue(Long.compareUnsigned(r.start(), r.end()) < 0);
    }

    @Test
    void memfdSysvShmAndALiteralBackslashInAPath() {
        // python: memfd_create("cryo mem") mapped shared, shmat of a removed SysV segment, and a file under a
        // directory really named "back\040slash" (maps escapes only newlines, so this is printed as is)
        List<SmapsEntry> areas = SmapsParser.parse(Fixture.text("smaps-special.txt"));
        assertEquals(3, areas.size());
        SmapsEntry file = areas.get(0);
        assertEquals("/tmp/procfx/back\\040slash/f", file.path());
        assertFalse(file.deleted());

        SmapsEntry shm = areas.get(1);
        assertTrue(shm.isSysvShm());
        assertEquals("/SYSV0000002a", shm.path());
        assertTrue(shm.isShared());

        SmapsEntry memfd = areas.get(2);
        assertTrue(memfd.isMemfd());
        assertEquals("/memfd:cryo mem", memfd.path());
        assertEquals(1026, memfd.inode());
        assertEquals(4096, memfd.rss(), "one page written");
    }

    @Test
    void namedAnonymousArea() {
        SmapsEntry e = SmapsParser.parse("7f0000000000-7f0000004000 rw-p 00000000 00:00 0      [anon:cryo heap 1]\n"
                + "Rss:  16 kB\nVmFlags: rd wr mr mw me ac \n").getFirst();
        assertEquals("[anon:cryo heap 1]", e.path());
        assertTrue(e.isPseudo());
        assertFalse(e.isAnonymous());
        assertEquals(16384, e.rss());
    }

    @Test
    void thpEligibleUnknownFlagsAndEscapedNewline() {
        String text = """
                7f0000000000-7f0000200000 rw-p 00000000 00:00 0 \n\
                Size:               2048 kB
                Rss:                2048 kB
                AnonHugePages:      2048 kB
                THPeligible:    1
                VmFlags: rd wr mr mw me ac hg zz ?? \n\
                7f0000200000-7f0000201000 r--p 00001000 08:01 42     /tmp/new\\012line
                Size:                  4 kB
                VmFlags: rd mr
                """;
        List<SmapsEntry> areas = SmapsParser.parse(text);
        assertEquals(2, areas.size());
        SmapsEntry huge = areas.getFirst();
        assertTrue(huge.thpEligible());
        assertTrue(huge.vmFlags().contains("hg"));
        assertTrue(huge.vmFlags().contains("zz"), "unknown mnemonics are kept");
        assertEquals(Set.of("rd", "wr", "mr", "mw", "me", "ac", "hg", "zz", "??"), huge.vmFlags());
        assertEquals("/tmp/new\nline", areas.get(1).path());
        assertEquals(0x1000, areas.get(1).offset());
        assertEquals(0, areas.get(1).rss(), "counters restart at each area");
    }

    @Test
    void sharesPathAndPermsStringsBetweenAreas() throws Exception {
        List<SmapsEntry> areas = SmapsParser.read((int) ProcessHandle.current().pid());
        int shared = 0;
        for (int i = 1; i < areas.size(); i++) {
            SmapsEntry a = areas.get(i - 1);
            SmapsEntry b = areas.get(i);
            if (!a.path().isEmpty() && a.path().equals(b.path())) {
                assertSame(a.path(), b.path(), "consecutive areas of " + a.path());
                shared++;
            }
            if (a.perms().equals(b.perms())) {
                assertSame(a.perms(), b.perms());
            }
        }
        assertTrue(shared > 0, "a JVM maps its libraries in several consecutive areas");
    }

    @Test
    void manyAreasParseWhole() {
        // A big smaps (a JVM has thousands of areas) parses to every area; its speed is the benchmarks' concern,
        // never a timed unit test's (the machine is shared).
        String one = Fixture.text("smaps-sample.txt");
        List<SmapsEntry> areas = SmapsParser.parse(one.repeat(800)); // 10400 areas, about 8 MB of text
        assertEquals(13 * 800, areas.size());
        List<SmapsEntry> first = SmapsParser.parse(one);
        assertEquals(first.getLast(), areas.getLast());
    }

    @Test
    void rejectsFieldsBeforeAnyArea() {
        assertThrows(ProcFormatException.class, () -> SmapsParser.parse("Rss: 4 kB\n"));
        assertTrue(SmapsParser.parse("").isEmpty());
    }
}
