package dev.cryo.image.task;

import java.util.List;

/**
 * One thread (task) of a process.
 *
 * @param regs          user_regs_struct as 27 longs, after syscall-restart normalisation
 * @param xstate        the full xsave area
 * @param clearChildTid the address given to set_tid_address (glibc keeps the thread's tid there)
 * @param pending       signals pending for this thread only (raw 128-byte siginfo each)
 */
public record ThreadEntry(int tid, String comm, long[] regs, byte[] xstate, long sigmask, long clearChildTid,
                          long robustListHead, long robustListLength, long rseqAddress, int rseqLength,
                          int rseqSignature, long altstackSp, long altstackSize, int altstackFlags,
                          List<byte[]> pending) {
}
