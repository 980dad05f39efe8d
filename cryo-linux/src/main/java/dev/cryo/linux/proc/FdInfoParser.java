package dev.cryo.linux.proc;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses /proc/PID/fdinfo/FD into {@link FdInfo}. Formats, from the kernel's show_fdinfo functions:
 * <pre>
 * pos:	0                                  (decimal)
 * flags:	02004002                       (octal O_* flags)
 * mnt_id:	17
 * ino:	1038
 * lock:	1: POSIX  ADVISORY  WRITE 3352 fe:00:2146582 10 29
 * eventfd-count:               2a         (hex)       eventfd-id: 1    eventfd-semaphore: 0
 * tfd:        3 events: 80000019 data: 1122334455667788  pos:0 ino:40e sdev:10           (hex but tfd, pos)
 * inotify wd:2 ino:264 sdev:fe00000 mask:2 ignored_mask:0 fhandle-bytes:8 fhandle-type:1 f_handle:64020000..
 * sigmask:	0000000000004200             (hex)
 * clockid: 1 / ticks: 0 / settime flags: 00 (octal) / it_value: (99, 999984245) / it_interval: (1, 500000000)
 * fanotify flags:0 event-flags:8000  and  fanotify ino:../mnt_id:../sdev:.. mflags:.. mask:.. ignored_mask:..
 * Pid:	7187 / NSpid:	7187               (pidfd)
 * </pre>
 * inotify and fanotify print every number in hex, including wd and mnt_id. Lines this parser does not know are
 * skipped.
 */
public final class FdInfoParser {

    private FdInfoParser() {
    }

    public static FdInfo read(int pid, int fd) throws IOException {
        return parse(ProcText.read(ProcText.pidDir(pid).resolve("fdinfo").resolve(Integer.toString(fd))));
    }

    public static FdInfo parse(String text) {
        long pos = 0;
        int flags = 0;
        int mntId = -1;
        long ino = -1;
        List<LockInfo> locks = List.of();
        Collector detail = new Collector();
        PairCursor pairs = new PairCursor();

        int length = text.length();
        int line = 0;
        while (line < length) {
            int eol = ProcText.lineEnd(text, line);
            if (text.startsWith("tfd:", line)) {
                detail.epoll(epollTarget(pairs.reset(text, line, eol)));
            } else if (text.startsWith("inotify ", line)) {
                detail.inotify(inotifyWatch(pairs.reset(text, line + 8, eol)));
            } else if (text.startsWith("fanotify ", line)) {
                detail.fanotify(pairs.reset(text, line + 9, eol));
            } else if (text.startsWith("lock:", line)) {
                if (locks.isEmpty()) {
                    locks = new ArrayList<>(2);
                }
                locks.add(LockInfo.parse(text, line + 5, eol));
            } else {
                int colon = ProcText.indexOf(text, ':', line, eol);
                if (colon > line) {
                    int v = ProcText.skipBlanks(text, colon + 1, eol);
                    int ve = ProcText.tokenEnd(text, v, eol);
                    switch (text.substring(line, colon)) {
                        case "pos" -> pos = ProcText.decimal(text, v, ve);
                        case "flags" -> flags = (int) ProcText.octal(text, v, ve);
                        case "mnt_id" -> mntId = (int) ProcText.decimal(text, v, ve);
                        case "ino" -> ino = ProcText.unsignedDecimal(text, v, ve);
                        case "eventfd-count" -> detail.eventFd(ProcText.hex(text, v, ve));
                        case "eventfd-id" -> detail.eventFdId = ProcText.decimal(text, v, ve);
                        case "eventfd-semaphore" -> detail.eventFdSemaphore = ProcText.decimal(text, v, ve) != 0;
                        case "sigmask" -> detail.signalFd(ProcText.hex(text, v, ve));
                        case "clockid" -> detail.clockId = (int) ProcText.decimal(text, v, ve);
                        case "ticks" -> detail.ticks = ProcText.unsignedDecimal(text, v, ve);
                        case "settime flags" -> detail.settimeFlags = (int) ProcText.octal(text, v, ve);
                        case "it_value" -> detail.itValue = timespec(text, v, eol);
                        case "it_interval" -> detail.itInterval = timespec(text, v, eol);
                        case "Pid" -> detail.pidfdPid = (int) ProcText.decimal(text, v, ve);
                        case "NSpid" -> detail.nsPid = decimals(text, v, eol);
                        default -> {
                            // io_uring, drm, ... : not ours
                        }
                    }
                }
            }
            line = eol + 1;
        }
        return new FdInfo(pos, flags, mntId, ino, locks.isEmpty() ? List.of() : List.copyOf(locks),
                Optional.ofNullable(detail.build()));
    }

