package dev.cryo.linux.proc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountInfoParserTest {

    @Test
    void decodesOctalEscapesInPathsAndSource() {
        // bind mount of "src dir" on "mnt<TAB>point", then a tmpfs named "my src" over it, then made shared
        List<MountInfo> m = MountInfoParser.parse(Fixture.text("mountinfo-escapes.txt"));
        assertEquals(5, m.size());
        MountInfo bind = m.getFirst();
        assertEquals(42, bind.mountId());
        assertEquals(27, bind.parentId());
        assertEquals(new DeviceNumber(254, 0), bind.dev());
        assertEquals("/tmp/procfx/src dir", bind.root());
        assertEquals("/tmp/procfx/mnt\tpoint", bind.mountPoint());
        assertEquals("rw,relatime", bind.mountOptions());
        assertEquals(List.of(), bind.optionalFields());
        assertEquals("ext4", bind.fsType());
        assertEquals("/dev/vda", bind.source());
        assertEquals("rw,discard,resv_strict,resuid=65534,resgid=65534", bind.superOptions());

        MountInfo tmpfs = m.get(2);
        assertEquals("my src", tmpfs.source());
        assertEquals("/", tmpfs.root());
        assertEquals(0, tmpfs.sharedPeerGroup());

        MountInfo shared = m.get(4);
        assertEquals(List.of("shared:1"), shared.optionalFields());
        assertEquals(1, shared.sharedPeerGroup());
        assertEquals(0, shared.masterPeerGroup());
        assertFalse(shared.isReadOnly());
    }

    @Test
    void parsesInitNamespaceTable() {
        List<MountInfo> m = MountInfoParser.parse(Fixture.text("mountinfo-init.txt"));
        MountInfo root = m.stream().filter(x -> x.mountPoint().equals("/")).findFirst().orElseThrow();
        assertEquals("ext4", root.fsType());
        MountInfo ro = m.stream().filter(x -> x.mountOptions().startsWith("ro,")).findFirst().orElseThrow();
        assertTrue(ro.isReadOnly());
    }

    @Test
    void optionalFieldsOfSlaveAndUnbindableMounts() {
        String text = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 propagate_from:4 - ext3 /dev/root rw,errors=continue\n"
                + "37 35 0:5 / /u ro unbindable - proc none rw\n"
                + "38 35 0:5 /a\\134b /x\\012y rw - fuse.sshfs user@host:/a\\040b rw,user_id=0\n";
        List<MountInfo> m = MountInfoParser.parse(text);
        assertEquals(1, m.get(0).masterPeerGroup());
        assertEquals(List.of("master:1", "propagate_from:4"), m.get(0).optionalFields());
        assertEquals(new DeviceNumber(98, 0), m.get(0).dev());
        assertTrue(m.get(1).isUnbindable());
        assertTrue(m.get(1).isReadOnly());
        assertEquals("none", m.get(1).source());
        assertEquals("/a\\b", m.get(2).root());
        assertEquals("/x\ny", m.get(2).mountPoint());
        assertEquals("fuse.sshfs", m.get(2).fsType());
        assertEquals("user@host:/a b", m.get(2).source());
    }

    @Test
    void ownMountsMatchTheFilesystem() throws Exception {
        List<MountInfo> m = MountInfoParser.read(OwnFds.pid());
        MountInfo proc = m.stream().filter(x -> x.mountPoint().equals("/proc")).findFirst().orElseThrow();
        assertEquals("proc", proc.fsType());
        // mnt_id of an fdinfo names a mountinfo line
        Path self = Path.of("/proc/self/mountinfo");
        try (var ch = java.nio.channels.FileChannel.open(self)) {
            int fd = OwnFds.withLink(self.toRealPath().toString()).getFirst();
            int mntId = FdInfoParser.read(OwnFds.pid(), fd).mntId();
            assertTrue(m.stream().anyMatch(x -> x.mountId() == mntId && x.fsType().equals("proc")),
                    "fdinfo mnt_id " + mntId + " is a proc mount");
            assertTrue(ch.isOpen());
        }
        assertTrue(Files.exists(Path.of(proc.mountPoint())));
    }
}
