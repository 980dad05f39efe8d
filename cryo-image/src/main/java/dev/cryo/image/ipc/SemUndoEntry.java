package dev.cryo.image.ipc;

/**
 * One SEM_UNDO adjustment (semadj) of a process: what the kernel adds to semaphore {@code semnum} of set
 * {@code semid} when the process exits (the opposite of the sum of its SEM_UNDO operations there);
 * only nonzero ones are recorded, in -32768..32767.
 */
public record SemUndoEntry(int semid, int semnum, int adjustment) {}
