package dev.cryo.tests;

import java.nio.file.Path;
import java.util.List;

/**
 * A bash pipeline of several processes: a generator subshell (forking and exec'ing sleep all the
 * time) writes numbers through cat into a checker subshell, which prints a tick per number and FAIL
 * when one is missing or out of order: the pipes' bytes in flight must survive, in order.
 */
class PipelineIT extends CheckpointRestoreContract {
    private static final String SCRIPT = """
            n=0
            while :; do echo $n; n=$((n+1)); sleep 0.05; done | cat | (
              want=0
              while read v; do
                if [ "$v" != "$want" ]; then echo "FAIL got $v, expected $want"; exit 1; fi
                want=$((want+1))
                echo "tick $want ok pid=$$"
              done
              echo "FAIL the pipeline ended"
            )
            """;

    @Override
    List<String> command(Path dir) {
        return List.of("/bin/bash", "-c", SCRIPT);
    }
}
