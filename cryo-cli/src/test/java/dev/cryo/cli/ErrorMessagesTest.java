package dev.cryo.cli;

import dev.cryo.engine.EngineException;
import dev.cryo.store.StoreException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrorMessagesTest {

    @Test
    void engineMessagesThatNameTheCommandAreKept() {
        assertEquals("checkpoint: process 12: fd 5: io_uring is not supported",
                ErrorMessages.describe("checkpoint", new EngineException("checkpoint: process 12: fd 5: io_uring is not supported")));
    }

    @Test
    void otherMessagesGetTheCommandInFront() {
        assertEquals("restore: checkpoint 'abc': no such checkpoint",
                ErrorMessages.describe("restore", new StoreException("checkpoint 'abc': no such checkpoint")));
    }

    @Test
    void missingFilesSayWhatIsMissing() {
        assertEquals("ls: /var/lib/cryo/config: no such file or directory",
                ErrorMessages.describe("ls", new NoSuchFileException("/var/lib/cryo/config")));
    }

    @Test
    void deniedAccessSaysPermissionDenied() {
        assertEquals("ls: /var/lib/cryo: permission denied",
                ErrorMessages.describe("ls", new AccessDeniedException("/var/lib/cryo")));
    }

    @Test
    void multiLineMessagesBecomeOneLine() {
        String s = ErrorMessages.describe("verify", new IOException("first\nsecond\r\n  third"));
        assertEquals("verify: first; second; third", s);
    }

    @Test
    void bugsAreFlaggedAsSuch() {
        String s = ErrorMessages.describe("ls", new NullPointerException("x is null"));
        assertTrue(s.startsWith("ls: internal error"), s);
        assertTrue(s.contains("NullPointerException: x is null"), s);
    }
}
