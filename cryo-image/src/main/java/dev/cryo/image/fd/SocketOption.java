package dev.cryo.image.fd;

/** One socket option as getsockopt gave it (level SOL_SOCKET, IPPROTO_TCP...; the value's raw bytes). */
public record SocketOption(int level, int name, byte[] value) {
}
