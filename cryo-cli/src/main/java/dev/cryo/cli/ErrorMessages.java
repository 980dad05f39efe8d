package dev.cryo.cli;

import dev.cryo.engine.EngineException;
import dev.cryo.store.StoreException;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns an exception into the one line after "cryo: ": {@code <what failed>: <why>}. Our own exceptions
 * already say both; the JDK's file exceptions name only the file, so the reason is added here.
 */
public final class ErrorMessages {
    private ErrorMessages() {}

    /** @param command the verb that failed, prefixed unless the message already starts with it */
    public static String describe(String command, Throwable ex) {
        String body = UsageErrorHandler.oneLine(reason(ex));
        if (command == null || command.equals("cryo") || body.startsWith(command + ":")) {
            return body;
        }
        return command + ": " + body;
    }

    private static String reason(Throwable ex) {
        return switch (ex) {
            case EngineException e -> message(e);
            case StoreException e -> message(e);
            case CliException e -> message(e);
            case NoSuchFileException e -> fileProblem(e, "no such file or directory");
            case AccessDeniedException e -> fileProblem(e, "permission denied");
            case FileAlreadyExistsException e -> fileProblem(e, "already exists");
            case NotDirectoryException e -> fileProblem(e, "not a directory");
            case DirectoryNotEmptyException e -> fileProblem(e, "directory not empty");
            case FileSystemException e -> fileProblem(e, e.getReason() == null ? "failed" : e.getReason());
            case IOException e -> message(e);
            case InterruptedException e -> "interrupted";
            case OutOfMemoryError e -> "out of memory (" + message(e) + ")";
            default -> "internal error (a bug in cryo, please report it with --verbose output): "
                    + ex.getClass().getName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
        };
    }

    private static String fileProblem(FileSystemException e, String why) {
        String file = e.getFile();
        if (e.getOtherFile() != null) {
            file = file + " -> " + e.getOtherFile();
        }
        return file == null ? why : file + ": " + why;
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
