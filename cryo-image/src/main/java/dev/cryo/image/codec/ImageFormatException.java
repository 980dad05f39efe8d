package dev.cryo.image.codec;

/** The image bytes are not a checkpoint this version of Cryo can read. */
public final class ImageFormatException extends Exception {
    public ImageFormatException(String message) {
        super(message);
    }

    public ImageFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
