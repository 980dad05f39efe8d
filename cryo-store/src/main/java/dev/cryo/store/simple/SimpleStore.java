package dev.cryo.store.simple;

import dev.cryo.store.BlobReader;
import dev.cryo.store.BlobWriter;
import dev.cryo.store.CheckpointInfo;
import dev.cryo.store.CheckpointReader;
import dev.cryo.store.CheckpointWriter;
import dev.cryo.store.RefResolver;
import dev.cryo.store.SecureFiles;
import dev.cryo.store.Store;
import dev.cryo.store.StoreConfig;
import dev.cryo.store.StoreErrors;
import dev.cryo.store.StoreException;
import dev.cryo.store.StoreLayout;
import dev.cryo.store.VerifyReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Step-1 store: each blob is one file named by its SHA-256 (under packs/), each checkpoint one manifest
 * named by the SHA-256 of its bytes. Correct and simple; the content-addressed store replaces it.
 */
public final class SimpleStore implements Store {
    public static final int FORMAT_VERSION = 1;
    private final StoreLayout layout;

    private SimpleStore(StoreLayout layout) {
        this.layout = layout;
    }

    public static Store open(Path dir) throws IOException {
        StoreLayout layout = new StoreLayout(dir);
        StoreConfig.openOrCreate(layout, FORMAT_VERSION);
        return new SimpleStore(layout);
    }

    @Override
    public Path directory() {
        return layout.root();
    }

    @Override
    public CheckpointWriter begin() {
        return new Writer();
    }

    @Override
    public CheckpointReader open(String ref) throws IOException {
        String id = RefResolver.resolve(ref, list());
        SimpleManifest m = readManifest(id);
        return new Reader(info(id, m), m);
    }

