package dev.cryo.cli;

import dev.cryo.cli.output.CheckpointText;
import dev.cryo.cli.output.Json;
import dev.cryo.image.Checkpoint;
import dev.cryo.image.codec.ImageCodec;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cryo inspect CHECKPOINT}. */
final class InspectCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "inspect",
            "Show what a checkpoint holds: processes, threads, memory areas, files.",
            "With --json, the whole checkpoint image (registers, memory map, files...) as one JSON object: "
                    + "{id, created, labels, bytes_logical, bytes_added, checkpoint}.");
    private final PositionalParamSpec checkpoint = Options.parameter("CHECKPOINT", "Checkpoint id, id prefix, or name.");
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    InspectCommand() {
        spec.addPositional(checkpoint);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        String ref = checkpoint.getValue();
        CheckpointInfo info;
        Checkpoint image;
        try (Store s = store.open(); CheckpointReader reader = s.open(ref)) {
            info = reader.info();
            image = decode(info, reader.metadata());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("id", info.id());
            doc.put("created", info.created());
            doc.put("labels", new java.util.TreeMap<>(info.labels())); // sorted: Map.of order differs per JVM
            doc.put("bytes_logical", info.logicalBytes());
            doc.put("bytes_added", info.addedBytes());
            doc.put("checkpoint", image);
            out.println(Json.write(doc));
        } else {
            out.print(CheckpointText.render(info, image));
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static Checkpoint decode(CheckpointInfo info, byte[] metadata) throws CliException {
        try {
            return ImageCodec.decode(metadata);
        } catch (Exception e) {
            throw new CliException("checkpoint " + info.id() + ": cannot decode its image: " + e.getMessage(), e);
        }
    }
}
