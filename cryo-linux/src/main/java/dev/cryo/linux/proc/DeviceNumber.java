package dev.cryo.linux.proc;

/**
 * A device number as major and minor, the form /proc prints as "fe:00" or "254:0". fdinfo prints some device
 * numbers raw instead ("sdev:fe00000"): that is the kernel-internal dev_t, 12 bits of major above 20 bits of
 * minor, which {@link #fromKernel} splits.
 */
public record DeviceNumber(int major, int minor) {

    public static final DeviceNumber NONE = new DeviceNumber(0, 0);

    private static final int KERNEL_MINOR_BITS = 20;

    /** Splits a kernel-internal dev_t (MINORBITS = 20), as printed in hex by fdinfo's sdev fields. */
    public static DeviceNumber fromKernel(long dev) {
        return new DeviceNumber((int) (dev >>> KERNEL_MINOR_BITS), (int) (dev & ((1 << KERNEL_MINOR_BITS) - 1)));
    }

    /** The userspace dev_t encoding (glibc makedev), as st_dev and st_rdev report it. */
    public long toUserDev() {
        long ma = major & 0xffffffffL;
        long mi = minor & 0xffffffffL;
        return (ma & 0xfffff000L) << 32 | (ma & 0xfffL) << 8 | (mi & 0xffffff00L) << 12 | (mi & 0xffL);
    }

    /** Parses "MAJ:MIN" with both parts in the given radix (16 in maps and locks, 10 in mountinfo). */
    static DeviceNumber parse(String text, int from, int to, int radix) {
        int colon = ProcText.indexOf(text, ':', from, to);
        if (colon < 0) {
            throw new ProcFormatException("expected major:minor", text, from);
        }
        long major = radix == 16 ? ProcText.hex(text, from, colon) : ProcText.decimal(text, from, colon);
        long minor = radix == 16 ? ProcText.hex(text, colon + 1, to) : ProcText.decimal(text, colon + 1, to);
        return new DeviceNumber((int) major, (int) minor);
    }

    @Override
    public String toString() {
        return major + ":" + minor;
    }
}
