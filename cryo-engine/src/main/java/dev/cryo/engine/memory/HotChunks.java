package dev.cryo.engine.memory;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The 2 MiB chunks of a process's tracked areas that it writes whole between checkpoints ("hot"), which its
 * tracker leaves unprotected for a while: re-protected, each of their pages would cost the process one
 * write-protect fault after every checkpoint (1.3-2 us a page on this VM: 0.35-0.5 s per GiB), only to be
 * reported written and copied again, as an unprotected page is anyway.
 *
 * <p>A chunk found written whole (at a checkpoint after an interval in which it was protected) is unprotected
 * for its next {@code span} checkpoints, then protected again for one interval to see whether it still is
 * written whole: if so, it stays unprotected twice as long (up to {@link #MAX_SPAN}); if not, it is an
 * ordinary chunk again. So a chunk written whole all the time takes the faults in one interval out of
 * {@code span + 2}, and one that cooled down is copied needlessly for at most {@code span} checkpoints.
 *
 * <p>Correctness never depends on this state: an unprotected page reads as written at every scan, so a
 * state that is lost (a keeper that cannot pass it on) or wrong only makes a checkpoint copy more.
 */
final class HotChunks {
    static final long CHUNK = 2L << 20;
    static final int FIRST_SPAN = 2, MAX_SPAN = 16;
    /** Off ({@code CRYO_HOT_CHUNKS=0}) every written page is protected again at every checkpoint (for comparisons). */
    static final boolean ENABLED = !"0".equals(System.getenv("CRYO_HOT_CHUNKS"));

    /**
     * {@code left} > 0: unprotected, for that many more checkpoints; 0: protected again at this checkpoint
     * ({@code probing}), or at the previous one (not probing: this scan measures it).
     */
    private record State(int left, int span, boolean probing) {}

    /** By chunk index (address / CHUNK): the state at this checkpoint, and the one for the next. */
    private Map<Long, State> current = new HashMap<>();
    private Map<Long, State> next = new HashMap<>();

    /** True when {@code chunk} is to be scanned without protecting it again. */
    boolean unprotected(long chunk) {
        State s = ENABLED ? current.get(chunk) : null;
        return s != null && s.left() > 0;
    }

    /**
     * Records this checkpoint's scan of {@code chunk} (whole, inside one area); {@code writtenWhole} when every
     * page of it was reported written. True when the chunk turned hot: to be unprotected now.
     */
    boolean scanned(long chunk, boolean writtenWhole) {
        if (!ENABLED) return false; // every chunk an ordinary one, protected again
        State s = current.get(chunk);
        if (s != null && s.left() > 0) {
            // unprotected since the previous checkpoint: it reads as written whether it was or not
            next.put(chunk, s.left() == 1 ? new State(0, s.span(), true) : new State(s.left() - 1, s.span(), false));
            return false;
        }
        if (s != null && s.probing()) {
            next.put(chunk, new State(0, s.span(), false)); // protected now; the next scan tells
            return false;
        }
        if (!writtenWhole) return false;
        int span = s == null ? FIRST_SPAN : Math.min(2 * s.span(), MAX_SPAN);
        next.put(chunk, new State(span, span, false));
        return true;
    }

    /** The checkpoint's scans are over: the next checkpoint works from what they found (chunks not seen are ordinary). */
    void finish() {
        current = next;
        next = new HashMap<>();
    }

    /** The state as text ("chunk:left:span:probing" separated by commas), for a keeper process to hand on. */
    String encode() {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(current).forEach((c, s) -> b.append(b.isEmpty() ? "" : ",")
                .append(Long.toHexString(c)).append(':').append(s.left()).append(':').append(s.span())
                .append(':').append(s.probing() ? 1 : 0));
        return b.toString();
    }

    /** The state {@link #encode} gave; text that does not parse is dropped (the state is only an optimisation). */
    static HotChunks decode(String text) {
        HotChunks h = new HotChunks();
        if (text == null || text.isEmpty()) return h;
        try {
            for (String e : text.split(",")) {
                String[] f = e.split(":");
                h.current.put(Long.parseLong(f[0], 16),
                        new State(Integer.parseInt(f[1]), Integer.parseInt(f[2]), "1".equals(f[3])));
            }
        } catch (RuntimeException bad) {
            h.current.clear();
        }
        return h;
    }
}
