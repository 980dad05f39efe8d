package dev.cryo.cli;

import dev.cryo.cli.invocation.Invocation;
import dev.cryo.cli.output.CountingStreams;
import dev.cryo.cli.output.Json;
import dev.cryo.cli.output.Terminal;
import dev.cryo.cli.output.TerminalProgress;
import dev.cryo.cli.output.TransferSummary;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.Store;
import dev.cryo.store.StoreException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code cryo export CHECKPOINT FILE}: one checkpoint as a self-contained stream, to a file or stdout. */
final class ExportCommand implements Callable<Integer> {
    private final CommandSpec spec = Options.verb(this, "export", "Write one checkpoint to a file or to stdout.",
            "The stream holds the checkpoint's manifest and each of its distinct chunks once (compressed), and "
                    + "`cryo import` checks every byte of it. FILE '-' is stdout (then the summary goes to stderr): "
                    + "`cryo export ID - | ssh host cryo import -`. An existing FILE is never overwritten; the file "
                    + "(0600) appears only once it is complete.");
    private final PositionalParamSpec checkpoint = Options.parameter("CHECKPOINT", "Checkpoint id, id prefix, or name.");
    private final PositionalParamSpec file = Options.parameter("FILE", "Where to write the stream ('-': stdout).");
    private final StoreOption store = new StoreOption();
    private final OutputOptions output = new OutputOptions();

    ExportCommand() {
        spec.addPositional(checkpoint);
        spec.addPositional(file);
        store.addTo(spec);
        output.addTo(spec);
    }

    CommandSpec spec() {
        return spec;
    }

    @Override
    public Integer call() throws Exception {
        String target = file.getValue();
        boolean toStdout = target.equals("-");
        if (toStdout && Terminal.stdoutIsTerminal()) {
            throw new CliException("export: stdout is a terminal; give a FILE or redirect stdout");
        }
        Path path = toStdout ? null : Invocation.current().resolve(target);
        if (path != null && Files.exists(path)) {
            throw new FileAlreadyExistsException(path.toString());
        }
        TransferSummary summary;
        try (Store s = store.open(); TerminalProgress progress = TerminalProgress.onStderr(spec.commandLine().getErr())) {
            CheckpointInfo info;
            try (CheckpointReader r = s.open((String) checkpoint.getValue())) {
                info = r.info(); // resolves the reference once: what is exported is what it named
            }
            long bytes = toStdout ? toStdout(s, info, progress) : toFile(s, info, path, progress);
            summary = TransferSummary.exported(info, bytes, target);
        }
        PrintWriter report = toStdout ? spec.commandLine().getErr() : spec.commandLine().getOut();
        report.print(output.json() ? Json.write(summary) + "\n" : summary.exportText());
        report.flush();
        return ExitCodes.OK;
    }

    private static long toStdout(Store s, CheckpointInfo info, TerminalProgress progress) throws IOException {
        OutputStream stdout = Invocation.current().stdout();
        CountingStreams.Out out = new CountingStreams.Out(stdout, progress, "exporting");
        s.export(info.id(), out);
        out.flush();
        return out.count();
    }

    /** Writes next to {@code path} under a temporary name, fsyncs, then renames: a failure leaves no partial file. */
    private static long toFile(Store s, CheckpointInfo info, Path path, TerminalProgress progress) throws IOException {
        Path dir = path.getParent();
        Path tmp = dir.resolve("." + path.getFileName() + ".cryo-export-" + UUID.randomUUID());
        try (FileChannel ch = FileChannel.open(tmp, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            CountingStreams.Out out = new CountingStreams.Out(Channels.newOutputStream(ch), progress, "exporting");
            s.export(info.id(), out);
            out.flush();
            ch.force(true);
            if (Files.exists(path)) {
                throw new FileAlreadyExistsException(path.toString());
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
            return out.count();
        } catch (StoreException | FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            // a full disk or an I/O error: name the file being written (the message alone says only why)
            throw new IOException(path + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
