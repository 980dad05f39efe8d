package dev.cryo.cli;

import dev.cryo.store.CheckpointReader;
import dev.cryo.store.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "rm", header = "Remove checkpoints.",
        description = {"Removing a checkpoint never breaks another one. Space is given back by `cryo gc`.",
                "Every CHECKPOINT is tried; if any fails, cryo says which and exits 1."},
        sortOptions = false)
final class RmCommand implements Callable<Integer> {

    @Parameters(paramLabel = "CHECKPOINT", arity = "1..*", description = "Checkpoint ids, id prefixes, or names.")
    List<String> checkpoints;

    @Mixin
    StoreOption store;

    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        try (Store s = store.open()) {
            for (String ref : checkpoints) {
                try {
                    String id = resolve(s, ref);
                    s.remove(id);
                    out.println("removed " + id);
                } catch (IOException e) {
                    failed++;
                    err.println("cryo: " + ErrorMessages.describe("rm", e));
                    if (output.verbose()) e.printStackTrace(err);
                }
            }
        }
        out.flush();
        err.flush();
        return failed == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** A name or prefix is resolved once, so that what is removed is exactly the checkpoint it named. */
    private static String resolve(Store s, String ref) throws IOException {
        try (CheckpointReader r = s.open(ref)) {
            return r.info().id();
        }
    }
}
