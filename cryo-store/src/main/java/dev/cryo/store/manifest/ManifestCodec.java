package dev.cryo.store.manifest;

import dev.cryo.store.StoreException;
import dev.cryo.store.chunk.ChunkKey;
import dev.cryo.store.chunk.Xxh3;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary manifest, versioned: {@code "CRYOMANI", u32 version, u32 headerLen, header (created, sizes,
 * labels), metadata, blobs (name, size, pages as runs: varint (count<<1|zero) then 16 bytes per key for
 * key runs)}, then the XXH3-128 of all of it, whose hex is the checkpoint id. Binary because a 1 GiB
 * checkpoint lists 262144 keys: 4 MiB here, several times that and slow to parse as JSON. The header
 * alone gives what {@code ls} shows.
 */
public final class ManifestCodec {
    private static final ValueLayout.OfLong LE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final byte[] MAGIC = "CRYOMANI".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** Encoded bytes and the id they hash to. */
    public record Encoded(String id, byte[] bytes) {}

    /** What list() needs, read without the body. */
    public record Header(Instant created, long logicalBytes, long addedBytes, Map<String, String> labels) {}

    private ManifestCodec() {}

    public static Encoded encode(Manifest m) {
        Out out = new Out();
        out.bytes(MAGIC);
        out.i32(VERSION);
        Out header = new Out();
        header.i64(m.created().toEpochMilli());
        header.i64(m.logicalBytes());
        header.i64(m.addedBytes());
        header.i32(m.labels().size());
        for (var e : new java.util.TreeMap<>(m.labels()).entrySet()) {
            header.str(e.getKey());
            header.str(e.getValue());
        }
        out.i32(header.size());
        out.bytes(header.toByteArray());
        out.i32(m.metadata().length);
        out.bytes(m.metadata());
        out.i32(m.blobs().size());
        for (Manifest.Blob b : m.blobs()) {
            out.str(b.name());
            out.i64(b.size());
            long[] k = b.keys();
            int pages = k.length / 2;
            out.i32(pages);
            int i = 0;
            while (i < pages) {
                boolean zero = k[2 * i] == 0 && k[2 * i + 1] == 0;
                int j = i;
                while (j < pages && (k[2 * j] == 0 && k[2 * j + 1] == 0) == zero) {
                    j++;
                }
                out.varint(((long) (j - i) << 1) | (zero ? 1 : 0));
                if (!zero) {
                    out.longs(k, 2 * i, 2 * (j - i));
                }
                i = j;
            }
        }
        byte[] body = out.toByteArray();
        long[] h = new long[2];
        Xxh3.hash128(body, 0, body.length, h, 0);
        byte[] all = Arrays.copyOf(body, body.length + 16);
        ByteBuffer.wrap(all, body.length, 16).order(ByteOrder.LITTLE_ENDIAN).putLong(h[0]).putLong(h[1]);
        return new Encoded(ChunkKey.hex(h[0], h[1]), all);
    }

