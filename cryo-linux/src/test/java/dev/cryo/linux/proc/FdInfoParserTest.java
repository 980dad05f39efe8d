package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cryo.linux.proc.FdInfo.FanotifyMark.Target;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdInfoParserTest {

    private static final int O_WRONLY = 01;
    private static final int O_RDWR = 02;
    private static final int O_NONBLOCK = 04000;
    private static final int O_APPEND = 02000;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_LARGEFILE = 0100000;

    @Test
    void commonFieldsOfAPipe() {
        FdInfo info = FdInfoParser.parse(Fixture.text("fdinfo-pipe.txt"));
        assertEquals(0, info.pos());
        assertEquals(O_WRONLY, info.flags());
        assertEquals(16, info.mntId());
        assertEquals(5271, info.ino());
        assertTrue(info.locks().isEmpty());
        assertEquals(Optional.empty(), info.detail());
    }

    @Test
    void eventfd() {
        FdInfo info = FdInfoParser.parse(Fixture.text("fdinfo-eventfd.txt"));
        assertEquals(O_RDWR | O_NONBLOCK | O_CLOEXEC, info.flags(), "flags are octal");
        assertEquals(Optional.of(new FdInfo.EventFd(42, 1, false)), info.detail());
        FdInfo sem = FdInfoParser.parse(Fixture.text("fdinfo-eventfd-semaphore.txt"));
        assertEquals(new FdInfo.EventFd(3, 2, true), sem.detail(FdInfo.EventFd.class).orElseThrow());
    }

    @Test
    void epollTargets() {
        FdInfo.Epoll epoll = FdInfoParser.parse(Fixture.text("fdinfo-epoll.txt")).detail(FdInfo.Epoll.class)
                .orElseThrow();
        assertEquals(List.of(
                new FdInfo.EpollTarget(3, 0x80000019, 0x1122334455667788L, 0, 0x40e, DeviceNumber.fromKernel(0x10)),
                new FdInfo.EpollTarget(7, 0x1c, 0x1122334400000007L, 0, 0x1497, DeviceNumber.fromKernel(0xf))),
                epoll.targets());
        assertTrue(epoll.targets().getFirst().events() < 0, "EPOLLET is the sign bit");
    }

    @Test
    void inotifyWatchesWithFileHandles() {
        FdInfo info = FdInfoParser.parse(Fixture.text("fdinfo-inotify.txt"));
        assertEquals(O_NONBLOCK, info.flags());
        List<FdInfo.InotifyWatch> w = info.detail(FdInfo.Inotify.class).orElseThrow().watches();
        assertEquals(2, w.size());
        FdInfo.InotifyWatch hostname = w.get(0);
        assertEquals(2, hostname.wd());
        assertEquals(0x264, hostname.ino());
        assertEquals(new DeviceNumber(254, 0), hostname.sdev(), "sdev:fe00000 is the kernel's dev_t for fe:00");
        assertEquals(0x2, hostname.mask(), "IN_MODIFY");
        assertEquals(new FdInfo.FileHandle(1, new byte[] {0x64, 0x02, 0, 0, 0, 0, 0, 0}), hostname.handle().orElseThrow());
        FdInfo.InotifyWatch tmp = w.get(1);
        assertEquals(1, tmp.wd());
        assertEquals(0x300, tmp.mask(), "IN_CREATE | IN_DELETE");
        assertEquals(0x3f7e8, tmp.ino());
    }

    @Test
    void inotifyWithoutHandleAndHexWd() {
        FdInfo info = FdInfoParser.parse("pos:\t0\nflags:\t00\nmnt_id:\t9\ninotify wd:1a ino:5 sdev:800001 mask:fff ignored_mask:0\n");
        FdInfo.InotifyWatch w = info.detail(FdInfo.Inotify.class).orElseThrow().watches().getFirst();
        assertEquals(26, w.wd());
        assertEquals(new DeviceNumber(8, 1), w.sdev());
        assertEquals(Optional.empty(), w.handle());
        assertEquals(-1, info.ino(), "no ino line on old kernels");
    }

    @Test
    void signalfd() {
        FdInfo info = FdInfoParser.parse(Fixture.text("fdinfo-signalfd.txt"));
        long mask = info.detail(FdInfo.SignalFd.class).orElseThrow().sigmask();
        assertEquals((1L << (10 - 1)) | (1L << (15 - 1)), mask, "SIGUSR1 and SIGTERM");
    }

    @Test
    void timerfd() {
        FdInfo.TimerFd t = FdInfoParser.parse(Fixture.text("fdinfo-timerfd.txt")).detail(FdInfo.TimerFd.class)
                .orElseThrow();
        assertEquals(1, t.clockId(), "CLOCK_MONOTONIC");
        assertEquals(0, t.ticks());
        assertEquals(0, t.settimeFlags());
        assertEquals(new FdInfo.Timespec(99, 999984245), t.value());
        assertEquals(new FdInfo.Timespec(1, 500000000), t.interval());

        FdInfo.TimerFd unarmed = FdInfoParser.parse(Fixture.text("fdinfo-timerfd-unarmed.txt"))
                .detail(FdInfo.TimerFd.class).orElseThrow();
        assertEquals(0, unarmed.clockId(), "CLOCK_REALTIME");
        assertTrue(unarmed.value().isZero());
        FdInfo.TimerFd abs = FdInfoParser.parse("clockid: 0\nticks: 3\nsettime flags: 01\nit_value: (0, 0)\n"
                + "it_interval: (0, 0)\n").detail(FdInfo.TimerFd.class).orElseThrow();
        assertEquals(1, abs.settimeFlags(), "TFD_TIMER_ABSTIME");
        assertEquals(3, abs.ticks());
    }

    @Test
    void fanotifyGroupAndMarks() {
        FdInfo.Fanotify f = FdInfoParser.parse(Fixture.text("fdinfo-fanotify.txt")).detail(FdInfo.Fanotify.class)
                .orElseThrow();
        assertEquals(0, f.flags(), "FAN_CLASS_NOTIF");
        assertEquals(O_LARGEFILE, f.eventFlags());
        assertEquals(2, f.marks().size());
        FdInfo.FanotifyMark inode = f.marks().get(0);
        assertEquals(Target.INODE, inode.target());
        assertEquals(0x264, inode.ino());
        assertEquals(new DeviceNumber(254, 0), inode.sdev());
        assertEquals(0x2, inode.mask(), "FAN_MODIFY");
        assertTrue(inode.handle().isPresent());
        FdInfo.FanotifyMark mount = f.marks().get(1);
        assertEquals(Target.MOUNT, mount.target());
        assertEquals(0x1b, mount.mntId(), "mnt_id is hex here");
        assertEquals(0x28, mount.mask(), "FAN_OPEN | FAN_CLOSE_WRITE");
        assertEquals(Optional.empty(), mount.handle());

        FdInfo.FanotifyMark sb = FdInfoParser.parse("fanotify sdev:800001 mflags:0 mask:1 ignored_mask:0\n")
                .detail(FdInfo.Fanotify.class).orElseThrow().marks().getFirst();
        assertEquals(Target.FILESYSTEM, sb.target());
        assertEquals(new DeviceNumber(8, 1), sb.sdev());
    }

    @Test
    void locksOfEveryKind() {
        LockInfo flock = FdInfoParser.parse(Fixture.text("fdinfo-flock.txt")).locks().getFirst();
        assertEquals(LockInfo.Kind.FLOCK, flock.kind());
        assertEquals(LockInfo.Access.WRITE, flock.access());
        assertEquals(LockInfo.EOF, flock.end());
        assertEquals(0, flock.length());
        assertEquals(new DeviceNumber(0xfe, 0), flock.dev());
        assertEquals(2146581, flock.ino());

        FdInfo posix = FdInfoParser.parse(Fixture.text("fdinfo-posix-lock.txt"));
        assertEquals(5, posix.pos());
        assertEquals(O_RDWR | O_LARGEFILE, posix.flags());
        LockInfo p = posix.locks().getFirst();
        assertEquals(new LockInfo(1, false, LockInfo.Kind.POSIX, "ADVISORY", LockInfo.Access.WRITE, 3352,
                new DeviceNumber(0xfe, 0), 2146582, 10, 29), p);
        assertEquals(20, p.length());

        List<LockInfo> ofd = FdInfoParser.parse(Fixture.text("fdinfo-ofd.txt")).locks();
        assertEquals(2, ofd.size());
        assertEquals(LockInfo.Kind.OFDLCK, ofd.get(0).kind());
        assertEquals(-1, ofd.get(0).pid(), "OFD locks have no owner process");
        assertEquals(LockInfo.Access.READ, ofd.get(1).access());
        assertEquals(100, ofd.get(1).start());

        LockInfo lease = FdInfoParser.parse(Fixture.text("fdinfo-lease.txt")).locks().getFirst();
        assertEquals(LockInfo.Kind.LEASE, lease.kind());
        assertEquals("ACTIVE", lease.mode());

        LockInfo waiting = LockInfo.parse("2: -> POSIX  ADVISORY  READ 77 <none>:0 0 EOF", 0, 45);
        assertTrue(waiting.blocked());
        assertEquals(DeviceNumber.NONE, waiting.dev());
    }

    @Test
    void pidfd() {
        FdInfo.PidFd p = FdInfoParser.parse(Fixture.text("fdinfo-pidfd.txt")).detail(FdInfo.PidFd.class).orElseThrow();
        assertTrue(p.pid() > 0);
        assertEquals(List.of(p.pid()), p.nsPid());
    }

    @Test
    void ownFileWithPositionAndLock(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data file (1).bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(ByteBuffer.wrap("hello".getBytes()));
            int fd = OwnFds.only(file.toString());
            FdInfo info = FdInfoParser.read(OwnFds.pid(), fd);
            assertEquals(5, info.pos());
            assertEquals(O_WRONLY | O_APPEND, info.flags() & (O_WRONLY | O_APPEND | O_RDWR));
            assertEquals(Files.getAttribute(file, "unix:ino"), info.ino());
            assertTrue(info.locks().isEmpty());
            assertTrue(info.mntId() > 0);

            try (java.nio.channels.FileLock lock = ch.lock(10, 20, false)) {
                LockInfo held = FdInfoParser.read(OwnFds.pid(), fd).locks().getFirst();
                assertEquals(LockInfo.Access.WRITE, held.access());
                assertEquals(10, held.start());
                assertEquals(29, held.end());
                assertEquals(Files.getAttribute(file, "unix:ino"), held.ino());
                assertTrue(lock.isValid());
            }
            assertTrue(FdInfoParser.read(OwnFds.pid(), fd).locks().isEmpty(), "released");
        }
    }

    @Test
    void ownSelectorIsAnEpollWatchingThePipe() throws Exception {
        try (Selector selector = Selector.open()) {
            java.util.Set<Long> before = pipeInodes();
            Pipe pipe = Pipe.open();
            java.util.Set<Long> created = pipeInodes();
            created.removeAll(before);
            assertEquals(1, created.size(), "Pipe.open() makes one kernel pipe");
            long pipeIno = created.iterator().next();
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                source.configureBlocking(false);
                source.register(selector, SelectionKey.OP_READ);
                selector.selectNow(); // registrations reach epoll_ctl on the next select

                boolean found = false;
                for (int fd : OwnFds.withLink("anon_inode:[eventpoll]")) {
                    Optional<FdInfo.Epoll> epoll = FdInfoParser.read(OwnFds.pid(), fd).detail(FdInfo.Epoll.class);
                    found |= epoll.isPresent() && epoll.get().targets().stream()
                            .anyMatch(t -> t.ino() == pipeIno && (t.events() & 1) != 0);
                }
                assertTrue(found, "an epoll fd watches the pipe for EPOLLIN");

                for (int fd : OwnFds.withLink("anon_inode:[eventfd]")) {
                    assertTrue(FdInfoParser.read(OwnFds.pid(), fd).detail(FdInfo.EventFd.class).isPresent());
                }
                assertTrue(sink.isOpen());
            }
        }
    }

    /** Inodes of the pipes this JVM has open, from links "pipe:[N]". */
    private static java.util.Set<Long> pipeInodes() throws java.io.IOException {
        java.util.Set<Long> out = new java.util.HashSet<>();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    if (link.startsWith("pipe:[")) {
                        out.add(Long.parseLong(link.substring(6, link.length() - 1)));
                    }
                } catch (java.io.IOException gone) {
                    // the listing's own fd
                }
            }
        }
        return out;
    }

    @Test
    void fileHandleCopiesAndCompares() {
        byte[] raw = {1, 2};
        FdInfo.FileHandle h = new FdInfo.FileHandle(1, raw);
        raw[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, h.bytes());
        assertEquals("FileHandle[type=1, bytes=0102]", h.toString());
    }
}
