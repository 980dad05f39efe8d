package dev.cryo.cli.output;

import dev.cryo.store.CheckpointInfo;

import java.util.Locale;

/**
 * What {@code cryo export} and {@code cryo import} report; --json keys: id, logical_bytes, bytes_transferred
 * (the size of the stream), bytes_stored (new data the import added to the store; 0 for export), file.
 */
public record TransferSummary(String id, long logicalBytes, long bytesTransferred, long bytesStored, String file) {

    public static TransferSummary exported(CheckpointInfo info, long streamBytes, String file) {
        return new TransferSummary(info.id(), info.logicalBytes(), streamBytes, 0, file);
    }

    public static TransferSummary imported(CheckpointInfo info, long streamBytes, String file) {
        return new TransferSummary(info.id(), info.logicalBytes(), streamBytes, info.addedBytes(), file);
    }

    public String exportText() {
        return String.format(Locale.ROOT, "exported %s to %s: %s of memory in a %s stream%n", id,
                file.equals("-") ? "stdout" : file, ByteSize.format(logicalBytes), ByteSize.format(bytesTransferred));
    }

    /** The last line is the checkpoint id, as after {@code cryo checkpoint}. */
    public String importText() {
        return String.format(Locale.ROOT, "imported from %s: %s of memory, %s stored new%n%s%n",
                file.equals("-") ? "stdin" : file, ByteSize.format(logicalBytes), ByteSize.format(bytesStored), id);
    }
}
