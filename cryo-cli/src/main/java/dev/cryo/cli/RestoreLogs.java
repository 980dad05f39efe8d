package dev.cryo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Where `restore --stdio log` sends output: {@code <store>/logs/<checkpoint>-<time>.log}. Kept with the
 * store (like `cryo run` keeps a group's log), in a 0700 directory: a process's output is its data.
 */
final class RestoreLogs {
    private RestoreLogs() {}

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    static Path newLog(Path storeDir, String ref) throws IOException {
        Path dir = storeDir.resolve("logs");
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        String safe = ref.replaceAll("[^A-Za-z0-9._-]", "_");
        Path log = dir.resolve(safe + "-" + LocalDateTime.now().format(STAMP) + ".log");
        Files.createFile(log, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        return log;
    }
}
