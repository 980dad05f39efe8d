package dev.cryo.engine.freeze;

import dev.cryo.linux.ptrace.UserRegs;

import java.util.List;
import java.util.Map;

/**
 * A process whose every thread sits in a ptrace stop, with the registers each had when it stopped
 * (what must be put back when it resumes).
 */
public record FrozenProcess(int pid, List<Integer> tids, Map<Integer, UserRegs> registers) {
}
