package dev.cryo.cli;

import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.Table;
import dev.cryo.engine.group.FreezerCgroup;
import dev.cryo.engine.group.GroupRegistry;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code cryo ps}: the groups started with `cryo run` (or restored by name). */
final class PsCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "ps", "List application groups.",
            "NAME, STATE (running or exited), the root's PID, how many processes the group has, and its "
                    + "last checkpoint.");
    private final OutputOptions output = new OutputOptions();

    PsCommand() {
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    /** One row of `cryo ps`. */
    record GroupListing(String name, String state, int pid, int processes, String lastCheckpoint) {}

    @Override
    public Integer call() throws Exception {
        GroupRegistry registry = new GroupRegistry();
        List<GroupListing> rows = new ArrayList<>();
        for (GroupRegistry.Group g : registry.list()) {
            boolean alive = g.alive();
            int processes = 0;
            if (alive) {
                // everything in its cgroup but its init
                processes = (int) FreezerCgroup.of(g.name()).pids().stream().filter(p -> p != g.initPid()).count();
            } else {
                FreezerCgroup.of(g.name()).remove(); // an ended group's empty cgroup is not left behind in the kernel
            }
            rows.add(new GroupListing(g.name(), alive ? "running" : "exited", g.rootPid(), processes,
                    registry.lastCheckpoint(g)));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            out.println(Json.write(rows));
        } else if (rows.isEmpty()) {
            spec.commandLine().getErr().println("no groups (start one with `cryo run`)");
        } else {
            Table t = new Table("NAME", "STATE", ">PID", ">PROCESSES", "LAST CHECKPOINT");
            for (GroupListing r : rows) t.row(r.name(), r.state(), r.pid(), r.processes(), r.lastCheckpoint());
            out.print(t.render(""));
        }
        out.flush();
        return ExitCodes.OK;
    }
}
