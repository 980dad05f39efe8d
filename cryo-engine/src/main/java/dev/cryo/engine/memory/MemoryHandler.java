package dev.cryo.engine.memory;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.engine.memfd.Memfds;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.mem.NativeBuffer;
import dev.cryo.linux.mem.Pagemap;
import dev.cryo.linux.mem.ProcMem;
import dev.cryo.linux.mem.RemoteMemory;
import dev.cryo.linux.proc.MapsEntry;
import dev.cryo.linux.proc.SmapsParser;
import dev.cryo.linux.proc.SmapsRollup;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.uffd.Userfaultfd;
import dev.cryo.store.BlobWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Memory areas and their contents.
 *
 * <p>Dump: the layout from /proc/PID/maps; which pages hold data of the process's own from
 * /proc/PID/pagemap (anonymous pages present or swapped; in private file mappings only the pages that
 * were copied on write, the rest is the file); contents read with process_vm_readv in batches of up to
 * 1024 ranges straight into one reused native buffer, and streamed into the process's memory blob.
 * A checkpoint that leaves the process running copies everything out while it is frozen (a whole-process
 * buffer), so it can run on while the pages are hashed and written; one that kills it {@link #layout
 * plans} only, and its pages go from the stopped process through a few reused batch buffers straight into
 * the store: no process-sized buffer to map and fault in, one copy fewer.
 */
public final class MemoryHandler {
    private static final int PAGE = NativeBuffer.PAGE;
    /** Shared-mapped files up to this size are saved with the checkpoint (see {@link #capture}). */
    private static final long SMALL_SHARED_FILE = 1 << 20;
    /** Slice handed to the store at a time (a ByteBuffer view is at most 2 GiB). */
    private static final int WRITE_SLICE = 16 << 20;

    /**
     * A frozen process's memory, copied out: its areas, and their dumped pages back to back in one buffer
     * (the future memory blob). Copying is all that happens while the process is frozen; hashing,
     * compressing and writing come after it runs again. {@code plan} interleaves the copied pages with
     * pages of the {@code baseline} (null for a full checkpoint) that did not change. A {@link #layout}
     * has no {@code pages} but a {@code source} to read them from when written (null once copied out).
     */
    public record Captured(List<VmaEntry> vmas, NativeBuffer pages, long bytes, BlobPlan plan, Baseline baseline,
                           Source source) implements AutoCloseable {
        @Override
        public void close() {
            if (pages != null) pages.close();
        }
    }

    /** Where the pages of a capture that was not copied out are read from at write time (still stopped). */
    record Source(DumpSession session, RunCollector runs) {}

    /**
     * A buffer for {@link #capture}, sized from /proc/PID/smaps_rollup and populated before the process is
     * frozen, so that neither its allocation nor its page faults count in the freeze. Null if the process
     * seems to have no memory of its own worth it.
     */
    public static NativeBuffer prepare(int pid) throws IOException {
        return NativeBuffer.map(ownMemory(pid));
    }

    /** The bytes a full capture of {@code pid} would copy, with a margin (from /proc/PID/smaps_rollup). */
    static long ownMemory(int pid) throws IOException {
        SmapsRollup r = SmapsParser.readRollup(pid);
        long estimate = Math.max(r.anonymous(), r.privateDirty()) + r.swap();
        return estimate + estimate / 16 + (1 << 20); // the process may grow a little before it is frozen
    }

    /**
     * Reads the layout and copies every dumped page out of the (frozen) process, into {@code prepared}
     * when it is large enough (the result then owns it), else into a buffer mapped now.
     */
    public Captured capture(DumpSession s, NativeBuffer prepared) throws IOException {
        return capture(s, prepared, null);
    }

    /**
     * As {@link #capture(DumpSession, NativeBuffer)}, with dirty tracking when {@code increment} is not
     * null: only pages written since its baseline are copied (all of them, and tracking starts, without one).
     */
    public Captured capture(DumpSession s, NativeBuffer prepared, Increment increment) throws IOException {
        Captured planned = layout(s, increment);
        long copied = planned.bytes();
        NativeBuffer pages = prepared != null && prepared.size() >= copied ? prepared : NativeBuffer.map(copied);
        if (pages != prepared && prepared != null) prepared.close();
        try {
            copy(s, planned.source().runs(), pages);
            return new Captured(planned.vmas(), pages, copied, planned.plan(), planned.baseline(), null);
        } catch (IOException | RuntimeException e) {
            pages.close();
            throw e;
        }
    }