    @Override
    public List<CheckpointInfo> list() throws IOException {
        List<CheckpointInfo> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(layout.manifestsDir())) {
            for (Path p : s.toList()) {
                String id = p.getFileName().toString();
                try {
                    out.add(info(id, readManifest(id)));
                } catch (StoreException e) {
                    // a damaged manifest is reported by verify; listing the rest stays possible
                }
            }
        }
        out.sort(Comparator.comparing(CheckpointInfo::created).thenComparing(CheckpointInfo::id));
        return out;
    }

    @Override
    public void remove(String id) throws IOException {
        Path p = layout.manifest(id);
        if (!Files.deleteIfExists(p)) {
            throw new StoreException("checkpoint '" + id + "': no such checkpoint");
        }
        SecureFiles.syncDirectory(layout.manifestsDir());
    }

    @Override
    public VerifyReport verify(String ref, boolean quick) throws IOException {
        List<String> ids = new ArrayList<>();
        if (ref != null) {
            ids.add(RefResolver.resolve(ref, list()));
        } else {
            try (Stream<Path> s = Files.list(layout.manifestsDir())) {
                s.map(p -> p.getFileName().toString()).sorted().forEach(ids::add);
            }
        }
        List<String> problems = new ArrayList<>();
        long bytes = 0;
        for (String id : ids) {
            SimpleManifest m;
            try {
                m = readManifest(id);
            } catch (StoreException e) {
                problems.add(e.getMessage());
                continue;
            }
            for (SimpleManifest.Blob b : m.blobs()) {
                Path f = layout.pack(b.sha256());
                try {
                    long size = Files.size(f);
                    if (size != b.size()) {
                        problems.add(layout.describe(f) + ": size " + size + ", expected " + b.size());
                    } else if (!quick) {
                        checkHash(f, b);
                        bytes += size;
                    }
                } catch (NoSuchFileException e) {
                    problems.add(layout.describe(f) + ": missing (blob " + b.name() + " of checkpoint " + id + ")");
                } catch (StoreException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return new VerifyReport(ids.size(), bytes, problems);
    }

    @Override
    public void close() {}

    private CheckpointInfo info(String id, SimpleManifest m) {
        return new CheckpointInfo(id, m.created(), m.logicalBytes(), m.addedBytes(), Map.copyOf(m.labels()));
    }

    private SimpleManifest readManifest(String id) throws IOException {
        Path p = layout.manifest(id);
        byte[] data;
        try {
            data = Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new StoreException("checkpoint '" + id + "': no such checkpoint");
        }
        String what = layout.describe(p);
        if (!Sha256.hex(data).equals(id)) {
            throw new StoreException(what + ": damaged (content does not match its hash)");
        }
        return SimpleManifest.decode(data, what);
    }

    private void checkHash(Path f, SimpleManifest.Blob b) throws IOException {
        MessageDigest md = Sha256.digest();
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        if (!HexFormat.of().formatHex(md.digest()).equals(b.sha256())) {
            throw new StoreException(layout.describe(f) + ": damaged (content does not match its hash)");
        }
    }

    private final class Writer implements CheckpointWriter {
        private final List<BlobFile> blobs = new ArrayList<>();
        private boolean done;

        @Override
        public synchronized BlobWriter blob(String name) throws IOException {
            if (done) {
                throw new IllegalStateException("checkpoint writer closed");
            }
            for (BlobFile b : blobs) {
                if (b.name.equals(name)) {
                    throw new StoreException("blob '" + name + "': already written in this checkpoint");
                }
            }
            Path tmp = SecureFiles.tempPath(layout, "blob");
            try {
                BlobFile b = new BlobFile(name, tmp, SecureFiles.createNew(tmp));
                blobs.add(b);
                return b;
            } catch (IOException e) {
                throw StoreErrors.writing(layout.root(), e);
            }
        }

        @Override
        public synchronized CheckpointInfo commit(byte[] metadata, Map<String, String> labels) throws IOException {
            if (done) {
                throw new IllegalStateException("checkpoint writer closed");
            }
            try {
                List<SimpleManifest.Blob> entries = new ArrayList<>();
                long added = 0;
                for (BlobFile b : blobs) {
                    b.channel.force(true);
                    b.channel.close();
                    String hash = HexFormat.of().formatHex(b.digest.digest());
                    Path target = layout.pack(hash);
                    if (!Files.exists(target)) {
                        added += b.size;
                    }
                    SecureFiles.publish(b.tmp, target);
                    entries.add(new SimpleManifest.Blob(b.name, b.size, hash));
                }
                SimpleManifest m = new SimpleManifest(Instant.now(), new LinkedHashMap<>(labels), metadata.clone(),
                        added, entries);
                byte[] bytes = m.encode();
                String id = Sha256.hex(bytes);
                SecureFiles.writeAtomically(layout, layout.manifest(id), bytes);
                done = true;
                return info(id, m);
            } catch (IOException e) {
                close();
                throw StoreErrors.writing(layout.root(), e);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            done = true;
            for (BlobFile b : blobs) {
                try {
                    b.channel.close();
                } catch (IOException ignored) {
                    // the file is deleted next
                }
                SecureFiles.deleteQuietly(b.tmp);
            }
        }
    }

    private final class BlobFile implements BlobWriter {
        final String name;
        final Path tmp;
        final FileChannel channel;
        final MessageDigest digest = Sha256.digest();
        long size;

        BlobFile(String name, Path tmp, FileChannel channel) {
            this.name = name;
            this.tmp = tmp;
            this.channel = channel;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            ByteBuffer view = src.duplicate();
            digest.update(view);
            try {
                int n = src.remaining();
                while (src.hasRemaining()) {
                    channel.write(src);
                }
                size += n;
            } catch (IOException e) {
                throw StoreErrors.writing(layout.root(), e);
            }
        }

        @Override
        public long size() {
            return size;
        }
    }

    private final class Reader implements CheckpointReader {
        private final CheckpointInfo info;
        private final SimpleManifest manifest;

        Reader(CheckpointInfo info, SimpleManifest manifest) {
            this.info = info;
            this.manifest = manifest;
        }

        @Override
        public CheckpointInfo info() {
            return info;
        }

        @Override
        public byte[] metadata() {
            return manifest.metadata().clone();
        }

        @Override
        public BlobReader blob(String name) throws IOException {
            for (SimpleManifest.Blob b : manifest.blobs()) {
                if (b.name().equals(name)) {
                    Path f = layout.pack(b.sha256());
                    if (!Files.exists(f)) {
                        throw new StoreException(layout.describe(f) + ": missing (blob " + name + ")");
                    }
                    if (Files.size(f) != b.size()) {
                        throw new StoreException(layout.describe(f) + ": truncated or damaged (size "
                                + Files.size(f) + ", expected " + b.size() + ")");
                    }
                    // Whole-file check up front: after this every byte handed out has been verified.
                    checkHash(f, b);
                    byte[] data = Files.readAllBytes(f);
                    return new BlobReader() {
                        @Override
                        public long size() {
                            return data.length;
                        }

                        @Override
                        public void read(long offset, ByteBuffer dst) throws IOException {
                            int n = dst.remaining();
                            if (offset < 0 || offset + n > data.length) {
                                throw new StoreException("blob '" + name + "': read past end (" + (offset + n)
                                        + " > " + data.length + ")");
                            }
                            dst.put(data, (int) offset, n);
                        }
                    };
                }
            }
            throw new StoreException("checkpoint " + info.id() + ": no blob '" + name + "'");
        }

        @Override
        public void close() {}
    }
}
