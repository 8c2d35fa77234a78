package io.chatkpi.ingest.stack;

import java.nio.file.Path;

/** Starts a server owned by this JVM, prints its pid and waits to be killed (ClickHouseServerTest). */
public final class ServerOwnerMain {

    private ServerOwnerMain() {}

    public static void main(String[] args) throws Exception {
        ClickHouseServer server = ClickHouseServer.start(Path.of(args[0]), false, 0);
        System.out.println("pid " + server.pid().value());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
