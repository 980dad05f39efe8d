package dev.cryo.cli;

import dev.cryo.cli.invocation.Invocation;
import dev.cryo.cli.output.Json;
import dev.cryo.engine.group.GroupRegistry;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.concurrent.Callable;

/** {@code cryo logs NAME}: the output of a detached group. */
final class LogsCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "logs", "Show a detached group's output.",
            "Prints the log of group NAME: what it wrote on stdout and stderr since it was started (or restored).");
    private final PositionalParamSpec name = Options.parameter("NAME", "The group.");

    private final OutputOptions output = new OutputOptions();

    LogsCommand() {
        spec.addPositional(name);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        GroupRegistry.Group g = new GroupRegistry().find(name.getValue());
        if (g == null) throw new CliException("logs: no group named " + name.getValue() + " (see `cryo ps`)");
        if (!Files.exists(g.log())) {
            throw new CliException("logs: group " + g.name() + " runs in the foreground: its output goes where cryo run's does");
        }
        if (output.json()) {
            String text = new String(Files.readAllBytes(g.log()), java.nio.charset.StandardCharsets.UTF_8);
            spec.commandLine().getOut().println(Json.write(java.util.Map.of("name", g.name(), "log", text)));
            spec.commandLine().getOut().flush();
            return ExitCodes.OK;
        }
        spec.commandLine().getOut().flush();
        // bytes as they are: a log need not be text
        try (InputStream in = Files.newInputStream(g.log())) {
            OutputStream raw = Invocation.current().stdout();
            in.transferTo(raw);
            raw.flush();
        }
        return ExitCodes.OK;
    }
}
