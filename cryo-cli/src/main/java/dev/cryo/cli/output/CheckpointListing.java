package dev.cryo.cli.output;

import dev.cryo.store.CheckpointInfo;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code cryo ls}; --json keys: id, time, name, processes, bytes_logical, bytes_added,
 * freeze_ms, labels. Processes and freeze time come from the labels the engine wrote (null if absent).
 */
public record CheckpointListing(String id, Instant time, String name, Integer processes, long bytesLogical,
                                long bytesAdded, Long freezeMs, Map<String, String> labels) {

    /** Ids are shown shortened like git's; any unambiguous prefix works as CHECKPOINT. */
    public static final int SHORT_ID = 12;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public static CheckpointListing of(CheckpointInfo info) {
        return new CheckpointListing(info.id(), info.created(), info.name(), intLabel(info, "processes"),
                info.logicalBytes(), info.addedBytes(), longLabel(info, "freeze_ms"),
                new java.util.TreeMap<>(info.labels())); // sorted: the same text from every JVM (Map.of order is per JVM)
    }

    public static String table(List<CheckpointListing> all) {
        Table t = new Table("ID", "TIME", "NAME", ">PROCESSES", ">LOGICAL", ">ADDED", ">FREEZE");
        for (CheckpointListing c : all) {
            t.row(shortId(c.id), TIME.format(c.time.atZone(ZoneId.systemDefault())), c.name,
                    c.processes == null ? "?" : c.processes,
                    ByteSize.format(c.bytesLogical), ByteSize.format(c.bytesAdded),
                    c.freezeMs == null ? "?" : c.freezeMs + " ms");
        }
        return t.render("");
    }

    public static String shortId(String id) {
        return id.length() <= SHORT_ID ? id : id.substring(0, SHORT_ID);
    }

    private static Integer intLabel(CheckpointInfo info, String key) {
        Long v = longLabel(info, key);
        return v == null ? null : (int) (long) v;
    }

    private static Long longLabel(CheckpointInfo info, String key) {
        String v = info.labels().get(key);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
