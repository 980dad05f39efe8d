package dev.cryo.linux.proc;

/** TCP states as numbered by the kernel (include/net/tcp_states.h) and printed in hex in /proc/net/tcp "st". */
public enum TcpState {
    UNKNOWN, ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1, FIN_WAIT2, TIME_WAIT, CLOSE, CLOSE_WAIT, LAST_ACK, LISTEN,
    CLOSING, NEW_SYN_RECV, BOUND_INACTIVE;

    private static final TcpState[] BY_CODE = values();

    /** The state for a kernel code (1 = ESTABLISHED ... 10 = LISTEN), UNKNOWN for codes this table lacks. */
    public static TcpState of(int code) {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : UNKNOWN;
    }

    public int code() {
        return ordinal();
    }
}
