package dev.cryo.store.transfer;

import dev.cryo.store.ChunkReader;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.chunk.KeySet;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.pack.FrameBuilder;
import dev.cryo.store.pack.FrameCodec;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;

/** Writes one checkpoint as a self-contained stream (see {@link TransferFormat}). */
public final class Exporter {
    private Exporter() {}

    public static void export(StoreLayout layout, MasterIndex index, String id, OutputStream sink) throws IOException {
        byte[] manifestBytes = Files.readAllBytes(layout.manifest(id));
        var manifest = dev.cryo.store.manifest.ManifestCodec.decode(manifestBytes, id,
                layout.describe(layout.manifest(id)));
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(sink, 1 << 20));
        out.write(TransferFormat.MAGIC);
        out.writeInt(TransferFormat.VERSION);
        out.writeInt(manifestBytes.length);
        out.write(manifestBytes);
        byte[] raw = new byte[FrameCodec.MAX_FRAME];
        byte[] comp = new byte[FrameCodec.maxCompressedLength(FrameCodec.MAX_FRAME)];
        int[] lens = new int[FrameBuilder.MAX_CHUNKS];
        int n = 0;
        int used = 0;
        KeySet sent = new KeySet(1 << 12);
        try (ChunkReader.Packs packs = new ChunkReader.Packs(layout)) {
            ChunkReader reader = new ChunkReader(layout, index, packs);
            for (var b : manifest.blobs()) {
                long[] k = b.keys();
                for (int i = 0; i < k.length; i += 2) {
                    if (!sent.add(k[i], k[i + 1])) {
                        continue; // zero page or already sent
                    }
                    if (n == FrameBuilder.MAX_CHUNKS || used + 4096 > raw.length) {
                        frame(out, raw, used, comp, lens, n);
                        n = 0;
                        used = 0;
                    }
                    lens[n++] = reader.read(k[i], k[i + 1], raw, used);
                    used += lens[n - 1];
                }
            }
        }
        if (n > 0) {
            frame(out, raw, used, comp, lens, n);
        }
        out.writeInt(0);
        out.flush();
    }

    private static void frame(DataOutputStream out, byte[] raw, int used, byte[] comp, int[] lens, int n)
            throws IOException {
        int c = FrameCodec.compress(raw, used, comp);
        boolean packed = c > 0;
        out.writeInt(n);
        out.writeByte(packed ? FrameCodec.LZ4 : FrameCodec.RAW);
        out.writeInt(used);
        out.writeInt(packed ? c : used);
        for (int i = 0; i < n; i++) {
            out.writeInt(lens[i]);
        }
        out.write(packed ? comp : raw, 0, packed ? c : used);
    }
}
