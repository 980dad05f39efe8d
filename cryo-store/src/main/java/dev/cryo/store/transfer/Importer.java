package dev.cryo.store.transfer;

import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.SecureFiles;
import dev.cryo.store.StoreErrors;
import dev.cryo.store.StoreException;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.chunk.ChunkKey;
import dev.cryo.store.chunk.KeySet;
import dev.cryo.store.chunk.Xxh3;
import dev.cryo.store.index.IndexFile;
import dev.cryo.store.index.MasterIndex;
import dev.cryo.store.manifest.Manifest;
import dev.cryo.store.manifest.ManifestCodec;
import dev.cryo.store.pack.FrameBuilder;
import dev.cryo.store.pack.FrameCodec;
import dev.cryo.store.pack.PackSink;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Reads an export stream: checks the manifest's hash, rehashes every chunk, stores only chunks the store
 * lacks, and refuses a stream that is damaged, carries foreign chunks, or misses one. Packs -> index ->
 * manifest, as for any checkpoint.
 */
public final class Importer {
    private Importer() {}

    public static CheckpointInfo importFrom(StoreLayout layout, MasterIndex index, InputStream source)
            throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(source, 1 << 20));
        PackSink sink = new PackSink(layout, 32L << 20);
        try {
            byte[] magic = new byte[8];
            in.readFully(magic);
            if (!Arrays.equals(magic, TransferFormat.MAGIC)) {
                throw new StoreException("import: not a cryo export stream");
            }
            int version = in.readInt();
            if (version != TransferFormat.VERSION) {
                throw new StoreException("import: unsupported export version " + version);
            }
            int mlen = in.readInt();
            if (mlen < 32 || mlen > (1 << 30)) {
                throw new StoreException("import: damaged stream (manifest length " + mlen + ")");
            }
            byte[] mbytes = new byte[mlen];
            in.readFully(mbytes);
            Manifest m = ManifestCodec.decode(mbytes, null, "import: manifest");
            // decode() checked the manifest against its own hash; that hash is the checkpoint's id
            ManifestCodec.Encoded enc = new ManifestCodec.Encoded(ChunkKey.idOf(mbytes, 0, mbytes.length - 16), mbytes);
            KeySet needed = new KeySet(1 << 12);
            for (Manifest.Blob b : m.blobs()) {
                long[] k = b.keys();
                for (int i = 0; i < k.length; i += 2) {
                    needed.add(k[i], k[i + 1]);
                }
            }
            KeySet got = new KeySet(Math.max(16, needed.size()));
            FrameBuilder fb = new FrameBuilder(sink);
            byte[] comp = new byte[FrameCodec.maxCompressedLength(FrameCodec.MAX_FRAME)];
            byte[] raw = new byte[FrameCodec.MAX_FRAME];
            int[] lens = new int[FrameBuilder.MAX_CHUNKS];
            long[] h = new long[2];
            while (true) {
                int n = in.readInt();
                if (n == 0) {
                    break;
                }
                byte codec = in.readByte();
                int rawLen = in.readInt();
                int compLen = in.readInt();
                if (n < 0 || n > FrameBuilder.MAX_CHUNKS || rawLen < 0 || rawLen > raw.length || compLen < 0
                        || compLen > comp.length) {
                    throw new StoreException("import: damaged stream (bad frame header)");
                }
                int sum = 0;
                for (int i = 0; i < n; i++) {
                    lens[i] = in.readInt();
                    if (lens[i] <= 0 || lens[i] > 4096) {
                        throw new StoreException("import: damaged stream (bad chunk length)");
                    }
                    sum += lens[i];
                }
                if (sum != rawLen) {
                    throw new StoreException("import: damaged stream (frame lengths disagree)");
                }
                in.readFully(comp, 0, compLen);
                try {
                    FrameCodec.decodeUntrusted(codec, comp, compLen, raw, rawLen);
                } catch (IllegalArgumentException e) {
                    throw new StoreException("import: damaged stream (" + e.getMessage() + ")");
                }
                for (int i = 0, off = 0; i < n; off += lens[i], i++) {
                    Xxh3.hash128(raw, off, lens[i], h, 0);
                    if (!needed.contains(h[0], h[1])) {
                        throw new StoreException("import: damaged stream (chunk " + ChunkKey.hex(h[0], h[1])
                                + " is not part of the checkpoint)");
                    }
                    if (got.add(h[0], h[1]) && !index.contains(h[0], h[1])) {
                        fb.add(h[0], h[1], raw, off, lens[i]);
                    }
                }
            }
            for (Manifest.Blob b : m.blobs()) {
                long[] k = b.keys();
                for (int i = 0; i < k.length; i += 2) {
                    if ((k[i] != 0 || k[i + 1] != 0) && !got.contains(k[i], k[i + 1]) && !index.contains(k[i], k[i + 1])) {
                        throw new StoreException("import: incomplete stream (chunk " + ChunkKey.hex(k[i], k[i + 1])
                                + " of blob " + b.name() + " missing)");
                    }
                }
            }
            fb.flush();
            List<PackSink.Published> packs = sink.finish();
            long stored = 0;
            for (PackSink.Published p : packs) {
                stored += p.size();
            }
            if (!packs.isEmpty()) {
                IndexFile.write(layout, packs);
            }
            SecureFiles.writeAtomically(layout, layout.manifest(enc.id()), mbytes);
            return new CheckpointInfo(enc.id(), m.created(), m.logicalBytes(), stored, Map.copyOf(m.labels()));
        } catch (EOFException e) {
            sink.abort();
            throw new StoreException("import: stream ends early (truncated)");
        } catch (IOException | RuntimeException e) {
            sink.abort();
            if (e instanceof IOException io) {
                throw StoreErrors.writing(layout.root(), io);
            }
            throw e;
        }
    }
}