    /**
     * Reads the layout and which pages to dump, copying nothing: {@link #write} then reads the pages from
     * the process, which must stay stopped until then (a checkpoint that kills it). {@code increment} as
     * for {@link #capture(DumpSession, NativeBuffer, Increment)}.
     */
    public Captured layout(DumpSession s, Increment increment) throws IOException {
        List<VmaEntry> out = new ArrayList<>();
        RunCollector runs = new RunCollector();
        BlobPlan plan = new BlobPlan();
        try (Pagemap pagemap = new Pagemap(s.pid())) {
            for (MapsEntry m : s.maps()) {
                VmaKind kind = VmaClassifier.classify(s.pid(), m, s.tree().singleProcess());
                if (kind == null) continue;
                long first = runs.pages();
                long blobOffset = plan.size();
                long[] pageRuns;
                if (increment != null && Increment.trackable(kind)) {
                    pageRuns = increment.pages(m, kind, runs, pagemap, plan);
                } else {
                    pageRuns = switch (kind) {
                        case ANONYMOUS, FILE_PRIVATE -> runs.collect(pagemap, m, kind == VmaKind.FILE_PRIVATE);
                        // the file is gone after a restore: keep everything; shared anonymous memory may hold pages
                        // this process no longer maps (after MADV_DONTNEED they stay in the object): read it all
                        case DELETED_FILE_PRIVATE, SHARED_ANONYMOUS -> runs.all(m);
                        default -> new long[0];
                    };
                    plan.copied((runs.pages() - first) * PAGE);
                }
                java.nio.file.Path mapped = java.nio.file.Path.of("/proc/" + s.pid() + "/map_files/"
                        + Long.toHexString(m.start()) + "-" + Long.toHexString(m.end()));
                // a deleted shared file has nothing but us to keep it; a small shared file (a JVM's hsperfdata)
                // is kept too, to be re-created if it has disappeared by the time of the restore
                String ghost = kind == VmaKind.DELETED_FILE_SHARED || kind == VmaKind.MEMFD_SHARED
                        || kind == VmaKind.FILE_SHARED && java.nio.file.Files.size(mapped) <= SMALL_SHARED_FILE
                        ? s.ghosts().save(m.inode(), mapped)
                        : null;
                // a SysV segment's content is saved once, with its IPC namespace; the inode of its mapping is its id
                out.add(new VmaEntry(m.start(), m.end(), VmaClassifier.prot(m), VmaClassifier.flags(m, kind),
                        m.offset(), m.filePath(), kind, pageRuns, blobOffset, ghost,
                        kind == VmaKind.SYSV_SHM ? (int) m.inode() : -1));
            }
        }
        return new Captured(out, null, plan.copiedBytes(), plan, increment == null ? null : increment.baseline(),
                new Source(s, runs));
    }

    /** The name of the memory blob of process {@code pid} (as seen from cryo) in its checkpoint. */
    public static String blobName(int pid) {
        return "mem/" + pid;
    }

    /** Streams captured pages into the memory blob (the process may be running again by now). */
    public static void write(Captured captured, BlobWriter blob) throws IOException {
        if (captured.pages() == null) {
            try (PageStream stream = new PageStream(captured.source(), slices(captured.plan()))) {
                write(captured, blob, stream);
            }
            return;
        }
        write(captured, blob, (off, len) -> captured.pages().view(off, len));
    }

    /** The copied pages of a capture, in blob order: a view of {@code len <= WRITE_SLICE} bytes from {@code off}. */
    @FunctionalInterface
    private interface Pages {
        ByteBuffer next(long off, int len) throws IOException;
    }

    private static void write(Captured captured, BlobWriter blob, Pages pages) throws IOException {
        BlobPlan plan = captured.plan();
        long copied = 0;
        for (int i = 0; i < plan.count(); i++) {
            long len = plan.length(i);
            if (plan.from(i) >= 0) {
                blob.append(captured.baseline().blob(), plan.from(i), len);
                continue;
            }
            for (long off = copied; off < copied + len; off += WRITE_SLICE) {
                blob.write(pages.next(off, (int) Math.min(WRITE_SLICE, copied + len - off)));
            }
            copied += len;
        }
    }

