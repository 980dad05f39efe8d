package dev.cryo.engine;

import dev.cryo.image.CpuEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this machine that a checkpoint records and a restore compares. */
public final class HostFacts {
    /** struct _fpx_sw_bytes sits at offset 464 of the xsave area; FP_XSTATE_MAGIC1 marks it valid. */
    private static final int SW_BYTES = 464, MAGIC1 = 0x46505853;

    private HostFacts() {}

    public static String hostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    public static String kernelRelease() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    }

    /** The state components (XCR0) an xsave area was written with, from its software-reserved bytes. */
    public static long xfeatures(byte[] xstate) {
        ByteBuffer b = ByteBuffer.wrap(xstate).order(ByteOrder.LITTLE_ENDIAN);
        if (xstate.length >= SW_BYTES + 24 && b.getInt(SW_BYTES) == MAGIC1) return b.getLong(SW_BYTES + 8);
        return 3; // legacy x87 + SSE only
    }

    public static CpuEntry cpu(byte[] xstate) throws IOException {
        String vendor = "", model = "";
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (vendor.isEmpty() && line.startsWith("vendor_id")) vendor = line.substring(line.indexOf(':') + 1).strip();
            if (model.isEmpty() && line.startsWith("model name")) model = line.substring(line.indexOf(':') + 1).strip();
            if (!vendor.isEmpty() && !model.isEmpty()) break;
        }
        return new CpuEntry(vendor, model, xfeatures(xstate), xstate.length);
    }
}
