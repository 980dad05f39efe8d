package dev.cryo.linux.proc;

/**
 * Walks the {@code key:value} pairs of one line, as fdinfo prints them in both spellings: {@code pos:0} and
 * {@code events:       1c}. One cursor is reused across lines; nothing is allocated per pair.
 */
final class PairCursor {

    private String text;
    private int at;
    private int to;
    int keyFrom;
    int keyTo;
    int valueFrom;
    int valueTo;

    PairCursor reset(String text, int from, int to) {
        this.text = text;
        this.at = from;
        this.to = to;
        return this;
    }

    /** Advances to the next pair; false at the end of the line. Tokens without ':' are skipped. */
    boolean next() {
        while (true) {
            int i = ProcText.skipBlanks(text, at, to);
            if (i >= to) {
                at = to;
                return false;
            }
            int e = ProcText.tokenEnd(text, i, to);
            int colon = ProcText.indexOf(text, ':', i, e);
            at = e;
            if (colon < 0) {
                continue;
            }
            keyFrom = i;
            keyTo = colon;
            if (colon + 1 < e) {
                valueFrom = colon + 1;
                valueTo = e;
            } else {
                valueFrom = ProcText.skipBlanks(text, e, to);
                valueTo = ProcText.tokenEnd(text, valueFrom, to);
                at = valueTo;
            }
            return true;
        }
    }

    boolean keyIs(String key) {
        return keyTo - keyFrom == key.length() && text.startsWith(key, keyFrom);
    }

    long hex() {
        return ProcText.hex(text, valueFrom, valueTo);
    }

    long decimal() {
        return ProcText.decimal(text, valueFrom, valueTo);
    }

    byte[] hexBytes() {
        return ProcText.hexBytes(text, valueFrom, valueTo);
    }
}
