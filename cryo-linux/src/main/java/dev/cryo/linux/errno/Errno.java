package dev.cryo.linux.errno;

/**
 * Linux errno values (x86_64 kernel ABI: a fixed table, so no lookup through C is needed), plus the
 * kernel-internal restart codes that show up in the rax of a task stopped inside a syscall.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"), ENOENT(2, "No such file or directory"), ESRCH(3, "No such process"),
    EINTR(4, "Interrupted system call"), EIO(5, "Input/output error"), ENXIO(6, "No such device or address"),
    E2BIG(7, "Argument list too long"), ENOEXEC(8, "Exec format error"), EBADF(9, "Bad file descriptor"),
    ECHILD(10, "No child processes"), EAGAIN(11, "Resource temporarily unavailable"), ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"), EFAULT(14, "Bad address"), EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"), EXDEV(18, "Invalid cross-device link"), ENODEV(19, "No such device"),
    ENOTDIR(20, "Not a directory"), EISDIR(21, "Is a directory"), EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"), EMFILE(24, "Too many open files"),
    ENOTTY(25, "Inappropriate ioctl for device"), EFBIG(27, "File too large"), ENOSPC(28, "No space left on device"),
    ESPIPE(29, "Illegal seek"), EROFS(30, "Read-only file system"), EPIPE(32, "Broken pipe"),
    ERANGE(34, "Numerical result out of range"), EDEADLK(35, "Resource deadlock avoided"),
    ENAMETOOLONG(36, "File name too long"), ENOSYS(38, "Function not implemented"),
    ENOTEMPTY(39, "Directory not empty"), ELOOP(40, "Too many levels of symbolic links"),
    ENODATA(61, "No data available"), EOVERFLOW(75, "Value too large for defined data type"),
    ENOTSOCK(88, "Socket operation on non-socket"), EOPNOTSUPP(95, "Operation not supported"),
    EADDRINUSE(98, "Address already in use"), ECONNREFUSED(111, "Connection refused"),
    /* Kernel-internal: never returned to user space, but visible to a tracer in a stopped task's rax. */
    ERESTARTSYS(512, "restart syscall"), ERESTARTNOINTR(513, "restart syscall (no interrupt)"),
    ERESTARTNOHAND(514, "restart syscall if no handler"), ERESTART_RESTARTBLOCK(516, "restart via restart_syscall"),
    UNKNOWN(-1, "Unknown error");

    private static final Errno[] BY_NUMBER = new Errno[517];

    static {
        for (Errno e : values()) {
            if (e.number > 0) {
                BY_NUMBER[e.number] = e;
            }
        }
    }

    private final int number;
    private final String description;

    Errno(int number, String description) {
        this.number = number;
        this.description = description;
    }

    public int number() {
        return number;
    }

    public String description() {
        return description;
    }

    public static Errno of(int number) {
        Errno e = number > 0 && number < BY_NUMBER.length ? BY_NUMBER[number] : null;
        return e == null ? UNKNOWN : e;
    }

    /** The text for an errno number, also for numbers not in the table. */
    public static String describe(int number) {
        Errno e = of(number);
        return e == UNKNOWN ? "errno " + number : e.description;
    }
}
