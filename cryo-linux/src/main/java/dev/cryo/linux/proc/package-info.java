/**
 * Parsers for /proc files: pure text (or bytes) to records, no FFM.
 *
 * <p>Each parser is a {@code <File>Parser} with a static {@code parse(String)} that does the work and is what the
 * tests exercise, plus {@code read(pid)} / {@code read(pid, tid)} conveniences that read the file with java.nio.
 * Conventions shared by all of them:
 * <ul>
 *   <li>Unsigned kernel values (addresses, masks, rlimits, u64 counters) keep their 64 bits in a {@code long}:
 *       compare them with {@link java.lang.Long#compareUnsigned}. "unlimited" is -1 (RLIM_INFINITY's bits).</li>
 *   <li>Sizes that the kernel prints in kB are converted to bytes.</li>
 *   <li>A field a kernel does not print reads as -1 (ids, counts), 0 (masks, addresses) or "" (text), and is
 *       documented on the record.</li>
 *   <li>Text is decoded as UTF-8; escapes are undone exactly where the kernel applies them (status: {@code \n}
 *       and {@code \\} in Name; maps/smaps: only {@code \012} in paths; mountinfo: {@code \ooo} for blanks,
 *       newline and backslash).</li>
 *   <li>A file that does not have the expected shape throws the unchecked {@link dev.cryo.linux.proc.ProcFormatException}.
 *       A process that is gone surfaces as the {@link java.io.IOException} java.nio raises
 *       ({@link java.nio.file.NoSuchFileException}, or "No such process" for a zombie's files): mapping those to
 *       the errno exceptions is the caller's business.</li>
 *   <li>Parsing walks the text with indices ({@code ProcText}); no regex, no split, few substrings. smaps of
 *       10,000 areas parses in about 40 ms.</li>
 * </ul>
 * {@code MapsParser}/{@code MapsEntry} are maintained separately and follow their own conventions.
 */
package dev.cryo.linux.proc;
