package dev.cryo.store.transfer;

import java.nio.charset.StandardCharsets;

/**
 * The export stream: {@code "CRYOEXPT", u32 version, u32 manifestLen, manifest bytes} (verbatim, so the
 * checkpoint keeps its id), then frames {@code u32 chunkCount, u8 codec, u32 rawLen, u32 compLen,
 * chunkCount x u32 chunk length, compressed bytes}, ended by a frame of 0 chunks. Each of the
 * checkpoint's distinct non-zero chunks appears exactly once; every chunk is rehashed on import.
 */
final class TransferFormat {
    static final byte[] MAGIC = "CRYOEXPT".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;

    private TransferFormat() {}
}
