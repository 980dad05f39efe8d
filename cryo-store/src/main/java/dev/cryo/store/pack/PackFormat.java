package dev.cryo.store.pack;

import dev.cryo.store.StoreException;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.chunk.ChunkKey;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * A pack file: compressed frames, then a trailer describing them (so verify and gc need no index), then a
 * footer: {@code u32 trailerLen, 16-byte XXH3-128 of the trailer, "CRYOPEND"}. The trailer starts with
 * "CRYOPACK", a version and a random nonce (pack names never collide), then the {@link PackTable}.
 * The pack's id is the hash of its trailer.
 */
public final class PackFormat {
    static final byte[] TRAILER_MAGIC = "CRYOPACK".getBytes(StandardCharsets.US_ASCII);
    static final byte[] END_MAGIC = "CRYOPEND".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int FOOTER = 4 + 16 + 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PackFormat() {}

    /** Encodes the trailer and footer of a pack whose frames are described by {@code table}. */
    static byte[] trailer(PackTable table, long[] idOut) {
        int bodyLen = 8 + 4 + 16 + table.encodedSize();
        ByteBuffer b = ByteBuffer.allocate(bodyLen + FOOTER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(TRAILER_MAGIC).putInt(VERSION);
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        b.put(nonce);
        table.encode(b);
        byte[] arr = b.array();
        dev.cryo.store.chunk.Xxh3.hash128(arr, 0, bodyLen, idOut, 0);
        b.putInt(bodyLen).putLong(idOut[0]).putLong(idOut[1]).put(END_MAGIC);
        return arr;
    }

    /** Reads and checks a pack's trailer: magic, hash, name; every frame inside the file. */
    public static PackTable readTrailer(StoreLayout layout, String packId) throws IOException {
        Path file = layout.pack(packId);
        String what = layout.describe(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < FOOTER) {
                throw new StoreException(what + ": damaged pack (too short: " + size + " bytes)");
            }
            ByteBuffer foot = ByteBuffer.allocate(FOOTER).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, foot, size - FOOTER, what);
            foot.flip();
            int bodyLen = foot.getInt();
            long lo = foot.getLong();
            long hi = foot.getLong();
            byte[] end = new byte[8];
            foot.get(end);
            if (!java.util.Arrays.equals(end, END_MAGIC) || bodyLen < 28 || bodyLen > size - FOOTER) {
                throw new StoreException(what + ": damaged pack (bad footer; truncated?)");
            }
            if (!ChunkKey.hex(lo, hi).equals(packId)) {
                throw new StoreException(what + ": damaged pack (trailer hash does not match its name)");
            }
            ByteBuffer body = ByteBuffer.allocate(bodyLen).order(ByteOrder.LITTLE_ENDIAN);
            long bodyStart = size - FOOTER - bodyLen;
            readFully(ch, body, bodyStart, what);
            long[] h = new long[2];
            dev.cryo.store.chunk.Xxh3.hash128(body.array(), 0, bodyLen, h, 0);
            if (h[0] != lo || h[1] != hi) {
                throw new StoreException(what + ": damaged pack (trailer does not match its hash)");
            }
            body.flip();
            byte[] magic = new byte[8];
            body.get(magic);
            if (!java.util.Arrays.equals(magic, TRAILER_MAGIC) || body.getInt() != VERSION) {
                throw new StoreException(what + ": damaged pack (bad trailer magic or version)");
            }
            body.position(body.position() + 16);
            try {
                return PackTable.decode(body, bodyStart);
            } catch (IllegalArgumentException e) {
                throw new StoreException(what + ": damaged pack (" + e.getMessage() + ")");
            }
        } catch (NoSuchFileException e) {
            throw new StoreException(what + ": missing pack");
        }
    }

    /**
     * Checks the footer and trailer of a pack mapped whole (restore): magic, trailer hash against the pack's
     * name. With every used chunk hash-checked, a flipped byte anywhere in the pack, or a cut, is found.
     */
    public static void checkMapped(MemorySegment pack, String packId, String what) throws StoreException {
        long size = pack.byteSize();
        if (size < FOOTER) {
            throw new StoreException(what + ": damaged pack (too short: " + size + " bytes)");
        }
        ValueLayout.OfLong longLe = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
        long foot = size - FOOTER;
        int bodyLen = pack.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), foot);
        long lo = pack.get(longLe, foot + 4), hi = pack.get(longLe, foot + 12);
        byte[] end = pack.asSlice(foot + 20, 8).toArray(ValueLayout.JAVA_BYTE);
        if (!java.util.Arrays.equals(end, END_MAGIC) || bodyLen < 28 || bodyLen > foot) {
            throw new StoreException(what + ": damaged pack (bad footer; truncated?)");
        }
        long[] h = new long[2];
        dev.cryo.store.chunk.Xxh3.hash128(pack, foot - bodyLen, bodyLen, h, 0);
        if (h[0] != lo || h[1] != hi || !ChunkKey.hex(lo, hi).equals(packId)) {
            throw new StoreException(what + ": damaged pack (trailer does not match its hash)");
        }
    }

    static void readFully(FileChannel ch, ByteBuffer dst, long pos, String what) throws IOException {
        while (dst.hasRemaining()) {
            int n = ch.read(dst, pos);
            if (n < 0) {
                throw new StoreException(what + ": damaged pack (truncated)");
            }
            pos += n;
        }
    }
}
