package dev.cryo.linux.proc;

import java.util.List;

/**
 * One line of /proc/PID/mountinfo (proc.rst, "3.5 /proc/&lt;pid&gt;/mountinfo"):
 * {@code 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue}. Path-like fields are
 * decoded (\040 is a space, \011 a tab, \012 a newline, \134 a backslash).
 *
 * @param mountId        unique id of the mount (reusable after umount)
 * @param parentId       id of the parent mount (itself for the root of the namespace)
 * @param dev            st_dev of files on this filesystem
 * @param root           the directory of the filesystem mounted here (not "/" for bind mounts)
 * @param mountPoint     relative to the reader's root
 * @param mountOptions   per-mount options (rw, nosuid, relatime...)
 * @param optionalFields "shared:N", "master:N", "propagate_from:N", "unbindable"
 * @param fsType         "type" or "type.subtype"
 * @param source         filesystem-specific source, "none" if none
 * @param superOptions   per-superblock options
 */
public record MountInfo(int mountId, int parentId, DeviceNumber dev, String root, String mountPoint,
                        String mountOptions, List<String> optionalFields, String fsType, String source,
                        String superOptions) {

    /** Peer group this mount shares events with, 0 if private. */
    public int sharedPeerGroup() {
        return tagged("shared:");
    }

    /** Peer group this mount receives events from (slave mount), 0 if none. */
    public int masterPeerGroup() {
        return tagged("master:");
    }

    public boolean isUnbindable() {
        return optionalFields.contains("unbindable");
    }

    public boolean isReadOnly() {
        return mountOptions.equals("ro") || mountOptions.startsWith("ro,");
    }

    private int tagged(String tag) {
        for (String f : optionalFields) {
            if (f.startsWith(tag)) {
                return Integer.parseInt(f, tag.length(), f.length(), 10);
            }
        }
        return 0;
    }
}
