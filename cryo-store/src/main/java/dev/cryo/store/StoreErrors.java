package dev.cryo.store;

import java.io.IOException;
import java.nio.file.Path;

/** Turns low-level I/O failures into one-line {@link StoreException}s that name the store and the cause. */
public final class StoreErrors {
    private StoreErrors() {}

    public static boolean isNoSpace(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** Wraps a failure of writing into store {@code root}; StoreExceptions pass through unchanged. */
    public static StoreException writing(Path root, IOException e) {
        if (isNoSpace(e)) {
            return new StoreException("store " + root + ": no space left on device", e);
        }
        if (e instanceof StoreException se) {
            return se;
        }
        return new StoreException("store " + root + ": " + describe(e), e);
    }

    public static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied: " + m;
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file: " + m;
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
