package dev.cryo.image.ipc;

/** One message of a SysV queue: its type and its text. */
public record MessageEntry(long type, byte[] text) {}
