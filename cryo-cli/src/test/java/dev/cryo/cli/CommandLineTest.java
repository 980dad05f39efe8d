package dev.cryo.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command-line contract (design.md §1) that needs no engine: exit codes, error lines, help, version. */
class CommandLineTest {

    @Test
    void versionPrintsOurNameAndExitsZero() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("cryo "), r.out());
        assertEquals("", r.err());
    }

    @Test
    void shortVersionFlagAndVersionAmongOtherOptionsWorkToo() {
        assertEquals(CliRun.of("--version").out(), CliRun.of("-V").out());
        CliRun r = CliRun.of("--version", "--help");
        assertEquals(0, r.exit());
    }

    @Test
    void bareCryoPrintsUsageAndIsAUsageError() {
        CliRun r = CliRun.of();
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("Usage: cryo"), r.err());
        assertTrue(r.err().contains("checkpoint"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownCommandIsOneLineAndExitsTwo() {
        CliRun r = CliRun.of("frobnicate", "1");
        assertEquals(2, r.exit());
        assertArrayEquals(new String[] {"cryo: unknown command 'frobnicate' (see 'cryo help')"}, r.errLines());
    }

    @Test
    void unknownRootOptionIsAUsageError() {
        CliRun r = CliRun.of("--frob");
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("cryo: unknown option: '--frob'"), r.err());
    }

    @Test
    void missingParameterNamesTheCommandAndWhereHelpIs() {
        CliRun r = CliRun.of("checkpoint");
        assertEquals(2, r.exit());
        assertArrayEquals(new String[] {"cryo: checkpoint: missing required parameter: 'TARGET' (see 'cryo help checkpoint')"},
                r.errLines());
    }

    @Test
    void rmNeedsAtLeastOneCheckpoint() {
        CliRun r = CliRun.of("rm");
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().length, r.err());
    }

    @Test
    void everyVerbHasHelp() {
        for (String verb : new String[] {"checkpoint", "restore", "ls", "inspect", "rm", "verify", "gc", "export",
                "import", "demo"}) {
            CliRun r = CliRun.of(verb, "--help");
            assertEquals(0, r.exit(), verb);
            assertTrue(r.out().contains("Usage: cryo " + verb), r.out());
        }
    }

    @Test
    void unknownOptionOfACommandIsAUsageError() {
        CliRun r = CliRun.of("ls", "--bogus");
        assertEquals(2, r.exit());
        assertArrayEquals(new String[] {"cryo: ls: unknown option: '--bogus' (see 'cryo help ls')"}, r.errLines());
    }

    @Test
    void badEnumValueListsTheChoicesInLowerCase() {
        CliRun r = CliRun.of("restore", "abc", "--pidns", "sideways");
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().contains("expected one of auto, host, new, not 'sideways'"), r.err());
    }

    @Test
    void enumValuesAreAcceptedInAnyCase() {
        // Parsing succeeds, so what fails is the restore itself (an empty store): exit 1, not 2.
        CliRun r = CliRun.of("restore", "abc", "--pidns", "NEW", "--stdio", "null", "--store", "/proc/cryo-no-store");
        assertEquals(1, r.exit(), r.err());
    }

    @Test
    void anUnknownGroupNameIsNamed() {
        CliRun r = CliRun.of("checkpoint", "cryo-no-such-group");
        assertEquals(1, r.exit());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("cryo: checkpoint: "), r.err());
        assertTrue(r.err().contains("no group named cryo-no-such-group"), r.err());
    }

    @Test
    void aPidThatDoesNotExistIsNamed() {
        CliRun r = CliRun.of("checkpoint", "2147483647");
        assertEquals(1, r.exit());
        assertArrayEquals(new String[] {"cryo: checkpoint: no process with PID 2147483647"}, r.errLines());
    }

    @Test
    void stackTraceOnlyWithVerbose() {
        CliRun quiet = CliRun.of("checkpoint", "2147483647");
        CliRun verbose = CliRun.of("checkpoint", "2147483647", "--verbose");
        assertEquals(1, quiet.errLines().length);
        assertEquals(1, verbose.exit());
        assertEquals(quiet.errLines()[0], verbose.errLines()[0]);
        assertTrue(verbose.err().contains("\tat dev.cryo.cli."), verbose.err());
    }

    @Test
    void helpForACommandShowsItsUsage() {
        CliRun r = CliRun.of("help", "restore");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Usage: cryo restore"), r.out());
        assertTrue(r.out().contains("--pidns"), r.out());
    }

    @Test
    void helpForAnUnknownCommandFails() {
        CliRun r = CliRun.of("help", "frob");
        assertTrue(r.exit() != 0, "exit " + r.exit());
    }

    @Test
    void lsOfAnEmptyStoreIsAnEmptyJsonArray(@TempDir Path dir) {
        CliRun r = CliRun.of("ls", "--json", "--store", dir.resolve("store").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("[]\n", r.out());
    }

    @Test
    void lsOfAnEmptyStoreSaysSoOnStderrOnly(@TempDir Path dir) {
        CliRun r = CliRun.of("ls", "--store", dir.resolve("store").toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("no checkpoints in "), r.err());
    }

    @Test
    void unknownCheckpointIsAnOperationalError(@TempDir Path dir) {
        CliRun r = CliRun.of("inspect", "deadbeef", "--store", dir.resolve("store").toString());
        assertEquals(1, r.exit());
        assertEquals(1, r.errLines().length, r.err());
        assertTrue(r.err().startsWith("cryo: inspect: "), r.err());
        assertTrue(r.err().contains("deadbeef"), r.err());
    }

    @Test
    void rmTriesEveryCheckpointAndFailsIfAnyFailed(@TempDir Path dir) {
        CliRun r = CliRun.of("rm", "aaaa", "bbbb", "--store", dir.resolve("store").toString());
        assertEquals(1, r.exit());
        assertEquals(2, r.errLines().length, r.err());
        assertTrue(r.errLines()[0].contains("aaaa") && r.errLines()[1].contains("bbbb"), r.err());
    }

    @Test
    void verifyOfAnEmptyStoreIsClean(@TempDir Path dir) {
        CliRun r = CliRun.of("verify", "--json", "--store", dir.resolve("store").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("{\"ok\":true,"), r.out());
    }

    @Test
    void onlyTheNamedVerbIsBuiltButListingsSeeAll() {
        assertEquals(java.util.List.of("ls"), CryoCommand.verbsNeeded(new String[] {"ls", "--json"}));
        assertEquals(java.util.List.of("restore"), CryoCommand.verbsNeeded(new String[] {"--verbose", "restore", "x"}));
        assertEquals(17, CryoCommand.verbsNeeded(new String[] {}).size());
        assertEquals(17, CryoCommand.verbsNeeded(new String[] {"help", "ls"}).size());
        assertEquals(17, CryoCommand.verbsNeeded(new String[] {"frob"}).size());
    }

    @Test
    void bareUsageListsEveryVerb() {
        String usage = CliRun.of().err();
        for (String verb : new String[] {"checkpoint", "restore", "ls", "inspect", "rm", "verify", "gc", "export",
                "import", "demo", "daemon", "help"}) {
            assertTrue(usage.contains("\n  " + verb + " "), verb + " missing from: " + usage);
        }
    }
}
