package dev.cryo.store;

import java.nio.file.Path;
import java.util.Map;

/** Child process of {@link StoreFeaturesTest}: writes one checkpoint and prints its id. */
public final class WriterProcessMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        try (Store store = Store.open(dir)) {
            CheckpointInfo c = StoreContractTest.write(store, "p" + seed,
                    Map.of("shared", StoreTestData.pages(1000, 600), "own", StoreTestData.pages(seed, 300)),
                    ("proc" + seed).getBytes());
            System.out.println(c.id());
        }
    }
}
