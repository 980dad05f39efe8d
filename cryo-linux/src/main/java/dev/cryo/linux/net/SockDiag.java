package dev.cryo.linux.net;

import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.syscall.Scratch;
import dev.cryo.linux.syscall.SysNr;
import dev.cryo.linux.syscall.Syscall;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** One NETLINK_SOCK_DIAG dump request (SOCK_DIAG_BY_FAMILY), its answers handed one by one to a reader. */
final class SockDiag {
    static final int HEADER = 16;
    private static final int AF_NETLINK = 16, SOCK_DGRAM = 2, SOCK_CLOEXEC = 02000000, NETLINK_SOCK_DIAG = 4,
            SOCK_DIAG_BY_FAMILY = 20, NLM_F_REQUEST = 1, NLM_F_DUMP = 0x300, NLMSG_DONE = 3, NLMSG_ERROR = 2,
            BUFFER = 32 * 1024;

    /** Reads one answer: the message body (after the netlink header) and its length. */
    @FunctionalInterface
    interface Reader {
        void read(MemorySegment body, int length);
    }

    private SockDiag() {}

    /** Sends {@code request} (the family's *_diag_req, without the netlink header) and reads every answer. */
    static void dump(byte[] request, Reader reader) throws ErrnoException {
        int fd = (int) Syscall.call("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", SysNr.SOCKET, AF_NETLINK,
                SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        try {
            MemorySegment s = Scratch.get();
            s.asSlice(0, HEADER).fill((byte) 0);
            s.set(ValueLayout.JAVA_INT, 0, HEADER + request.length);          // nlmsg_len
            s.set(ValueLayout.JAVA_SHORT, 4, (short) SOCK_DIAG_BY_FAMILY);    // nlmsg_type
            s.set(ValueLayout.JAVA_SHORT, 6, (short) (NLM_F_REQUEST | NLM_F_DUMP));
            MemorySegment.copy(request, 0, s, ValueLayout.JAVA_BYTE, HEADER, request.length);
            Syscall.call("send sock_diag request", SysNr.SENDTO, fd, s.address(), HEADER + request.length, 0, 0, 0);
            for (;;) {
                long n = Syscall.call("recv sock_diag", SysNr.RECVFROM, fd, s.address(), BUFFER, 0, 0, 0);
                for (int at = 0; at + HEADER <= n; ) {
                    int len = s.get(ValueLayout.JAVA_INT, at);
                    int type = s.get(ValueLayout.JAVA_SHORT, at + 4);
                    if (type == NLMSG_DONE) return;
                    if (type == NLMSG_ERROR) throw ErrnoException.of("sock_diag", -s.get(ValueLayout.JAVA_INT, at + HEADER));
                    if (len < HEADER || at + len > n) break;
                    reader.read(s.asSlice(at + HEADER, len - HEADER), len - HEADER);
                    at += (len + 3) & ~3;
                }
            }
        } finally {
            Syscall.raw(SysNr.CLOSE, fd, 0, 0, 0, 0, 0);
        }
    }
}