    /** Decodes and checks a manifest; {@code what} names the file in errors. */
    public static Manifest decode(byte[] data, String id, String what) throws StoreException {
        if (data.length < 16 + 16) {
            throw new StoreException(what + ": damaged manifest (truncated)");
        }
        long[] h = new long[2];
        Xxh3.hash128(data, 0, data.length - 16, h, 0);
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getLong(data.length - 16) != h[0] || b.getLong(data.length - 8) != h[1]
                || (id != null && !ChunkKey.hex(h[0], h[1]).equals(id))) {
            throw new StoreException(what + ": damaged manifest (content does not match its hash)");
        }
        b.limit(data.length - 16);
        try {
            Header header = header(b, what);
            byte[] meta = new byte[b.getInt()];
            b.get(meta);
            int nb = b.getInt();
            List<Manifest.Blob> blobs = new ArrayList<>();
            for (int i = 0; i < nb; i++) {
                String name = str(b);
                long size = b.getLong();
                int pages = b.getInt();
                if (pages < 0 || (long) pages * 4096 < size || (long) pages * 4096 >= size + 4096) {
                    throw new StoreException(what + ": damaged manifest (blob " + name + " size)");
                }
                long[] keys = new long[2 * pages];
                int p = 0;
                while (p < pages) {
                    long v = varint(b);
                    long count = v >>> 1;
                    if (count <= 0 || count > pages - p) {
                        throw new StoreException(what + ": damaged manifest (bad run in blob " + name + ")");
                    }
                    if ((v & 1) == 0) {
                        // the run's keys are stored as the array holds them: one bulk copy, no loop per key
                        long bytes = 16L * count;
                        if (bytes > b.remaining()) {
                            throw new BufferUnderflowException();
                        }
                        MemorySegment.copy(MemorySegment.ofArray(data), LE_LONG, b.position(), keys, 2 * p, 2 * (int) count);
                        b.position(b.position() + (int) bytes);
                    }
                    p += (int) count;
                }
                blobs.add(new Manifest.Blob(name, size, keys));
            }
            if (b.hasRemaining()) {
                throw new StoreException(what + ": damaged manifest (trailing bytes)");
            }
            return new Manifest(header.created(), header.logicalBytes(), header.addedBytes(), header.labels(), meta,
                    blobs);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new StoreException(what + ": damaged manifest (cut short)");
        }
    }

    /** Parses only the header (for listing); the caller has checked nothing else. */
    public static Header header(ByteBuffer b, String what) throws StoreException {
        b.order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[8];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new StoreException(what + ": not a cryo manifest");
            }
            int version = b.getInt();
            if (version != VERSION) {
                throw new StoreException(what + ": unsupported manifest version " + version);
            }
            b.getInt(); // header length
            Instant created = Instant.ofEpochMilli(b.getLong());
            long logical = b.getLong();
            long added = b.getLong();
            int n = b.getInt();
            if (n < 0 || n > 10000) {
                throw new StoreException(what + ": damaged manifest (labels)");
            }
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                labels.put(str(b), str(b));
            }
            return new Header(created, logical, added, Map.copyOf(labels));
        } catch (BufferUnderflowException | IllegalArgumentException | NegativeArraySizeException e) {
            throw new StoreException(what + ": damaged manifest (header cut short)");
        }
    }

    /** How many leading bytes hold the header (so list() reads only those). */
    public static int headerEnd(ByteBuffer first16) {
        return 16 + first16.order(ByteOrder.LITTLE_ENDIAN).getInt(12);
    }

    private static String str(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) {
            throw new IllegalArgumentException("bad string");
        }
        byte[] s = new byte[n];
        b.get(s);
        return new String(s, StandardCharsets.UTF_8);
    }

    private static long varint(ByteBuffer b) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = b.get() & 0xFF;
            v |= (long) (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("bad varint");
    }

    /** A little-endian growable buffer. */
    private static final class Out extends ByteArrayOutputStream {
        Out() {
            super(1024);
        }

        void bytes(byte[] b) {
            write(b, 0, b.length);
        }

        void i32(int v) {
            for (int i = 0; i < 4; i++) {
                write(v >>> (8 * i));
            }
        }

        /** {@code n} longs of {@code v} from {@code from}, little-endian, in one copy. */
        void longs(long[] v, int from, int n) {
            ensure(count + 8 * n);
            MemorySegment.copy(v, from, MemorySegment.ofArray(buf), LE_LONG, count, n);
            count += 8 * n;
        }

        private void ensure(int size) {
            if (size > buf.length) {
                buf = java.util.Arrays.copyOf(buf, Math.max(size, buf.length * 2));
            }
        }

        void i64(long v) {
            for (int i = 0; i < 8; i++) {
                write((int) (v >>> (8 * i)));
            }
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            i32(b.length);
            bytes(b);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            write((int) v);
        }
    }
}
