package dev.cryo.tests;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Damage done to one store file on purpose, undone by close(). */
final class Damage implements AutoCloseable {
    private final Path file;
    private final byte[] original;
    private final String what;

    private Damage(Path file, String what) {
        this.file = file;
        this.what = what;
        try {
            this.original = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Flips every bit of the byte in the middle of the file. */
    static Damage flipByte(Path file) {
        Damage d = new Damage(file, "one flipped byte in " + file);
        int at = d.original.length / 2;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            raf.write(d.original[at] ^ 0xFF);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return d;
    }

    /** Flips every bit of the byte at {@code at} (negative: counted from the end, -1 is the last byte). */
    static Damage flipByteAt(Path file, long at) {
        Damage d = new Damage(file, "one flipped byte at " + at + " in " + file);
        long pos = at < 0 ? d.original.length + at : at;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(pos);
            raf.write(d.original[(int) pos] ^ 0xFF);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return d;
    }

    /** Cuts {@code bytes} off the end of the file. */
    static Damage cut(Path file, int bytes) {
        Damage d = new Damage(file, file + " cut by " + bytes + " bytes");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(d.original.length - bytes);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return d;
    }

    /** Cuts the file to half its length. */
    static Damage truncate(Path file) {
        Damage d = new Damage(file, file + " truncated to half");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(d.original.length / 2);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return d;
    }

    Path file() {
        return file;
    }

    @Override
    public String toString() {
        return what;
    }

    @Override
    public void close() {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            raf.write(original);
        } catch (IOException e) {
            throw new AssertionError("cannot undo " + what + ": " + e, e);
        }
    }
}
