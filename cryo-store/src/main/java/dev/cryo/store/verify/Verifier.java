package dev.cryo.store.verify;

import dev.cryo.store.ChunkReader;
import dev.cryo.store.ContentStore;
import dev.cryo.store.StoreException;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.VerifyReport;
import dev.cryo.store.chunk.ChunkKey;
import dev.cryo.store.chunk.Xxh3;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.manifest.Manifest;
import dev.cryo.store.pack.FrameCodec;
import dev.cryo.store.pack.PackFormat;
import dev.cryo.store.pack.PackTable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * verify: every problem is one line naming the damaged file. Whole store: index files, every pack (its
 * trailer; in full mode every frame decompressed and every chunk rehashed, from the trailer alone), and
 * every manifest (its hash, and that each chunk it names is indexed). One checkpoint: its manifest and,
 * in full mode, each of its chunks read back through the index.
 */
public final class Verifier {
    private Verifier() {}

    public static VerifyReport verify(StoreLayout layout, String id, boolean quick) throws IOException {
        Set<String> problems = new LinkedHashSet<>();
        List<String> indexProblems = new ArrayList<>();
        MasterIndex index = MasterIndex.loadTolerant(layout, indexProblems);
        problems.addAll(indexProblems);
        long bytes = 0;
        List<String> ids = id == null ? ContentStore.manifestIds(layout) : List.of(id);
        if (id == null) {
            Set<String> onDisk = new HashSet<>();
            for (String packId : packsOnDisk(layout)) {
                onDisk.add(packId);
                try {
                    PackTable t = PackFormat.readTrailer(layout, packId);
                    if (!quick) {
                        bytes += checkFrames(layout, packId, t);
                    }
                } catch (StoreException e) {
                    problems.add(e.getMessage());
                }
            }
            for (int p = 0; p < index.packCount(); p++) {
                if (!onDisk.contains(index.packId(p))) {
                    problems.add(layout.describe(layout.pack(index.packId(p))) + ": missing pack (named by the index)");
                }
            }
        }
        for (String mid : ids) {
            Manifest m;
            try {
                m = ContentStore.readManifest(layout, mid);
            } catch (StoreException e) {
                problems.add(e.getMessage());
                continue;
            }
            String what = layout.describe(layout.manifest(mid));
            int missing = 0;
            String firstMissing = null;
            for (Manifest.Blob b : m.blobs()) {
                long[] k = b.keys();
                for (int i = 0; i < k.length; i += 2) {
                    if ((k[i] != 0 || k[i + 1] != 0) && !index.contains(k[i], k[i + 1])) {
                        if (missing++ == 0) {
                            firstMissing = ChunkKey.hex(k[i], k[i + 1]);
                        }
                    }
                }
            }
            if (missing > 0) {
                problems.add(what + ": " + missing + " chunk(s) in no index, e.g. " + firstMissing);
            }
            if (id != null && !quick) {
                bytes += readBack(layout, index, m, problems);
            }
        }
        return new VerifyReport(ids.size(), bytes, List.copyOf(problems));
    }

    private static long readBack(StoreLayout layout, MasterIndex index, Manifest m, Set<String> problems)
            throws IOException {
        byte[] page = new byte[FrameCodec.MAX_FRAME];
        long bytes = 0;
        try (ChunkReader.Packs packs = new ChunkReader.Packs(layout)) {
            ChunkReader r = new ChunkReader(layout, index, packs);
            for (Manifest.Blob b : m.blobs()) {
                long[] k = b.keys();
                for (int i = 0; i < k.length; i += 2) {
                    if ((k[i] != 0 || k[i + 1] != 0) && index.contains(k[i], k[i + 1])) {
                        try {
                            bytes += r.read(k[i], k[i + 1], page, 0);
                        } catch (StoreException e) {
                            problems.add(e.getMessage());
                        }
                    }
                }
            }
        }
        return bytes;
    }

    /** Decompresses every frame of a pack and rehashes every chunk against the trailer's keys. */
    private static long checkFrames(StoreLayout layout, String packId, PackTable t) throws IOException {
        Path file = layout.pack(packId);
        String what = layout.describe(file);
        byte[] comp = new byte[FrameCodec.maxCompressedLength(FrameCodec.MAX_FRAME)];
        byte[] raw = new byte[FrameCodec.MAX_FRAME];
        long[] h = new long[2];
        long bytes = 0;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            int c = 0;
            for (int f = 0; f < t.frames; f++) {
                int compLen = t.frameCompLen[f];
                int rawLen = t.frameRawLen[f];
                if (compLen > comp.length) {
                    comp = new byte[compLen];
                }
                if (rawLen > raw.length) {
                    raw = new byte[rawLen];
                }
                ByteBuffer buf = ByteBuffer.wrap(comp, 0, compLen);
                long pos = t.frameOffset[f];
                while (buf.hasRemaining()) {
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        throw new StoreException(what + ": damaged pack (truncated)");
                    }
                    pos += n;
                }
                try {
                    FrameCodec.decode(t.frameCodec[f], comp, compLen, raw, rawLen);
                } catch (IllegalArgumentException e) {
                    throw new StoreException(what + ": damaged pack (frame at offset " + t.frameOffset[f] + ": "
                            + e.getMessage() + ")");
                }
                for (; c < t.chunks && t.chunkFrame[c] == f; c++) {
                    Xxh3.hash128(raw, t.chunkOffset[c], t.chunkLen[c], h, 0);
                    if (h[0] != t.keyLo[c] || h[1] != t.keyHi[c]) {
                        throw new StoreException(what + ": damaged pack (chunk " + ChunkKey.hex(t.keyLo[c], t.keyHi[c])
                                + " does not match its hash)");
                    }
                    bytes += t.chunkLen[c];
                }
            }
        }
        return bytes;
    }

    public static List<String> packsOnDisk(StoreLayout layout) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(layout.packsDir())) {
            return out;
        }
        try (Stream<Path> s = Files.walk(layout.packsDir(), 2)) {
            s.filter(Files::isRegularFile).map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[0-9a-f]{32}")).sorted().forEach(out::add);
        }
        return out;
    }
}
