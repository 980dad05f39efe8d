package dev.cryo.store;

import java.io.IOException;

/** A store-level failure whose message is one line, ready for the user: "what: why". */
public class StoreException extends IOException {
    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
