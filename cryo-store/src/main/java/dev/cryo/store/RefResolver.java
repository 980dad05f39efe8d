package dev.cryo.store;

import java.util.Comparator;
import java.util.List;

/**
 * Resolves what a user typed to one checkpoint id, like git: a full id, an unambiguous hex prefix, or a
 * name (meaning the newest checkpoint with that name label). An exact id wins over everything, then a
 * name, then a prefix.
 */
public final class RefResolver {
    private RefResolver() {}

    public static String resolve(String ref, List<CheckpointInfo> all) throws StoreException {
        if (ref == null || ref.isBlank()) {
            throw new StoreException("checkpoint '': no checkpoint given");
        }
        for (CheckpointInfo c : all) {
            if (c.id().equals(ref)) {
                return c.id();
            }
        }
        CheckpointInfo newestNamed = all.stream()
                .filter(c -> c.name().equals(ref))
                .max(Comparator.comparing(CheckpointInfo::created).thenComparing(CheckpointInfo::id))
                .orElse(null);
        if (newestNamed != null) {
            return newestNamed.id();
        }
        String lower = ref.toLowerCase(java.util.Locale.ROOT);
        List<CheckpointInfo> matches = lower.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)
                ? all.stream().filter(c -> c.id().startsWith(lower)).toList()
                : List.of();
        if (matches.size() == 1) {
            return matches.getFirst().id();
        }
        if (matches.isEmpty()) {
            throw new StoreException("checkpoint '" + ref + "': no such checkpoint");
        }
        throw new StoreException("checkpoint '" + ref + "': ambiguous prefix (matches " + matches.size() + " checkpoints)");
    }
}
