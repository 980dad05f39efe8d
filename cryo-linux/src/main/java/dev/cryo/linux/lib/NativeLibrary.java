package dev.cryo.linux.lib;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * A system shared library looked up by its soname, or its absence (then every handle is absent too).
 * Handles are critical downcalls: the functions bound here are short, never block and never call back,
 * so the JVM may pass heap arrays straight to them and skip the thread-state transition.
 */
final class NativeLibrary {
    private static final Linker LINKER = Linker.nativeLinker();
    private final SymbolLookup lookup;
    private final String soname;

    private NativeLibrary(String soname, SymbolLookup lookup) {
        this.soname = soname;
        this.lookup = lookup;
    }

    static NativeLibrary load(String soname) {
        SymbolLookup lookup;
        try {
            lookup = SymbolLookup.libraryLookup(soname, Arena.global());
        } catch (IllegalArgumentException e) {
            lookup = null; // not installed
        }
        return new NativeLibrary(soname, lookup);
    }

    boolean present() {
        return lookup != null;
    }

    String soname() {
        return soname;
    }

    Optional<MethodHandle> critical(String name, FunctionDescriptor fd) {
        if (lookup == null) {
            return Optional.empty();
        }
        return lookup.find(name).map(f -> LINKER.downcallHandle(f, fd, Linker.Option.critical(true)));
    }
}
