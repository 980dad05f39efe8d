package dev.cryo.cli;

import dev.cryo.store.Store;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.IOException;
import java.nio.file.Path;

/** Mixin: --store DIR (see {@link StoreLocation} for the default). */
public final class StoreOption {
    private final OptionSpec store = OptionSpec.builder("--store").paramLabel("DIR").type(String.class)
            .description("The checkpoint store (default: $CRYO_STORE, else /var/lib/cryo for root, "
                    + "$XDG_DATA_HOME/cryo or ~/.local/share/cryo for others).")
            .build();

    /** Adds --store to {@code spec}; returns this, to read the value once parsed. */
    public StoreOption addTo(CommandSpec spec) {
        spec.addOption(store);
        return this;
    }

    public Path directory() {
        return StoreLocation.forThisProcess(store.getValue());
    }

    /** Whether the user chose the store (the demo then keeps what it writes). */
    public boolean given() {
        return store.getValue() != null;
    }

    public Store open() throws IOException {
        return Store.open(directory());
    }
}
