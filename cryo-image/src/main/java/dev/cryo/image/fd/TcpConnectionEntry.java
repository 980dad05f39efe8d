package dev.cryo.image.fd;

/**
 * The state of an established TCP connection that the kernel's repair mode reads and writes back, as
 * CRIU's soccr keeps it: each queue's sequence numbers and bytes, what the handshake agreed, the windows.
 *
 * @param sendSeq     the sequence number after the last byte queued to send (write_seq)
 * @param sendQueue   the bytes not yet acknowledged by the peer, the first at {@code sendSeq - sendQueue.length}
 * @param unsent      how many of them (at the end) were never sent
 * @param recvSeq     the sequence number expected next from the peer (rcv_nxt)
 * @param recvQueue   the bytes received and not yet read, the last just before {@code recvSeq}
 * @param mss         the MSS clamp
 * @param windowScale send scale in the low 16 bits, receive scale above; -1 when the peers use no scaling
 * @param sack        SACK was agreed
 * @param timestamps  timestamps were agreed; then {@code timestamp} is the connection's clock
 * @param reuseAddress SO_REUSEADDR was set (repair mode hides it: the socket's generic options do not hold it)
 * @param sndWl1      the window fields TCP_REPAIR_WINDOW gives: snd_wl1, snd_wnd, max_window, rcv_wnd, rcv_wup
 * @param shutdown    the socket's shutdown bits (RCV_SHUTDOWN 1: shut down for reading, which an established
 *                    connection can be), as sock_diag shows them
 */
public record TcpConnectionEntry(int sendSeq, byte[] sendQueue, int unsent, int recvSeq, byte[] recvQueue, int mss,
                                 int windowScale, boolean sack, boolean timestamps, int timestamp, boolean reuseAddress,
                                 int sndWl1, int sndWnd, int maxWindow, int rcvWnd, int rcvWup, int shutdown) {
}
