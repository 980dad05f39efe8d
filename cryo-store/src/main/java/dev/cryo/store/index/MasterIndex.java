package dev.cryo.store.index;

import dev.cryo.store.StoreLayout;
import dev.cryo.store.pack.PackSink;
import dev.cryo.store.pack.PackTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * All index files of a store merged in memory: chunk key -> (pack, frame, slot) through an
 * open-addressing table over primitive arrays. Immutable once loaded; a chunk may be listed twice (two
 * writers stored it concurrently), either copy serves.
 */
public final class MasterIndex {
    private final List<String> indexIds;
    private final List<String> packIds = new ArrayList<>();
    private final List<PackTable> tables = new ArrayList<>();
    // global chunk number -> (table, local chunk)
    private int[] chunkTable;
    private int[] chunkLocal;
    private int chunks;
    private int[] slots;
    private int mask;

    private MasterIndex(List<String> indexIds) {
        this.indexIds = indexIds;
    }

    public static MasterIndex empty() {
        MasterIndex m = new MasterIndex(List.of());
        m.build();
        return m;
    }

    /** Loads every index file; a damaged one is refused with a message naming it. */
    public static MasterIndex load(StoreLayout layout) throws IOException {
        List<String> ids = listIds(layout);
        MasterIndex m = new MasterIndex(ids);
        for (String id : ids) {
            for (IndexFile.Entry e : IndexFile.read(layout, id)) {
                m.packIds.add(e.packId());
                m.tables.add(e.table());
            }
        }
        m.build();
        return m;
    }

    /** Like {@link #load} but skips damaged index files, naming each in {@code problems} (verify). */
    public static MasterIndex loadTolerant(StoreLayout layout, List<String> problems) throws IOException {
        List<String> ids = listIds(layout);
        MasterIndex m = new MasterIndex(ids);
        for (String id : ids) {
            try {
                for (IndexFile.Entry e : IndexFile.read(layout, id)) {
                    m.packIds.add(e.packId());
                    m.tables.add(e.table());
                }
            } catch (dev.cryo.store.StoreException e) {
                problems.add(e.getMessage());
            }
        }
        m.build();
        return m;
    }

    public static List<String> listIds(StoreLayout layout) throws IOException {
        try (Stream<Path> s = Files.list(layout.indexDir())) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9a-f]{32}")).sorted().toList();
        }
    }

    private void build() {
        for (PackTable t : tables) {
            chunks += t.chunks;
        }
        chunkTable = new int[chunks];
        chunkLocal = new int[chunks];
        int cap = Integer.highestOneBit(Math.max(16, chunks * 2)) << 1;
        slots = new int[cap];
        mask = cap - 1;
        int g = 0;
        for (int t = 0; t < tables.size(); t++) {
            g = insert(t, g);
        }
    }

    /**
     * This index and a newly written index file's packs, without reading anything: a long-lived process
     * ({@code cryo run --every}) keeps its cache after its own commit instead of reloading every index file.
     * The chunk numbers of this index stay valid; its tables are shared, its own arrays are not changed.
     */
    public MasterIndex with(String indexId, List<PackSink.Published> packs) {
        List<String> ids = new ArrayList<>(indexIds);
        ids.add(indexId);
        ids.sort(null); // as listIds orders them
        MasterIndex m = new MasterIndex(List.copyOf(ids));
        m.packIds.addAll(packIds);
        m.tables.addAll(tables);
        int added = 0;
        for (PackSink.Published p : packs) {
            m.packIds.add(p.id());
            m.tables.add(p.table());
            added += p.table().chunks;
        }
        int total = chunks + added;
        if (2L * total > slots.length) {
            m.build(); // the table would be over half full: built anew at twice the size
            return m;
        }
        m.chunks = total;
        m.chunkTable = Arrays.copyOf(chunkTable, total);
        m.chunkLocal = Arrays.copyOf(chunkLocal, total);
        m.slots = slots.clone();
        m.mask = mask;
        int g = chunks;
        for (int t = tables.size(); t < m.tables.size(); t++) {
            g = m.insert(t, g);
        }
        return m;
    }

    /** Adds the chunks of table {@code t} as global chunks from {@code g}; returns the next global number. */
    private int insert(int t, int g) {
        PackTable pt = tables.get(t);
        for (int c = 0; c < pt.chunks; c++) {
            chunkTable[g] = t;
            chunkLocal[g] = c;
            int i = slot(pt.keyLo[c], pt.keyHi[c]);
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = g + 1;
            g++;
        }
        return g;
    }

    private int slot(long lo, long hi) {
        long h = lo ^ (hi * 0x9E3779B97F4A7C15L);
        return (int) (h ^ (h >>> 29)) & mask;
    }

    /** The global chunk number of a key, or -1. */
    public int find(long lo, long hi) {
        for (int i = slot(lo, hi); ; i = (i + 1) & mask) {
            int s = slots[i];
            if (s == 0) {
                return -1;
            }
            PackTable t = tables.get(chunkTable[s - 1]);
            int c = chunkLocal[s - 1];
            if (t.keyLo[c] == lo && t.keyHi[c] == hi) {
                return s - 1;
            }
        }
    }

    /** Whether global chunk {@code chunk} (any int: out of range is false) has the key (lo, hi). */
    public boolean is(int chunk, long lo, long hi) {
        if (chunk < 0 || chunk >= chunks) return false;
        PackTable t = tables.get(chunkTable[chunk]);
        int c = chunkLocal[chunk];
        return t.keyLo[c] == lo && t.keyHi[c] == hi;
    }

    public boolean contains(long lo, long hi) {
        return find(lo, hi) >= 0;
    }

    public int size() {
        return chunks;
    }

    public List<String> indexIds() {
        return indexIds;
    }

    public int packCount() {
        return packIds.size();
    }

    public String packId(int pack) {
        return packIds.get(pack);
    }

    public PackTable table(int pack) {
        return tables.get(pack);
    }

    public int packOf(int chunk) {
        return chunkTable[chunk];
    }

    public int localOf(int chunk) {
        return chunkLocal[chunk];
    }

    public List<String> packIds() {
        return List.copyOf(packIds);
    }

    @Override
    public String toString() {
        return "MasterIndex" + Arrays.asList(indexIds.size(), packIds.size(), chunks);
    }
}
