package dev.cryo.cli.output;

import dev.cryo.engine.Progress;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Streams that count the bytes going through them and report them as progress of one phase. */
public final class CountingStreams {
    private CountingStreams() {}

    /** Counts what is written to {@code out}. */
    public static final class Out extends FilterOutputStream {
        private final Progress progress;
        private final String phase;
        private long count;

        public Out(OutputStream out, Progress progress, String phase) {
            super(out);
            this.progress = progress;
            this.phase = phase;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            moved(1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            moved(len);
        }

        private void moved(long n) {
            count += n;
            progress.update(phase, count, -1);
        }

        public long count() {
            return count;
        }
    }

    /** Counts what is read from {@code in}. */
    public static final class In extends FilterInputStream {
        private final Progress progress;
        private final String phase;
        private long count;

        public In(InputStream in, Progress progress, String phase) {
            super(in);
            this.progress = progress;
            this.phase = phase;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                moved(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                moved(n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = in.skip(n);
            moved(s);
            return s;
        }

        private void moved(long n) {
            count += n;
            progress.update(phase, count, -1);
        }

        public long count() {
            return count;
        }
    }
}
