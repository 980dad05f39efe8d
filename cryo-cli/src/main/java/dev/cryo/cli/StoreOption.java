package dev.cryo.cli;

import dev.cryo.store.Store;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Mixin: --store DIR (see {@link StoreLocation} for the default). */
public final class StoreOption {

    @Option(names = "--store", paramLabel = "DIR",
            description = "The checkpoint store (default: $CRYO_STORE, else /var/lib/cryo for root, "
                    + "$XDG_DATA_HOME/cryo or ~/.local/share/cryo for others).")
    String store;

    public Path directory() {
        return StoreLocation.forThisProcess(store);
    }

    /** Whether the user chose the store (the demo then keeps what it writes). */
    public boolean given() {
        return store != null;
    }

    public Store open() throws IOException {
        return Store.open(directory());
    }
}