    private static FdInfo.EpollTarget epollTarget(PairCursor p) {
        int tfd = -1;
        int events = 0;
        long data = 0;
        long pos = 0;
        long ino = 0;
        DeviceNumber sdev = DeviceNumber.NONE;
        while (p.next()) {
            if (p.keyIs("tfd")) {
                tfd = (int) p.decimal();
            } else if (p.keyIs("events")) {
                events = (int) p.hex();
            } else if (p.keyIs("data")) {
                data = p.hex();
            } else if (p.keyIs("pos")) {
                pos = p.decimal();
            } else if (p.keyIs("ino")) {
                ino = p.hex();
            } else if (p.keyIs("sdev")) {
                sdev = DeviceNumber.fromKernel(p.hex());
            }
        }
        return new FdInfo.EpollTarget(tfd, events, data, pos, ino, sdev);
    }

    private static FdInfo.InotifyWatch inotifyWatch(PairCursor p) {
        int wd = -1;
        long ino = 0;
        DeviceNumber sdev = DeviceNumber.NONE;
        int mask = 0;
        int ignored = 0;
        Handle handle = new Handle();
        while (p.next()) {
            if (p.keyIs("wd")) {
                wd = (int) p.hex();
            } else if (p.keyIs("ino")) {
                ino = p.hex();
            } else if (p.keyIs("sdev")) {
                sdev = DeviceNumber.fromKernel(p.hex());
            } else if (p.keyIs("mask")) {
                mask = (int) p.hex();
            } else if (p.keyIs("ignored_mask")) {
                ignored = (int) p.hex();
            } else {
                handle.accept(p);
            }
        }
        return new FdInfo.InotifyWatch(wd, ino, sdev, mask, ignored, handle.build());
    }

    /** The three f_handle pairs shared by inotify and fanotify lines. */
    private static final class Handle {
        private int type;
        private byte[] bytes;

        void accept(PairCursor p) {
            if (p.keyIs("fhandle-type")) {
                type = (int) p.hex();
            } else if (p.keyIs("f_handle")) {
                bytes = p.hexBytes();
            }
        }

        Optional<FdInfo.FileHandle> build() {
            return bytes == null ? Optional.empty() : Optional.of(new FdInfo.FileHandle(type, bytes));
        }
    }

    /** "(sec, nsec)" */
    private static FdInfo.Timespec timespec(String text, int from, int to) {
        int open = ProcText.indexOf(text, '(', from, to);
        int comma = ProcText.indexOf(text, ',', from, to);
        int close = ProcText.indexOf(text, ')', from, to);
        if (open < 0 || comma < open || close < comma) {
            throw new ProcFormatException("fdinfo: expected (sec, nsec)", text, from);
        }
        long sec = ProcText.unsignedDecimal(text, ProcText.skipBlanks(text, open + 1, comma), comma);
        long nsec = ProcText.unsignedDecimal(text, ProcText.skipBlanks(text, comma + 1, close), close);
        return new FdInfo.Timespec(sec, nsec);
    }

    private static List<Integer> decimals(String text, int from, int to) {
        List<Integer> out = new ArrayList<>(2);
        int i = ProcText.skipBlanks(text, from, to);
        while (i < to) {
            int e = ProcText.tokenEnd(text, i, to);
            out.add((int) ProcText.decimal(text, i, e));
            i = ProcText.skipBlanks(text, e, to);
        }
        return List.copyOf(out);
    }

