package dev.cryo.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The store's {@code config} file: its format version, read and checked before anything else so an old
 * cryo never misreads a newer store. Creating a store creates its directories 0700 and then the config.
 */
public final class StoreConfig {
    private static final String HEADER = "cryo-store";

    private StoreConfig() {}

    /** Opens or initializes the store at {@code layout}; returns after the version has been checked. */
    public static void openOrCreate(StoreLayout layout, int version) throws IOException {
        var root = layout.root();
        try {
            if (Files.exists(root) && !Files.isDirectory(root)) {
                throw new StoreException("store " + root + ": not a directory");
            }
            boolean existed = Files.isDirectory(root);
            // A directory without config may hold other things of cryo's (logs, group state) and becomes a
            // store; one that has store data but lost its config is damaged, never silently re-initialized.
            if (existed && !Files.exists(layout.config())) {
                for (Path data : new Path[] {layout.packsDir(), layout.indexDir(), layout.manifestsDir()}) {
                    if (Files.isDirectory(data)) {
                        try (Stream<Path> s = Files.list(data)) {
                            if (s.findAny().isPresent()) {
                                throw new StoreException("store " + root + ": config missing (store damaged)");
                            }
                        }
                    }
                }
            }
            for (var dir : layout.directories()) {
                SecureFiles.createDirectory(dir);
            }
            if (!Files.exists(layout.config())) {
                String text = HEADER + "\nversion=" + version + "\n";
                SecureFiles.writeAtomically(layout, layout.config(), text.getBytes(StandardCharsets.UTF_8));
            }
            check(layout, version);
        } catch (StoreException e) {
            throw e;
        } catch (IOException e) {
            throw StoreErrors.writing(root, e);
        }
    }

    private static void check(StoreLayout layout, int version) throws IOException {
        String text;
        try {
            text = Files.readString(layout.config(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new StoreException("store " + layout.root() + ": config missing");
        } catch (java.nio.charset.CharacterCodingException e) {
            // a flipped byte can make it invalid UTF-8: that is damage, named as such
            throw new StoreException("store " + layout.root() + ": " + layout.config() + " is damaged (not valid text)");
        }
        String[] lines = text.split("\n");
        if (lines.length < 2 || !lines[0].equals(HEADER) || !lines[1].startsWith("version=")) {
            throw new StoreException("store " + layout.root() + ": " + layout.config() + " is damaged");
        }
        String found = lines[1].substring("version=".length()).trim();
        if (!found.equals(Integer.toString(version))) {
            throw new StoreException("store " + layout.root() + ": format version " + found
                    + " is not supported (this cryo reads version " + version + ")");
        }
    }
}
