package dev.cryo.engine;

import dev.cryo.image.CpuEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Facts about this machine that a checkpoint records and a restore compares. */
public final class HostFacts {
    /**
     * In the xsave area ptrace (and a core dump) gives, the software-reserved bytes start with XCR0: the
     * state components enabled when it was saved (gdb's I386_LINUX_XSAVE_XCR0_OFFSET). Signal frames use
     * these bytes differently (struct _fpx_sw_bytes), but those never reach us.
     */
    private static final int XCR0_OFFSET = 464;

    private HostFacts() {}

    public static String hostname() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }

    public static String kernelRelease() throws IOException {
        return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
    }

    /** The state components (XCR0) an xsave area was written with, from its software-reserved bytes. */
    public static long xfeatures(byte[] xstate) {
        if (xstate.length < XCR0_OFFSET + 8) return 3; // a legacy FXSAVE area: x87 + SSE only
        return ByteBuffer.wrap(xstate).order(ByteOrder.LITTLE_ENDIAN).getLong(XCR0_OFFSET);
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

    /**
     * The xsave state components this CPU and kernel offer, from /proc/cpuinfo's flags (x87 and SSE
     * always; AVX, MPX, AVX-512, PKRU, AMX when listed).
     */
    public static long currentXfeatures() throws IOException {
        java.util.Set<String> flags = java.util.Set.of();
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags")) {
                flags = java.util.Set.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+"));
                break;
            }
        }
        long x = 3;
        if (flags.contains("avx")) x |= 1L << 2;
        if (flags.contains("mpx")) x |= 3L << 3;
        if (flags.contains("avx512f")) x |= 7L << 5;
        if (flags.contains("ospke") || flags.contains("pku")) x |= 1L << 9;
        if (flags.contains("amx_tile")) x |= 3L << 17;
        return x;
    }

    /** Names of xsave components, for messages. */
    public static String describeXfeatures(long x) {
        String[] names = {"x87", "SSE", "AVX", "MPX-BNDREGS", "MPX-BNDCSR", "AVX-512 opmask", "AVX-512 ZMM_Hi256",
                "AVX-512 Hi16_ZMM", "PT", "PKRU", "PASID", "CET-U", "CET-S", "HDC", "UINTR", "LBR", "HWP", "AMX TILECFG",
                "AMX TILEDATA"};
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            if ((x & (1L << i)) != 0) b.append(b.isEmpty() ? "" : ", ").append(i < names.length ? names[i] : "bit " + i);
        }
        return b.toString();
    }
}