    /** Gathers the type-specific lines, then decides which {@link FdInfo.Detail} they make. */
    private static final class Collector {
        boolean hasEventFd;
        long eventFdCount;
        long eventFdId = -1;
        boolean eventFdSemaphore;
        boolean hasSigmask;
        long sigmask;
        int clockId = -1;
        long ticks;
        int settimeFlags;
        FdInfo.Timespec itValue = FdInfo.Timespec.ZERO;
        FdInfo.Timespec itInterval = FdInfo.Timespec.ZERO;
        int pidfdPid = Integer.MIN_VALUE;
        List<Integer> nsPid = List.of();
        List<FdInfo.EpollTarget> targets;
        List<FdInfo.InotifyWatch> watches;
        int fanFlags = -1;
        int fanEventFlags = -1;
        List<FdInfo.FanotifyMark> marks;
        boolean fanotify;

        void eventFd(long count) {
            hasEventFd = true;
            eventFdCount = count;
        }

        void signalFd(long mask) {
            hasSigmask = true;
            sigmask = mask;
        }

        void epoll(FdInfo.EpollTarget t) {
            if (targets == null) {
                targets = new ArrayList<>();
            }
            targets.add(t);
        }

        void inotify(FdInfo.InotifyWatch w) {
            if (watches == null) {
                watches = new ArrayList<>();
            }
            watches.add(w);
        }

        void fanotify(PairCursor p) {
            fanotify = true;
            FdInfo.FanotifyMark.Target target = null;
            long ino = 0;
            DeviceNumber sdev = DeviceNumber.NONE;
            int mntId = -1;
            int mflags = 0;
            int mask = 0;
            int ignored = 0;
            Handle handle = new Handle();
            while (p.next()) {
                if (p.keyIs("flags")) {
                    fanFlags = (int) p.hex();
                } else if (p.keyIs("event-flags")) {
                    fanEventFlags = (int) p.hex();
                } else if (p.keyIs("ino")) {
                    target = FdInfo.FanotifyMark.Target.INODE;
                    ino = p.hex();
                } else if (p.keyIs("sdev")) {
                    if (target == null) {
                        target = FdInfo.FanotifyMark.Target.FILESYSTEM;
                    }
                    sdev = DeviceNumber.fromKernel(p.hex());
                } else if (p.keyIs("mnt_id")) {
                    target = FdInfo.FanotifyMark.Target.MOUNT;
                    mntId = (int) p.hex();
                } else if (p.keyIs("mflags")) {
                    mflags = (int) p.hex();
                } else if (p.keyIs("mask")) {
                    mask = (int) p.hex();
                } else if (p.keyIs("ignored_mask")) {
                    ignored = (int) p.hex();
                } else {
                    handle.accept(p);
                }
            }
            if (target != null) {
                if (marks == null) {
                    marks = new ArrayList<>();
                }
                marks.add(new FdInfo.FanotifyMark(target, ino, sdev, mntId, mflags, mask, ignored, handle.build()));
            }
        }

        FdInfo.Detail build() {
            if (hasEventFd) {
                return new FdInfo.EventFd(eventFdCount, eventFdId, eventFdSemaphore);
            }
            if (targets != null) {
                return new FdInfo.Epoll(List.copyOf(targets));
            }
            if (watches != null) {
                return new FdInfo.Inotify(List.copyOf(watches));
            }
            if (fanotify) {
                return new FdInfo.Fanotify(fanFlags, fanEventFlags, marks == null ? List.of() : List.copyOf(marks));
            }
            if (clockId >= 0) {
                return new FdInfo.TimerFd(clockId, ticks, settimeFlags, itValue, itInterval);
            }
            if (hasSigmask) {
                return new FdInfo.SignalFd(sigmask);
            }
            if (pidfdPid != Integer.MIN_VALUE) {
                return new FdInfo.PidFd(pidfdPid, nsPid);
            }
            return null;
        }
    }
}
