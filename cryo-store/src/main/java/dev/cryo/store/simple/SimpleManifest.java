package dev.cryo.store.simple;

import dev.cryo.store.StoreException;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Step-1 manifest: metadata, labels and for each blob its size and SHA-256 (binary, versioned). */
record SimpleManifest(Instant created, Map<String, String> labels, byte[] metadata, long addedBytes, List<Blob> blobs) {
    static final int MAGIC = 0x4352594d; // "CRYM"
    static final int VERSION = 1;

    record Blob(String name, long size, String sha256) {}

    long logicalBytes() {
        return blobs.stream().mapToLong(Blob::size).sum();
    }

    byte[] encode() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(created.toEpochMilli());
            out.writeLong(addedBytes);
            out.writeInt(labels.size());
            for (var e : labels.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(metadata.length);
            out.write(metadata);
            out.writeInt(blobs.size());
            for (Blob b : blobs) {
                out.writeUTF(b.name());
                out.writeLong(b.size());
                out.writeUTF(b.sha256());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static SimpleManifest decode(byte[] data, String what) throws StoreException {
        try {
            DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data));
            if (in.readInt() != MAGIC) {
                throw new StoreException(what + ": not a cryo manifest");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new StoreException(what + ": unsupported manifest version " + version);
            }
            Instant created = Instant.ofEpochMilli(in.readLong());
            long added = in.readLong();
            int nl = in.readInt();
            Map<String, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < nl; i++) {
                labels.put(in.readUTF(), in.readUTF());
            }
            byte[] meta = new byte[in.readInt()];
            in.readFully(meta);
            int nb = in.readInt();
            List<Blob> blobs = new ArrayList<>();
            for (int i = 0; i < nb; i++) {
                blobs.add(new Blob(in.readUTF(), in.readLong(), in.readUTF()));
            }
            return new SimpleManifest(created, labels, meta, added, blobs);
        } catch (IOException | RuntimeException e) {
            throw new StoreException(what + ": damaged manifest (" + e + ")", e);
        }
    }
}
