package dev.cryo.cli;

import dev.cryo.store.CheckpointReader;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cryo rm CHECKPOINT...}. */
final class RmCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "rm", "Remove checkpoints.",
            "Removing a checkpoint never breaks another one.",
            "Every CHECKPOINT is tried; if any fails, cryo says which and exits 1.");
    private final PositionalParamSpec checkpoints = Options.parameters("CHECKPOINT", "Checkpoint ids, id prefixes, or names.");
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    RmCommand() {
        spec.addPositional(checkpoints);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        List<String> refs = checkpoints.getValue();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        try (Store s = store.open()) {
            for (String ref : refs) {
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
