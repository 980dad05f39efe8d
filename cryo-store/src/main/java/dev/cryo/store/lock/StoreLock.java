package dev.cryo.store.lock;

import dev.cryo.store.StoreException;
import dev.cryo.store.StoreLayout;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Readers and writers hold the store shared, gc holds it exclusive. A kernel record lock on
 * locks/store.lock does it across processes (released by the kernel when a process dies, so a lock is
 * never stale, unlike restic's lock files which need age and pid checks); within this JVM a counter
 * does, because the JDK allows one lock per file and process. Writers wait for a running gc; gc never
 * waits, it refuses while the store is in use.
 */
public final class StoreLock implements Closeable {
    private static final Map<Path, State> STATES = new HashMap<>();

    private static final class State {
        int shared;
        boolean exclusive;
        FileChannel channel;
        FileLock lock;
    }

    private final Path file;
    private final boolean exclusive;
    private boolean released;

    private StoreLock(Path file, boolean exclusive) {
        this.file = file;
        this.exclusive = exclusive;
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }

    /** Takes the store shared, waiting while a gc (here or in another process) holds it. */
    public static StoreLock shared(StoreLayout layout) throws IOException {
        Path file = layout.lockFile();
        synchronized (STATES) {
            State st = STATES.computeIfAbsent(file, f -> new State());
            while (st.exclusive) {
                try {
                    STATES.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted waiting for the store lock");
                }
            }
            if (st.shared == 0) {
                st.channel = open(file);
                try {
                    st.lock = st.channel.lock(0, Long.MAX_VALUE, true);
                } catch (IOException e) {
                    st.channel.close();
                    throw e;
                }
            }
            st.shared++;
            return new StoreLock(file, false);
        }
    }

    /** Takes the store exclusive or fails at once naming why. */
    public static StoreLock exclusive(StoreLayout layout) throws IOException {
        Path file = layout.lockFile();
        synchronized (STATES) {
            State st = STATES.computeIfAbsent(file, f -> new State());
            if (st.shared > 0 || st.exclusive) {
                throw busy(layout);
            }
            FileChannel ch = open(file);
            FileLock lock = ch.tryLock(0, Long.MAX_VALUE, false);
            if (lock == null) {
                ch.close();
                throw busy(layout);
            }
            st.channel = ch;
            st.lock = lock;
            st.exclusive = true;
            return new StoreLock(file, true);
        }
    }

    private static StoreException busy(StoreLayout layout) {
        return new StoreException("store " + layout.root()
                + ": in use by a running checkpoint, restore or gc; try again when it is done");
    }

    @Override
    public void close() throws IOException {
        synchronized (STATES) {
            if (released) {
                return;
            }
            released = true;
            State st = STATES.get(file);
            if (exclusive) {
                st.exclusive = false;
            } else {
                st.shared--;
            }
            if (st.shared == 0 && !st.exclusive) {
                try {
                    st.lock.release();
                } finally {
                    st.channel.close();
                    st.channel = null;
                    st.lock = null;
                    STATES.remove(file);
                }
            }
            STATES.notifyAll();
        }
    }
}
