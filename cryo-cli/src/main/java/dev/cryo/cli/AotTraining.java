package dev.cryo.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The training run for the JDK's AOT cache (the launcher runs it with -XX:AOTCacheOutput): goes through
 * the start-up paths that every command shares (picocli model, help, errors, the store, JSON) so that
 * their classes come pre-loaded and pre-linked. Touches no process and leaves nothing behind.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("cryo-aot-training-");
        String store = dir.resolve("store").toString();
        PrintWriter sink = new PrintWriter(Writer.nullWriter());
        String[][] runs = {
                {"--version"},
                {"help"},
                {"help", "checkpoint"},
                {"help", "restore"},
                {"frob"},
                {"checkpoint"},
                {"checkpoint", "2147483647"},
                {"checkpoint", "not-a-pid"},
                {"restore", "x", "--pidns", "bogus"},
                {"restore", "x", "--pidns", "new", "--stdio", "null", "--detach", "--store", store},
                {"ls", "--help"},
                {"ls", "--store", store},
                {"ls", "--json", "--store", store},
                {"inspect", "deadbeef", "--store", store},
                {"rm", "deadbeef", "--store", store},
                {"verify", "--json", "--store", store},
                {"verify", "--quick", "--store", store},
        };
        try {
            for (String[] run : runs) {
                Main.run(run, sink, sink);
            }
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // Like Main: System.exit loads the Runtime.exit logging machinery, which then comes from the cache.
        System.exit(0);
    }
}
