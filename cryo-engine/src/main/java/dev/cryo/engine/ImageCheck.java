package dev.cryo.engine;

import dev.cryo.image.Checkpoint;
import dev.cryo.image.fd.FdEntry;
import dev.cryo.image.fd.RegularFileFd;
import dev.cryo.image.ipc.SemSetEntry;
import dev.cryo.image.ipc.SemUndoEntry;
import dev.cryo.image.mm.VmaEntry;
import dev.cryo.image.mm.VmaKind;
import dev.cryo.image.task.ProcessEntry;
import dev.cryo.linux.proc.MapsEntry;
import dev.cryo.linux.proc.MapsParser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a restore checks before it creates any process: that this machine can run the image (CPU
 * state components, vdso layout) and that every file the image refers to is there as it was.
 */
final class ImageCheck {
    private ImageCheck() {}

    static void verify(Checkpoint image) throws EngineException, IOException {
        long missing = image.cpu().xfeatures() & ~HostFacts.currentXfeatures();
        if (missing != 0) {
            throw new EngineException("restore: this CPU lacks register state the checkpoint uses ("
                    + HostFacts.describeXfeatures(missing) + "; checkpointed on " + image.cpu().model() + ")");
        }
        for (ProcessEntry p : image.processes()) {
            if (p.zombie()) continue; // nothing of it but its exit status
            checkVdso(p);
            checkSemUndo(image, p);
            if (!Files.exists(Path.of(p.mm().exe()))) {
                throw new EngineException("restore: pid " + p.pid() + ": its executable " + p.mm().exe() + " is missing");
            }
            for (VmaEntry v : p.vmas()) {
                boolean recreatable = v.ghostBlob() != null; // saved with the checkpoint: re-created if missing
                if ((v.kind() == VmaKind.FILE_PRIVATE || v.kind() == VmaKind.FILE_SHARED) && !recreatable
                        && !Files.exists(Path.of(v.path()))) {
                    throw new EngineException("restore: pid " + p.pid() + ": mapped file " + v.path() + " is missing");
                }
            }
            for (FdEntry e : p.fds()) {
                if (e instanceof RegularFileFd f && f.ghostBlob() == null) {
                    Path path = Path.of(f.path());
                    if (!Files.exists(path)) {
                        throw new EngineException("restore: pid " + p.pid() + ": fd " + f.fd() + ": file " + f.path() + " is missing");
                    }
                    if (Files.isRegularFile(path) && Files.size(path) < f.size() && Files.size(path) < f.position()) {
                        throw new EngineException("restore: pid " + p.pid() + ": fd " + f.fd() + ": file " + f.path()
                                + " shrank since the checkpoint (" + f.size() + " bytes then, " + Files.size(path) + " now)");
                    }
                }
            }
        }
    }

    /** Each SEM_UNDO adjustment must name a semaphore the image re-creates, and be one the kernel can hold. */
    private static void checkSemUndo(Checkpoint image, ProcessEntry p) throws EngineException {
        for (SemUndoEntry a : p.semUndo()) {
            SemSetEntry set = image.ipc() == null ? null : image.ipc().semaphores().stream()
                    .filter(s -> s.owner().id() == a.semid()).findFirst().orElse(null);
            if (set == null || a.semnum() < 0 || a.semnum() >= set.values().length || a.adjustment() == 0
                    || a.adjustment() < Short.MIN_VALUE || a.adjustment() > Short.MAX_VALUE) {
                throw new EngineException("restore: pid " + p.pid() + ": SEM_UNDO adjustment " + a.adjustment()
                        + " of SysV semaphore " + a.semid() + "/" + a.semnum() + " does not match the image's sets");
            }
        }
    }

    /** The vdso and vvar are the kernel's: a restore can move them, not change their size. */
    private static void checkVdso(ProcessEntry p) throws EngineException, IOException {
        List<VmaEntry> want = p.vmas().stream().filter(v -> v.kind() == VmaKind.VDSO || v.kind() == VmaKind.VVAR).toList();
        List<MapsEntry> have = MapsParser.read((int) ProcessHandle.current().pid()).stream().filter(MapsEntry::isVdsoOrVvar).toList();
        boolean same = want.size() == have.size();
        for (int i = 0; same && i < want.size(); i++) {
            same = want.get(i).length() == have.get(i).length() && want.get(i).path().equals(have.get(i).path());
        }
        if (!same) {
            throw new EngineException("restore: pid " + p.pid() + ": the kernel's vdso differs from the one at checkpoint time"
                    + " (checkpointed on a different kernel?)");
        }
    }
}
