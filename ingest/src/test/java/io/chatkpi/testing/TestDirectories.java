package io.chatkpi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where the test servers keep their files: under the module's target/, one directory per test JVM. */
final class TestDirectories {

    private TestDirectories() {
    }

    static Path fresh(String name) {
        Path dir = Path.of("target", name + "-" + ProcessHandle.current().pid()).toAbsolutePath();
        deleteRecursively(dir);
        return dir;
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // A leftover under target/ is harmless; mvn clean removes it.
            System.err.println("chatkpi tests: cannot delete " + dir + ": " + e);
        }
    }
}
