package dev.cryo.store.pack;

import dev.cryo.linux.fd.FileSpace;
import dev.cryo.store.SecureFiles;
import dev.cryo.store.StoreErrors;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.chunk.ChunkKey;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Appends compressed frames to rolling pack files (thread-safe). Each writer thread appends through a
 * {@link Lane} of its own: the first {@link #SHARED_BYTES} of a sink go to one shared pack (a small
 * checkpoint makes one pack, not one per thread), everything after to the lane's own pack, so the kernel's
 * copies into the page cache (the largest part of a write) run on all cores at once instead of queueing
 * on one file. A full pack gets its trailer and is handed to a background thread that fsyncs it and
 * renames it into packs/xx/, so writers never wait on the disk until {@link #finish}. Until an index names
 * them, published packs are invisible (and gc removes them).
 */
public final class PackSink {
    /** A pack that is durable under packs/. */
    public record Published(String id, PackTable table, long size) {}

    private final StoreLayout layout;
    private final long target;
    private final List<Future<Published>> pending = new ArrayList<>();
    private final List<Path> tmpFiles = new ArrayList<>();
    private final List<Published> done = new ArrayList<>();
    private final List<Lane> lanes = new ArrayList<>();
    /** Directories that got new packs (and packs/ when one was created), synced once by {@link #finish}. */
    private final java.util.Set<Path> dirsToSync = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final Lane shared;
    private ExecutorService publisher;
    private boolean aborted;
    /** Written bytes of a pack after which its writeback is started early ({@code -Dcryo.store.writebackMiB}). */
    private static final long WRITEBACK_STEP = Long.getLong("cryo.store.writebackMiB", 8) << 20;
    /** Bytes written to the shared pack before lanes open packs of their own. */
    static final long SHARED_BYTES = 8L << 20;
    /**
     * Disk space reserved ahead of a pack's writes, this much at a time ({@code -Dcryo.store.reserveMiB=8}:
     * fallocate, so that ext4 skips delayed allocation's per-block work); the unused rest is cut off when
     * the pack is sealed. Off by default: it saved 16-20% of the kernel's CPU per written page (256 MiB:
     * sys 0.12-0.14 s against 0.13-0.20), but cutting the reserved tails of the last packs made the commit
     * wait 0.11-0.18 s instead of 0.02-0.06 on a busy machine (ext4's truncate joins the journal), which
     * costs the checkpoint more wall time than the write saves (bench/RESULTS.md, ingest, session 5).
     */
    private static final long RESERVE_STEP = Long.getLong("cryo.store.reserveMiB", 0) << 20;

    public PackSink(StoreLayout layout, long targetPackBytes) {
        this.layout = layout;
        this.target = targetPackBytes;
        this.shared = lane();
    }

    /** A new lane: the packs one writer thread fills. */
    public synchronized Lane lane() {
        Lane l = new Lane();
        lanes.add(l);
        return l;
    }

    /** One writer's open pack. Lock order: a lane, then the shared lane, then the sink. */
    public final class Lane {
        private FileChannel channel;
        private Path tmp;
        private PackTable table;
        private long position;
        /** Where the open pack's last early writeback started. */
        private long flushedTo;
        /** The open pack's space reservations (null: none, or the file system refused one) and their end. */
        private FileSpace space;
        private long reservedTo;
        /** A reservation was tried on the open pack: it may be longer than what is written. */
        private boolean grown;

        private Lane() {}

        /**
         * Appends one frame holding {@code n} chunks (keys as lo/hi pairs); a native segment is written
         * without a copy through a temporary direct buffer.
         */
        public synchronized void append(MemorySegment frame, int compLen, int rawLen, byte codec, long[] keys,
                int[] offs, int[] lens, int n) throws IOException {
            Lane into = channel == null && bytesWritten.get() < SHARED_BYTES ? shared : this;
            into.write(frame, compLen, rawLen, codec, keys, offs, lens, n);
        }

        private synchronized void write(MemorySegment frame, int compLen, int rawLen, byte codec, long[] keys,
                int[] offs, int[] lens, int n) throws IOException {
            if (channel == null) {
                Path file = SecureFiles.tempPath(layout, "pack");
                synchronized (PackSink.this) {
                    if (aborted) {
                        throw new java.io.InterruptedIOException("checkpoint discarded");
                    }
                    tmpFiles.add(file);
                }
                channel = SecureFiles.createNew(file);
                tmp = file;
                table = new PackTable();
                position = 0;
                flushedTo = 0;
                reservedTo = 0;
                grown = false;
                space = RESERVE_STEP > 0 ? FileSpace.of(file) : null;
            }
            if (space != null && position + compLen > reservedTo && reservedTo < target) {
                // never past the pack's target: a full pack then uses all of it, and only a pack sealed
                // early (the last of a checkpoint) has a tail to cut
                reserve();
            }
            ByteBuffer buf = frame.asSlice(0, compLen).asByteBuffer();
            long at = position;
            while (buf.hasRemaining()) {
                position += channel.write(buf);
            }
            int f = table.addFrame(at, compLen, rawLen, codec);
            for (int i = 0; i < n; i++) {
                table.addChunk(keys[2 * i], keys[2 * i + 1], f, offs[i], lens[i]);
            }
            bytesWritten.addAndGet(compLen);
            if (position >= target) {
                seal();
            } else if (position - flushedTo >= WRITEBACK_STEP && SecureFiles.durable()) {
                // start the disk on what is written so far, in the background: the fsync when the pack is
                // sealed (and the commit waiting for it) then finds most of it on disk already
                flushedTo = position;
                FileChannel ch = channel;
                background(() -> {
                    try {
                        ch.force(false);
                    } catch (IOException ignored) {
                        // only an early start: the fsync at seal time reports any failure
                    }
                });
            }
        }

        /** Reserves the next step of the open pack (it then reads as zeros past what is written). */
        private void reserve() {
            grown = true;
            if (space.reserve(reservedTo, RESERVE_STEP)) {
                reservedTo += RESERVE_STEP;
            } else {
                // no room, or not supported: plain writes from here (seal still cuts what a partial one grew)
                space.close();
                space = null;
            }
        }

        /** Writes the open pack's trailer, cuts off unused reserved space, and hands it to the publisher. */
        private synchronized void seal() throws IOException {
            if (channel == null) {
                return;
            }
            long[] id = new long[2];
            byte[] trailer = PackFormat.trailer(table, id);
            ByteBuffer buf = ByteBuffer.wrap(trailer);
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            if (grown && (space == null || reservedTo > position + trailer.length)) {
                channel.truncate(position + trailer.length);
            }
            if (space != null) {
                space.close();
                space = null;
            }
            bytesWritten.addAndGet(trailer.length);
            FileChannel ch = channel;
            Path file = tmp;
            PackTable t = table;
            long size = position + trailer.length;
            String packId = ChunkKey.hex(id[0], id[1]);
            channel = null;
            tmp = null;
            table = null;
            publish(() -> {
                // the index wants the chunks sorted by key: done here, off the writers' and the commit's path
                t.sortChunks();
                try (ch) {
                    SecureFiles.force(ch);
                }
                if (SecureFiles.rename(file, layout.pack(packId))) {
                    dirsToSync.add(layout.packsDir());
                }
                dirsToSync.add(layout.packDir(packId));
                return new Published(packId, t, size);
            });
        }

        private synchronized void closeQuietly() {
            if (space != null) {
                space.close();
                space = null;
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // deleted by the caller
                }
                channel = null;
            }
        }
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    private synchronized void publish(java.util.concurrent.Callable<Published> task) {
        pending.add(publisher().submit(task));
    }

    private synchronized void background(Runnable task) {
        publisher().execute(task);
    }

    /** The one background thread that syncs and renames packs, in the order they were handed to it. */
    private ExecutorService publisher() {
        if (publisher == null) {
            publisher = Executors.newSingleThreadExecutor(r -> {
                Thread th = new Thread(r, "cryo-pack-publisher");
                th.setDaemon(true);
                return th;
            });
        }
        return publisher;
    }

    /** Seals the open packs and waits until every pack is durable; returns them all (writers are done). */
    public List<Published> finish() throws IOException {
        for (Lane l : lanesNow()) {
            l.seal();
        }
        return awaitPublished();
    }

    private synchronized List<Lane> lanesNow() {
        return List.copyOf(lanes);
    }

    private synchronized List<Published> awaitPublished() throws IOException {
        IOException failure = null;
        for (Future<Published> f : pending) {
            try {
                done.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new java.io.InterruptedIOException("interrupted while publishing packs");
            }
        }
        pending.clear();
        if (publisher != null) {
            publisher.shutdown();
            publisher = null;
        }
        if (failure == null) {
            // each directory once, however many packs went into it: the renames are durable before any
            // index names the packs
            try {
                SecureFiles.syncDirectories(dirsToSync);
                dirsToSync.clear();
            } catch (IOException e) {
                failure = e;
            }
        }
        if (failure != null) {
            throw StoreErrors.writing(layout.root(), failure);
        }
        return List.copyOf(done);
    }

    /** Removes everything this sink wrote (tmp files and packs no index names yet); later appends fail. */
    public void abort() {
        synchronized (this) {
            aborted = true;
        }
        for (Lane l : lanesNow()) {
            l.closeQuietly();
        }
        synchronized (this) {
            for (Future<Published> f : pending) {
                try {
                    done.add(f.get());
                } catch (ExecutionException | InterruptedException ignored) {
                    // its tmp file is deleted below
                }
            }
            pending.clear();
            if (publisher != null) {
                publisher.shutdownNow();
                publisher = null;
            }
            for (Path p : tmpFiles) {
                SecureFiles.deleteQuietly(p);
            }
            for (Published p : done) {
                SecureFiles.deleteQuietly(layout.pack(p.id()));
            }
            done.clear();
        }
    }

    public static boolean exists(StoreLayout layout, String packId) {
        return Files.exists(layout.pack(packId));
    }
}
