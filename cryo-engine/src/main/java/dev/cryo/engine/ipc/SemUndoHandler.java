package dev.cryo.engine.ipc;

import dev.cryo.engine.DumpSession;
import dev.cryo.engine.RestoreSession;
import dev.cryo.engine.UnsupportedResourceException;
import dev.cryo.engine.freeze.FrozenProcess;
import dev.cryo.engine.inject.SyscallInjector;
import dev.cryo.image.ipc.SemSetEntry;
import dev.cryo.image.ipc.SemUndoEntry;
import dev.cryo.linux.errno.Errno;
import dev.cryo.linux.errno.ErrnoException;
import dev.cryo.linux.ipc.SysvIpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The SEM_UNDO adjustments (semadj) of each process of a group, on the semaphore sets of its own IPC
 * namespace. The kernel keeps them in the process's undo list, shown by no interface (CRIU does not save
 * them), and applies them when the process exits.
 *
 * <p>Dump: each adjustment is read by probes, semops made by the process itself (the list is that of
 * the calling process) that must fail and so change nothing. A semop naming a semaphore twice is applied
 * one operation after the other (the kernel's "dupsop" path), each step checked: the value must stay in
 * 0..32767, and a SEM_UNDO operation of {@code op} must leave {@code semadj - op} in -32768..32767, else
 * ERANGE; a failure reverts every step before it. A probe moves the adjustments of some semaphores by K,
 * with SEM_UNDO operations compensated by plain ones (the value stays), then ends with a decrement that
 * must block: with IPC_NOWAIT the call fails with EAGAIN, having changed nothing (no value, adjustment,
 * pid, time or wake-up), or with ERANGE when some adjustment went out of range, which tells "some semadj
 * >= t" (or "<= t"). Two probes per set (per chunk of up to (semopm - 1) / 4 semaphores) show the usual case,
 * all zero; the others are found by halving, then each value by exponential and binary search. The only
 * trace: the kernel may give the process an empty undo entry for the set, which never does anything.
 * Processes without an undo list (kcmp) are not probed at all.
 *
 * <p>Restore: before the process runs, one semop per adjustment creates it, SEM_UNDO operations
 * compensated by plain ones, after the sets got their values (SETALL clears adjustments).
 */
public final class SemUndoHandler {
    private static final int SEMADJ_MIN = -32768, SEMADJ_MAX = 32767, SEMBUF = 6;
    /** A decrement no semaphore can satisfy (values are at most 32767): the probe's last operation. */
    private static final short BLOCKS = Short.MIN_VALUE;

    private final Map<Integer, SemSetEntry> sets = new HashMap<>();
    private final List<SemSetEntry> order;
    private final int maxOps;
    private final Set<Integer> withList = new HashSet<>();

    /**
     * @param sets   the namespace's sets, with their values as frozen
     * @param semopm the namespace's limit of operations per semop
     */
    SemUndoHandler(List<SemSetEntry> sets, int semopm) {
        this.order = List.copyOf(sets);
        for (SemSetEntry s : sets) this.sets.put(s.owner().id(), s);
        this.maxOps = Math.min(semopm, DumpSession.SCRATCH_SIZE / SEMBUF);
    }

    /** The sets, with their values. */
    List<SemSetEntry> sets() {
        return order;
    }

    /**
     * Finds which of the frozen {@code processes} have an undo list (against {@code init}, the group's
     * init, which never has one), and refuses lists the restore cannot make again: threads of one process
     * with lists of their own (a clone without CLONE_SYSVSEM), or processes that share one (a clone with
     * CLONE_SYSVSEM but not CLONE_THREAD).
     */
    public void check(List<FrozenProcess> processes, int init) throws IOException {
        if (order.isEmpty()) return; // no set to hold adjustments on
        List<Integer> listed = new ArrayList<>();
        for (FrozenProcess p : processes) {
            for (int tid : p.tids()) {
                if (tid != p.pid() && SysvIpc.compareSemUndo(tid, p.pid()) != 0) {
                    throw new UnsupportedResourceException(p.pid(), "SysV semaphore undo list of thread " + tid,
                            "a thread with a SEM_UNDO list of its own (not shared with its process) is not supported");
                }
            }
            if (SysvIpc.hasSemUndo(p.pid(), init)) listed.add(p.pid());
        }
        try {
            listed.sort((a, b) -> {
                try {
                    return SysvIpc.compareSemUndo(a, b);
                } catch (ErrnoException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        for (int i = 1; i < listed.size(); i++) {
            if (SysvIpc.compareSemUndo(listed.get(i - 1), listed.get(i)) == 0) {
                throw new UnsupportedResourceException(listed.get(i), "SysV semaphore undo list shared with pid "
                        + listed.get(i - 1), "processes sharing SEM_UNDO adjustments (CLONE_SYSVSEM) are not supported");
            }
        }
        withList.addAll(listed);
        if (!listed.isEmpty() && maxOps < 5) {
            throw new UnsupportedResourceException(listed.getFirst(), "SysV semaphore undo list",
                    "the IPC namespace's semopm (" + maxOps + ") is below 5, too few to read SEM_UNDO adjustments");
        }
    }

    /** The nonzero adjustments of the process of {@code s}, read by probes injected into it. */
    public List<SemUndoEntry> dump(DumpSession s) throws IOException {
        if (!withList.contains(s.pid())) return List.of();
        Probe probe = new Probe(s);
        List<SemUndoEntry> found = new ArrayList<>();
        for (SemSetEntry set : order) {
            int id = set.owner().id();
            int[] all = new int[set.values().length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            for (int sign : new int[] {1, -1}) {
                List<Integer> nonzero = new ArrayList<>();
                for (int from = 0; from < all.length; from += probe.perCall) {
                    probe.find(set, all, from, Math.min(all.length, from + probe.perCall), sign, false, nonzero);
                }
                for (int n : nonzero) found.add(new SemUndoEntry(id, n, sign * probe.magnitude(set, n, sign)));
            }
        }
        return found;
    }

    /** The probes of one process, run by its main thread, their operations in its injection scratch area. */
    private final class Probe {
        final SyscallInjector inj;
        final DumpSession s;
        final long at;
        /** Semaphores per probe: up to two compensated steps (4 operations) each, and the blocking one. */
        final int perCall = (maxOps - 1) / 4;

        Probe(DumpSession s) throws IOException {
            this.s = s;
            this.inj = s.injector(s.pid());
            this.at = s.scratch();
        }

        /**
         * Adds to {@code out} the semaphores of {@code nums[from, to)} whose adjustment is nonzero with
         * sign {@code sign}, by halving; {@code known}: the range is known to hold one.
         */
        void find(SemSetEntry set, int[] nums, int from, int to, int sign, boolean known, List<Integer> out)
                throws IOException {
            if (!known && !beyond(set, nums, from, to, sign)) return;
            if (to - from == 1) {
                out.add(nums[from]);
                return;
            }
            int mid = (from + to) >>> 1;
            boolean left = beyond(set, nums, from, mid, sign);
            if (left) find(set, nums, from, mid, sign, true, out);
            find(set, nums, mid, to, sign, !left, out); // the right half holds one for sure if the left has none
        }

        /** |semadj| of semaphore {@code n}, known nonzero with sign {@code sign}: exponential, then binary search. */
        int magnitude(SemSetEntry set, int n, int sign) throws IOException {
            int[] one = {n};
            int lo = 1, hi = sign > 0 ? SEMADJ_MAX : -SEMADJ_MIN; // |semadj| in [lo, hi]
            while (lo < hi) {
                int t = Math.min(hi, lo * 2);
                if (!beyond(set, one, 0, 1, sign * t)) {
                    hi = t - 1;
                    break;
                }
                lo = t;
            }
            while (lo < hi) {
                int mid = lo + (hi - lo + 1) / 2;
                if (beyond(set, one, 0, 1, sign * mid)) lo = mid;
                else hi = mid - 1;
            }
            return lo;
        }

        /**
         * True when some semaphore of {@code nums[from, to)} has an adjustment >= t (t > 0) or <= t
         * (t < 0): each is moved by as much as keeps the adjustment in range exactly when it is not.
         */
        boolean beyond(SemSetEntry set, int[] nums, int from, int to, int t) throws IOException {
            ByteBuffer ops = ByteBuffer.allocate(SEMBUF * ((to - from) * 4 + 1)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = from; i < to; i++) {
                int n = nums[i];
                int k = t > 0 ? SEMADJ_MAX + 1 - t : t - SEMADJ_MIN + 1;
                move(ops, n, (int) set.values()[n], t > 0 ? k : -k);
            }
            put(ops, nums[from], BLOCKS, SysvIpc.SEM_NOWAIT);
            s.memory().write(at, Arrays.copyOf(ops.array(), ops.position()));
            int id = set.owner().id();
            long r = inj.raw(SysvIpc.SEMOP, id, at, ops.position() / SEMBUF, 0, 0, 0);
            if (r == -Errno.ERANGE.number()) return true;
            if (r == -Errno.EAGAIN.number()) return false;
            if (r == -Errno.EACCES.number()) {
                throw new UnsupportedResourceException(s.pid(), "SysV semaphore set " + id,
                        "the process may not alter it, so its SEM_UNDO adjustments there cannot be read");
            }
            if (r == 0) throw new IOException("pid " + s.pid() + ": a probe of SysV semaphore set " + id + " succeeded");
            throw ErrnoException.of("semop probing SysV semaphore set " + id + " in pid " + s.pid(), (int) -r);
        }
    }

    /**
     * Operations that move semaphore {@code n}'s adjustment by {@code delta} (a SEM_UNDO operation of -x adds
     * x) and leave its value {@code value} as it was: each SEM_UNDO step is paired with a plain one of the
     * opposite sign, the increment first unless the value would exceed 32767; steps of at most
     * max(value, 32767 - value) (at least 16384) keep it within 0..32767 throughout.
     */
    static void move(ByteBuffer ops, int n, int value, int delta) {
        int total = Math.abs(delta), cap = Math.max(value, SysvIpc.SEMVMX - value);
        int steps = (total + cap - 1) / cap;
        for (int i = 0; i < steps; i++) {
            int k = total / steps + (i < total % steps ? 1 : 0);
            int undo = delta > 0 ? -k : k;
            boolean undoFirst = (undo > 0) == (value + k <= SysvIpc.SEMVMX);
            put(ops, n, undoFirst ? undo : -undo, undoFirst ? SysvIpc.SEM_UNDO | SysvIpc.SEM_NOWAIT : SysvIpc.SEM_NOWAIT);
            put(ops, n, undoFirst ? -undo : undo, undoFirst ? SysvIpc.SEM_NOWAIT : SysvIpc.SEM_UNDO | SysvIpc.SEM_NOWAIT);
        }
    }

    private static void put(ByteBuffer ops, int n, int op, int flags) {
        ops.putShort((short) n).putShort((short) op).putShort((short) flags);
    }

    // ---------------------------------------------------------------- restore

    /**
     * Gives the process of {@code s} (a stub not yet running, in the group's namespace whose sets have
     * their values back, still with root's credentials) its adjustments.
     */
    public static void restore(RestoreSession s) throws IOException {
        List<SemUndoEntry> adjustments = s.image().semUndo();
        if (adjustments == null || adjustments.isEmpty()) return;
        Map<Integer, long[]> values = new HashMap<>();
        for (SemSetEntry set : s.checkpoint().ipc().semaphores()) values.put(set.owner().id(), set.values());
        for (SemUndoEntry a : adjustments) {
            ByteBuffer ops = ByteBuffer.allocate(SEMBUF * 4).order(ByteOrder.LITTLE_ENDIAN);
            move(ops, a.semnum(), (int) values.get(a.semid())[a.semnum()], a.adjustment());
            s.resetArgs();
            long at = s.put(Arrays.copyOf(ops.array(), ops.position()));
            s.main().call("semop restoring SEM_UNDO adjustment " + a.adjustment() + " of SysV semaphore "
                    + a.semid() + "/" + a.semnum(), SysvIpc.SEMOP, a.semid(), at, ops.position() / SEMBUF);
        }
    }
}