    /** The lengths of the slices {@link #write(Captured, BlobWriter, Pages)} asks for, in order. */
    private static int[] slices(BlobPlan plan) {
        int n = 0;
        for (int i = 0; i < plan.count(); i++) {
            if (plan.from(i) < 0) n += (int) ((plan.length(i) + WRITE_SLICE - 1) / WRITE_SLICE);
        }
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < plan.count(); i++) {
            if (plan.from(i) >= 0) continue;
            for (long left = plan.length(i); left > 0; left -= WRITE_SLICE) out[k++] = (int) Math.min(WRITE_SLICE, left);
        }
        return out;
    }

    /**
     * Reads a stopped process's dumped pages in order, {@link #WRITE_SLICE} at a time, into two reused
     * buffers (each mapped for the smaller of a slice and the whole, populated once): a reader thread
     * fills the next slice while the store hashes and writes the one handed out, so process_vm_readv
     * and the store's work overlap on the two cores.
     */
    private static final class PageStream implements Pages, AutoCloseable {
        private final Source source;
        private final int[] slices;
        private final NativeBuffer[] buffers = new NativeBuffer[2];
        private final List<Future<?>> reads = new ArrayList<>();
        private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "cryo-page-reader");
            t.setDaemon(true);
            return t;
        });
        private final long[] addrs = new long[RemoteMemory.MAX_IOV], lens = new long[RemoteMemory.MAX_IOV];
        private int run;        // the next range to read (reader thread)
        private long within;    // bytes of it read already (reader thread)
        private int handed;     // slices handed out
        private long position;  // bytes of the stream handed out

        PageStream(Source source, int[] slices) throws IOException {
            this.source = source;
            this.slices = slices;
            int largest = PAGE;
            for (int len : slices) largest = Math.max(largest, len);
            try {
                for (int i = 0; i < Math.min(2, slices.length); i++) {
                    buffers[i] = NativeBuffer.map(largest);
                    read(i);
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Queues the reading of slice {@code i} into its buffer (the reader reads slices in order). */
        private void read(int i) {
            NativeBuffer into = buffers[i % 2];
            int len = slices[i];
            reads.add(reader.submit(() -> {
                fill(into, len);
                return null;
            }));
        }

        @Override
        public ByteBuffer next(long off, int len) throws IOException {
            if (off != position || handed >= slices.length || len != slices[handed]) {
                throw new IllegalStateException("pages are streamed in the planned slices: " + off + "+" + len + " at "
                        + position);
            }
            // the slice handed out before this one is done with: its buffer takes the one after this
            if (handed >= 1 && handed + 1 < slices.length) read(handed + 1);
            try {
                reads.get(handed).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) throw io;
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw new IOException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while reading pages");
            }
            NativeBuffer buffer = buffers[handed % 2];
            handed++;
            position += len;
            return buffer.view(0, len);
        }

        /** Reads the next {@code len} bytes of the stream into {@code buffer} (on the reader thread). */
        private void fill(NativeBuffer buffer, int len) throws IOException {
            RunCollector runs = source.runs();
            long filled = 0;
            while (filled < len) {
                // up to MAX_IOV ranges (or parts of ranges) per read, the last one cut at the slice's end
                int n = 0;
                long batch = 0;
                while (n < addrs.length && filled + batch < len && run < runs.count()) {
                    long take = Math.min(runs.lengths()[run] - within, len - filled - batch);
                    addrs[n] = runs.addresses()[run] + within;
                    lens[n++] = take;
                    batch += take;
                    within += take;
                    if (within == runs.lengths()[run]) {
                        run++;
                        within = 0;
                    }
                }
                if (n == 0) throw new IllegalStateException("the plan holds more pages than the ranges");
                copy(source.session(), addrs, lens, 0, n, filled, buffer);
                filled += batch;
            }
        }

        @Override
        public void close() {
            // a read in progress must end before its buffer is unmapped
            reader.shutdownNow();
            boolean ended = false;
            try {
                ended = reader.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!ended) return; // leak the buffers rather than unmap memory a stuck read may still write
            for (NativeBuffer b : buffers) {
                if (b != null) b.close();
            }
        }
    }

    /**
     * Reads all collected ranges back to back into {@code pages}: process_vm_readv, 1024 ranges per call;
     * a range it cannot read (PROT_NONE, past the end of a mapped file) through /proc/PID/mem, and what
     * even that cannot read stays zero.
     */
    private static void copy(DumpSession s, RunCollector runs, NativeBuffer pages) throws IOException {
        Halves.run(runs, (from, to, offset) -> copy(s, runs.addresses(), runs.lengths(), from, to, offset, pages));
    }

    /** Copies ranges [from, to) to {@code pages} at {@code offset}. */
    private static void copy(DumpSession s, long[] addrs, long[] lens, int from, int to, long offset,
                             NativeBuffer pages) throws IOException {
        int n = to;
        long done = offset;
        int at = from;
        ProcMem procMem = null;
        try {
            while (at < n) {
                long got = s.memory().read(addrs, lens, at, n, pages, done);
                done += got;
                long left = got;
                while (at < n && left >= lens[at]) {
                    left -= lens[at];
                    at++;
                }
                if (at < n) {
                    if (procMem == null) procMem = new ProcMem(s.pid(), false);
                    long a = addrs[at] + left, l = lens[at] - left;
                    for (long off = 0; off < l; off += PAGE) {
                        if (!procMem.read(a + off, pages.view(done + off, PAGE))) {
                            pages.view(done + off, PAGE).put(ZERO_PAGE.duplicate());
                        }
                    }
                    done += l;
                    at++;
                }
            }
        } finally {
            if (procMem != null) procMem.close();
        }
    }

    private static final ByteBuffer ZERO_PAGE = ByteBuffer.allocateDirect(PAGE);

    /** Accumulates the dumped ranges of all areas, merged where adjacent. */
    static final class RunCollector {
        private long[] addrs = new long[1024], lens = new long[1024];
        private int count;
        private long pages;

        int count() { return count; }
        long[] addresses() { return addrs; }
        long[] lengths() { return lens; }
        long pages() { return pages; }

        long[] all(MapsEntry m) {
            add(m.start(), m.length());
            return new long[] {0, m.length() / PAGE};
        }

        /** The pages of {@code m} that hold the process's own data, as (page index, count) pairs. */
        long[] collect(Pagemap pagemap, MapsEntry m, boolean fileBacked) throws IOException {
            List<long[]> local = new ArrayList<>();
            long[] run = {-1, 0};
            pagemap.scan(m.start(), m.end(), (addr, e) -> {
                boolean data = (e & Pagemap.SWAPPED) != 0
                        || ((e & Pagemap.PRESENT) != 0 && (!fileBacked || (e & Pagemap.FILE_OR_SHARED) == 0));
                long index = (addr - m.start()) / PAGE;
                if (data) {
                    if (run[0] >= 0 && run[0] + run[1] == index) {
                        run[1]++;
                    } else {
                        if (run[0] >= 0) local.add(run.clone());
                        run[0] = index;
                        run[1] = 1;
                    }
                }
            });
            if (run[0] >= 0) local.add(run.clone());
            long[] out = new long[local.size() * 2];
            for (int i = 0; i < local.size(); i++) {
                out[2 * i] = local.get(i)[0];
                out[2 * i + 1] = local.get(i)[1];
                add(m.start() + local.get(i)[0] * PAGE, local.get(i)[1] * PAGE);
            }
            return out;
        }

        /** Cuts the last range in two at a page boundary (so that one huge range can be copied by two threads). */
        void splitLast() {
            long len = lens[count - 1], first = (len / 2) & -PAGE;
            if (first == 0) return;
            long addr = addrs[count - 1];
            lens[count - 1] = first;
            if (count == addrs.length) {
                addrs = java.util.Arrays.copyOf(addrs, count * 2);
                lens = java.util.Arrays.copyOf(lens, count * 2);
            }
            addrs[count] = addr + first;
            lens[count++] = len - first;
        }

        void add(long addr, long len) {
            pages += len / PAGE;
            if (count > 0 && addrs[count - 1] + lens[count - 1] == addr) {
                lens[count - 1] += len;
                return;
            }
            if (count == addrs.length) {
                addrs = java.util.Arrays.copyOf(addrs, count * 2);
                lens = java.util.Arrays.copyOf(lens, count * 2);
            }
            addrs[count] = addr;
            lens[count++] = len;
        }
    }

    // ---------------------------------------------------------------- restore

    private static final int MAP_FIXED = 0x10, MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, O_RDONLY = 0, O_RDWR = 2,
            O_CLOEXEC = 02000000, AT_FDCWD = -100;

    /**
     * Replaces the stub's memory with the image's: unmaps everything of the stub but the scratch area and
     * the vdso/vvar (which are moved to their recorded addresses), maps every area, puts the dumped pages in
     * (see {@link #writePages}), then sets each area's protection as recorded.
     *
     * @param temp an address range of {@link #TEMP_SIZE} free in both layouts, for moving the vdso
     */
    public PagesIn restore(RestoreSession s, List<MapsEntry> stubMaps, long temp) throws IOException {
        SyscallInjector inj = s.main();
        List<MapsEntry> vdso = new ArrayList<>();
        for (MapsEntry m : stubMaps) {
            if (m.start() == s.scratch() || m.path().equals("[vsyscall]")) continue;
            if (m.isVdsoOrVvar()) {
                vdso.add(m);
                continue;
            }
            inj.call("munmap stub area", SysNr.MUNMAP, m.start(), m.length(), 0);
        }
        moveVdso(s, vdso, temp);

        List<VmaEntry> vmas = s.image().vmas();
        java.util.Map<String, Long> openFiles = new java.util.HashMap<>();
        try {
            for (VmaEntry v : vmas) {
                if (v.kind() == VmaKind.VDSO || v.kind() == VmaKind.VVAR) continue;
                if (v.kind() == VmaKind.SYSV_SHM) {
                    dev.cryo.engine.ipc.SysvIpcHandler.attach(inj, v);
                    continue;
                }
                int prot = v.pageRuns().length > 0 ? v.prot() | VmaClassifier.PROT_READ | VmaClassifier.PROT_WRITE : v.prot();
                long fd = -1;
                int flags = v.flags() | MAP_FIXED;
                if (v.kind() == VmaKind.FILE_PRIVATE || v.kind() == VmaKind.FILE_SHARED
                        || v.kind() == VmaKind.DELETED_FILE_SHARED) {
                    String path = v.kind() == VmaKind.DELETED_FILE_SHARED ? s.ghostPath(v.ghostBlob()) : v.path();
                    boolean rw = v.kind() != VmaKind.FILE_PRIVATE && (v.prot() & VmaClassifier.PROT_WRITE) != 0;
                    String key = (rw ? "rw:" : "ro:") + path;
                    Long open = openFiles.get(key);
                    if (open == null) {
                        s.resetArgs();
                        open = inj.call("open " + path, SysNr.OPENAT, AT_FDCWD, s.putString(path),
                                (rw ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0);
                        openFiles.put(key, open);
                    }
                    fd = open;
                    flags &= ~VmaClassifier.MAP_ANONYMOUS;
                } else if (v.kind() == VmaKind.MEMFD_SHARED) {
                    // one memfd for every mapping (and descriptor) of the same object
                    String key = "memfd:" + v.ghostBlob();
                    Long open = openFiles.get(key);
                    if (open == null) openFiles.put(key, open = Memfds.create(s, Memfds.name(v.path()), v.ghostBlob()));
                    fd = open;
                }
                long at = inj.raw(SysNr.MMAP, v.start(), v.length(), prot, flags, fd, fd < 0 ? 0 : v.fileOffset());
                if (at != v.start()) {
                    throw new IOException("mmap of " + describe(v) + " failed: "
                            + (at < 0 ? dev.cryo.linux.errno.Errno.describe((int) -at) : "placed at 0x" + Long.toHexString(at)));
                }
            }
        } finally {
            for (long fd : openFiles.values()) inj.raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
        }
        PagesIn in = writePages(s, vmas);
        for (VmaEntry v : vmas) {
            if (v.pageRuns().length > 0 && v.prot() != (v.prot() | VmaClassifier.PROT_READ | VmaClassifier.PROT_WRITE)) {
                inj.call("mprotect " + describe(v), SysNr.MPROTECT, v.start(), v.length(), v.prot());
            }
        }
        return in;
    }

    /** Size of the temporary range {@link #restore} needs for moving the vdso. */
    public static final long TEMP_SIZE = 64 * PAGE;

    private static void moveVdso(RestoreSession s, List<MapsEntry> stubVdso, long temp) throws IOException {
        List<VmaEntry> want = s.image().vmas().stream()
                .filter(v -> v.kind() == VmaKind.VDSO || v.kind() == VmaKind.VVAR).toList();
        if (want.isEmpty()) return;
        if (want.size() != stubVdso.size()) {
            throw new IOException("the vdso/vvar layout differs from the checkpoint's (kernel changed?)");
        }
        long fromBase = stubVdso.getFirst().start(), toBase = want.getFirst().start();
        for (int i = 0; i < want.size(); i++) {
            MapsEntry m = stubVdso.get(i);
            VmaEntry v = want.get(i);
            if (m.length() != v.length() || m.start() - fromBase != v.start() - toBase) {
                throw new IOException("the vdso/vvar layout differs from the checkpoint's (kernel changed?)");
            }
        }
        if (fromBase == toBase) return;
        SyscallInjector inj = s.main();
        // via a temporary place, so that the old and new ranges may overlap
        for (MapsEntry m : stubVdso) {
            long to = temp + (m.start() - fromBase);
            long r = inj.call("mremap " + m.path(), SysNr.MREMAP, m.start(), m.length(), m.length(),
                    MREMAP_MAYMOVE | MREMAP_FIXED, to, 0);
            if (r != to) throw new IOException("mremap of " + m.path() + " placed it at 0x" + Long.toHexString(r));
        }
        for (MapsEntry m : stubVdso) {
            long from = temp + (m.start() - fromBase), to = toBase + (m.start() - fromBase);
            long r = inj.call("mremap " + m.path(), SysNr.MREMAP, from, m.length(), m.length(),
                    MREMAP_MAYMOVE | MREMAP_FIXED, to, 0);
            if (r != to) throw new IOException("mremap of " + m.path() + " placed it at 0x" + Long.toHexString(r));
        }
    }

    /** What a restore put into a process's memory, in bytes: placed with UFFDIO_COPY, written with process_vm_writev. */
    public record PagesIn(long placed, long written) {}

    /**
     * CRYO_RESTORE_UFFD=0: every page written with process_vm_writev, no userfaultfd (to compare, or to work
     * around a kernel whose userfaultfd misbehaves).
     */
    private static final boolean PLACE = !"0".equals(System.getenv("CRYO_RESTORE_UFFD"));

    /**
     * All dumped pages, in blob order, straight from where the store verified them (see {@link PageWrites}):
     * those of fresh anonymous areas placed through a userfaultfd of the process when it can have one (closed
     * again in both processes before anything else touches its memory), the rest written.
     */
    private static PagesIn writePages(RestoreSession s, List<VmaEntry> vmas) throws IOException {
        PageWrites w = PageWrites.of(vmas, s.pages(), ZERO_PAGE_ADDRESS);
        if (PLACE && w.placeable() > 0) {
            Userfaultfd uffd = fillFd(s);
            if (uffd != null) {
                try (uffd) {
                    w.place(uffd);
                } // the last close of it: every area unregistered, so the writes below cannot meet a missing page
            }
        }
        return w.write(s.memory());
    }

    /** A userfaultfd of the process, ready for filling, or null where it cannot have one (then every page is written). */
    private static Userfaultfd fillFd(RestoreSession s) throws IOException {
        Userfaultfd uffd;
        try {
            uffd = RemoteUserfaultfd.create(s.main(), s.outerPid());
        } catch (ErrnoException e) {
            return null; // no userfaultfd in this kernel, or not for this process (seccomp, a sysctl)
        }
        try {
            uffd.enableFill();
            return uffd;
        } catch (ErrnoException e) {
            uffd.close();
            return null;
        }
    }

    /** A page of zeros to write from, for zero pages that fresh memory does not give (private file mappings). */
    private static final long ZERO_PAGE_ADDRESS = NativeBuffer.allocate(PAGE).address();

    private static String describe(VmaEntry v) {
        return String.format("memory area %x-%x%s", v.start(), v.end(), v.path().isEmpty() ? "" : " " + v.path());
    }
}
