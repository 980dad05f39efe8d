package dev.cryo.store;

import java.util.List;

/** Result of {@link Store#verify}: an empty problem list means the store (or checkpoint) is sound. */
public record VerifyReport(int checkpointsChecked, long bytesChecked, List<String> problems) {

    public boolean ok() {
        return problems.isEmpty();
    }
}
