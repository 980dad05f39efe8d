package dev.cryo.cli.output;

import dev.cryo.image.Checkpoint;
import dev.cryo.image.fd.DupFd;
import dev.cryo.image.fd.InheritedFd;
import dev.cryo.image.fd.EpollFd;
import dev.cryo.image.fd.EventFd;
import dev.cryo.image.fd.ExternalFd;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.InetSocketFd;
import dev.cryo.image.fd.InotifyFd;
import dev.cryo.image.fd.MemfdFd;
import dev.cryo.image.fd.PipeFd;
import dev.cryo.image.fd.RegularFileFd;
import dev.cryo.image.fd.SignalFd;
import dev.cryo.image.fd.TimerFd;
import dev.cryo.image.fd.UnixSocketFd;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.image.task.ThreadEntry;
import dev.cryo.store.CheckpointInfo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** {@code cryo inspect} for humans: the checkpoint, then per process its threads, memory areas and files. */
public final class CheckpointText {
    private CheckpointText() {}

    static final long PAGE = 4096;
    private static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
    private static final int MAP_SHARED = 1;
    private static final int O_ACCMODE = 3, O_WRONLY = 1, O_RDWR = 2, O_APPEND = 02000, O_NONBLOCK = 04000;

    public static String render(CheckpointInfo info, Checkpoint c) {
        StringBuilder sb = new StringBuilder();
        long mapped = 0, dumped = 0;
        int threads = 0;
        for (ProcessEntry p : c.processes()) {
            threads += p.threads().size();
            for (VmaEntry v : p.vmas()) {
                mapped += v.length();
                dumped += v.dumpedPages() * PAGE;
            }
        }
        sb.append("checkpoint ").append(info.id()).append('\n');
        line(sb, "created", Instant.ofEpochMilli(c.createdMillis()) + " on " + c.hostname() + ", Linux " + c.kernelRelease());
        if (!info.name().isEmpty()) line(sb, "name", info.name());
        line(sb, "cpu", c.cpu().vendor() + " " + c.cpu().model()
                + String.format(Locale.ROOT, " (xfeatures %#x, xsave %d bytes)", c.cpu().xfeatures(), c.cpu().xsaveSize()));
        line(sb, "tree", Plural.of(c.processes().size(), "process", "processes") + ", "
                + Plural.of(threads, "thread", "threads") + ", root PID " + c.rootPid());
        line(sb, "memory", ByteSize.format(mapped) + " mapped, " + ByteSize.format(dumped) + " dumped, "
                + ByteSize.format(info.logicalBytes()) + " of data, " + ByteSize.format(info.addedBytes()) + " added to the store");
        line(sb, "format", "version " + c.formatVersion());
        for (ProcessEntry p : c.processes()) {
            sb.append('\n');
            process(sb, p);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String key, String value) {
        sb.append(String.format(Locale.ROOT, "  %-8s %s%n", key + ":", value));
    }

    private static void process(StringBuilder sb, ProcessEntry p) {
        sb.append("process ").append(p.pid()).append(" (").append(p.comm()).append(")  parent ").append(p.ppid())
                .append("  pgid ").append(p.pgid()).append("  sid ").append(p.sid()).append('\n');
        if (p.zombie()) {
            line(sb, "zombie", "exited (waitpid status " + p.exitStatus() + "), not reaped by its parent yet");
            return;
        }
        if (p.mm() != null && p.mm().exe() != null) line(sb, "exe", p.mm().exe());
        if (p.identity() != null) {
            line(sb, "cwd", p.identity().cwd());
            line(sb, "uid/gid", p.identity().uids().getFirst() + "/" + p.identity().gids().getFirst());
        }
        line(sb, "threads", p.threads().size() + ": " + p.threads().stream().map(ThreadEntry::tid).map(String::valueOf)
                .collect(Collectors.joining(", ")));
        if (!p.sigactions().isEmpty()) {
            line(sb, "signals", p.sigactions().size() + " with handlers");
        }

        long mapped = 0, dumped = 0;
        Table vmas = new Table("START", "END", "PERM", ">SIZE", ">DUMPED", "KIND", "PATH");
        for (VmaEntry v : p.vmas()) {
            mapped += v.length();
            dumped += v.dumpedPages() * PAGE;
            vmas.row(Long.toHexString(v.start()), Long.toHexString(v.end()), perm(v), ByteSize.format(v.length()),
                    ByteSize.format(v.dumpedPages() * PAGE), v.kind().name().toLowerCase(Locale.ROOT), v.path());
        }
        sb.append("  memory: ").append(Plural.of(p.vmas().size(), "area", "areas")).append(", ")
                .append(ByteSize.format(mapped)).append(" mapped, ").append(ByteSize.format(dumped)).append(" dumped\n");
        sb.append(vmas.render("    "));

        Table fds = new Table(">FD", "TYPE", "DETAILS");
        for (FdEntry f : p.fds()) {
            fds.row(f.fd(), type(f), details(f));
        }
        sb.append("  files: ").append(p.fds().size()).append('\n');
        if (!fds.isEmpty()) sb.append(fds.render("    "));
    }

    private static String perm(VmaEntry v) {
        return "" + ((v.prot() & PROT_READ) != 0 ? 'r' : '-') + ((v.prot() & PROT_WRITE) != 0 ? 'w' : '-')
                + ((v.prot() & PROT_EXEC) != 0 ? 'x' : '-') + ((v.flags() & MAP_SHARED) != 0 ? 's' : 'p');
    }

    private static String type(FdEntry f) {
        return switch (f) {
            case RegularFileFd r -> "file";
            case PipeFd p -> "pipe";
            case ExternalFd e -> "external";
            case DupFd d -> "dup";
            case InheritedFd i -> "inherited";
            case EventFd e -> "eventfd";
            case TimerFd t -> "timerfd";
            case SignalFd sg -> "signalfd";
            case EpollFd ep -> "epoll";
            case InotifyFd in -> "inotify";
            case MemfdFd m -> "memfd";
            case InetSocketFd i -> (i.protocol() == 6 ? "tcp" : "udp") + (i.family() == 10 ? "6" : "");
            case UnixSocketFd u -> "unix";
            default -> f.getClass().getSimpleName(); // a kind newer than this CLI
        };
    }

    private static String details(FdEntry f) {
        return switch (f) {
            case RegularFileFd r -> {
                List<String> bits = new ArrayList<>(access(r.openFlags()));
                bits.add("offset " + r.position());
                if (r.ghostBlob() != null) bits.add("deleted, content saved (" + ByteSize.format(r.size()) + ")");
                yield r.path() + " (" + String.join(", ", bits) + ")";
            }
            case PipeFd p -> "pipe:[" + p.pipeId() + "] " + (p.writeEnd() ? "write end" : "read end")
                    + (p.inFlight() != null && p.inFlight().length > 0 ? ", " + p.inFlight().length + " bytes in flight" : "");
            case ExternalFd e -> e.description() + " (outside the checkpoint: connected per --stdio on restore)";
            case DupFd d -> "same open file as fd " + d.of();
            case InheritedFd i -> "same open file as fd " + i.ownerFd() + " of pid " + i.ownerPid();
            case EventFd e -> "count " + e.count() + (e.semaphore() ? ", semaphore" : "");
            case TimerFd t -> "clock " + t.clockId() + (t.valueNanos() == 0 ? ", disarmed" : ", armed")
                    + (t.intervalNanos() != 0 ? ", every " + t.intervalNanos() / 1_000_000.0 + " ms" : "")
                    + (t.ticks() != 0 ? ", " + t.ticks() + " expirations unread" : "");
            case SignalFd sg -> "mask 0x" + Long.toHexString(sg.sigmask());
            case EpollFd ep -> ep.watches().size() + " watches (fds " + ep.watches().stream()
                    .map(w -> Integer.toString(w.tfd())).collect(Collectors.joining(", ")) + ")";
            case InotifyFd in -> in.watches().size() + " watches";
            case MemfdFd m -> "memfd:" + m.name() + ", offset " + m.position() + (m.seals() != 0 ? ", seals 0x" + Integer.toHexString(m.seals()) : "");
            case InetSocketFd i -> (i.address() == null ? "unbound" : "port " + ((i.address()[2] & 0xff) << 8 | (i.address()[3] & 0xff)))
                    + (i.backlog() >= 0 ? ", listening (backlog " + i.backlog() + ")" : "")
                    + (i.options().isEmpty() ? "" : ", " + i.options().size() + " options");
            case UnixSocketFd u -> (u.address() == null ? "unnamed" : u.address()[2] == 0 ? "abstract name" : "bound to a path")
                    + (u.backlog() >= 0 ? ", listening" : "") + (u.peerInode() != 0 ? ", connected to socket:[" + u.peerInode() + "]" : "")
                    + ", " + u.queued().stream().mapToLong(b -> b.length).sum() + " bytes waiting";
            default -> f.toString();
        };
    }

    private static List<String> access(int flags) {
        List<String> bits = new ArrayList<>();
        bits.add(switch (flags & O_ACCMODE) {
            case O_WRONLY -> "write";
            case O_RDWR -> "read/write";
            default -> "read";
        });
        if ((flags & O_APPEND) != 0) bits.add("append");
        if ((flags & O_NONBLOCK) != 0) bits.add("nonblock");
        return bits;
    }
}
