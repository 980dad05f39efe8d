package dev.cryo.linux.proc;

/**
 * One (type, value) pair of the ELF auxiliary vector (/proc/PID/auxv). Values are addresses or numbers depending
 * on the type: AT_ENTRY, AT_PHDR, AT_RANDOM, AT_EXECFN, AT_SYSINFO_EHDR are addresses in the process.
 */
public record AuxvEntry(long type, long value) {

    public static final long AT_NULL = 0;
    public static final long AT_PHDR = 3;
    public static final long AT_PAGESZ = 6;
    public static final long AT_BASE = 7;
    public static final long AT_ENTRY = 9;
    public static final long AT_UID = 11;
    public static final long AT_HWCAP = 16;
    public static final long AT_CLKTCK = 17;
    public static final long AT_SECURE = 23;
    public static final long AT_RANDOM = 25;
    public static final long AT_HWCAP2 = 26;
    public static final long AT_EXECFN = 31;
    public static final long AT_SYSINFO_EHDR = 33;
    public static final long AT_MINSIGSTKSZ = 51;

    /** The AT_* name for display ("AT_PAGESZ"), or "AT_" and the number for a type this table does not know. */
    public String name() {
        return nameOf(type);
    }

    public static String nameOf(long type) {
        return switch ((int) type) {
            case 0 -> "AT_NULL";
            case 1 -> "AT_IGNORE";
            case 2 -> "AT_EXECFD";
            case 3 -> "AT_PHDR";
            case 4 -> "AT_PHENT";
            case 5 -> "AT_PHNUM";
            case 6 -> "AT_PAGESZ";
            case 7 -> "AT_BASE";
            case 8 -> "AT_FLAGS";
            case 9 -> "AT_ENTRY";
            case 10 -> "AT_NOTELF";
            case 11 -> "AT_UID";
            case 12 -> "AT_EUID";
            case 13 -> "AT_GID";
            case 14 -> "AT_EGID";
            case 15 -> "AT_PLATFORM";
            case 16 -> "AT_HWCAP";
            case 17 -> "AT_CLKTCK";
            case 23 -> "AT_SECURE";
            case 24 -> "AT_BASE_PLATFORM";
            case 25 -> "AT_RANDOM";
            case 26 -> "AT_HWCAP2";
            case 27 -> "AT_RSEQ_FEATURE_SIZE";
            case 28 -> "AT_RSEQ_ALIGN";
            case 29 -> "AT_HWCAP3";
            case 30 -> "AT_HWCAP4";
            case 31 -> "AT_EXECFN";
            case 32 -> "AT_SYSINFO";
            case 33 -> "AT_SYSINFO_EHDR";
            case 51 -> "AT_MINSIGSTKSZ";
            default -> "AT_" + Long.toUnsignedString(type);
        };
    }

    @Override
    public String toString() {
        return name() + "=0x" + Long.toHexString(value);
    }
}
