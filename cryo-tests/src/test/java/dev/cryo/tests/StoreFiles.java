package dev.cryo.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The store as a black box: its regular files, without knowing their names or format. A file's
 * kind is its top-level directory plus its extension ("packs/*.pack", "manifests/*", "config"),
 * so the tests reach every kind of file the store has without naming any.
 */
final class StoreFiles {
    private StoreFiles() {}

    static List<Path> regularFiles(Path store) {
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot walk the store " + store + ": " + e, e);
        }
    }

    static List<Path> directories(Path store) {
        try (Stream<Path> s = Files.walk(store)) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError("cannot walk the store " + store + ": " + e, e);
        }
    }

    static Path largest(Path store) {
        return nonEmpty(store).stream().max(Comparator.comparingLong(StoreFiles::size))
                .orElseThrow(() -> new AssertionError("the store " + store + " holds no files"));
    }

    /** The largest non-empty file of each kind. */
    static Map<String, Path> largestOfEachKind(Path store) {
        Map<String, Path> out = new TreeMap<>();
        for (Path f : nonEmpty(store)) {
            out.merge(kind(store, f), f, (a, b) -> size(a) >= size(b) ? a : b);
        }
        return out;
    }

    static String kind(Path store, Path file) {
        Path rel = store.relativize(file);
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot > 0 ? name.substring(dot) : "";
        return rel.getNameCount() == 1 ? name : rel.getName(0) + "/*" + ext;
    }

    static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<Path> nonEmpty(Path store) {
        return regularFiles(store).stream().filter(f -> size(f) > 0).toList();
    }
}
