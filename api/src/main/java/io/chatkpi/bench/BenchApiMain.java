package io.chatkpi.bench;

import io.chatkpi.api.ApiMain;

/**
 * The API process the bench starts: {@link ApiMain#main}, exactly as {@code ./chatkpi api} runs it, plus one thing a
 * child process needs: it ends when the JVM that started it ends. The bench stops it itself (SIGTERM, also from its
 * shutdown hook on Ctrl-C), but a bench JVM killed with SIGKILL runs no hook, and the API must not outlive it.
 */
public final class BenchApiMain {

    private BenchApiMain() {}

    public static void main(String[] args) throws Exception {
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("chatkpi api: the bench JVM (pid " + parent.pid() + ") ended; stopping");
            // runs ApiMain's shutdown hook, which stops the server, the EWT feed and the ClickHouse clients
            System.exit(0);
        }));
        ApiMain.main(args);
    }
}
