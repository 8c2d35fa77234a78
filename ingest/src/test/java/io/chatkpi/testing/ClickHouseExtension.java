package io.chatkpi.testing;

import io.chatkpi.ingest.stack.ClickHouseClient;
import io.chatkpi.ingest.stack.ClickHouseServer;
import io.chatkpi.ingest.stack.Schema;
import io.chatkpi.ingest.stack.SqlLiteral;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real ClickHouse server for tests: ONE server per test JVM, started when the first class needs it (or the server
 * of {@code CHATKPI_CLICKHOUSE_URL}), and a FRESH database per test class with the schema migrated, dropped after
 * the class. Resolves {@link ClickHouseTestDatabase} and {@link ClickHouseClient} (bound to that database)
 * parameters, in test methods, constructors and {@code @BeforeAll} methods.
 *
 * <p>ClickHouse must be installed: without it the tests FAIL with a message that says what to install (./chatkpi
 * test installs it). They are never skipped.
 *
 * <pre>{@code
 * @ExtendWith(ClickHouseExtension.class)
 * class SessionEventsTest {
 *     @Test void lands(ClickHouseClient clickHouse) { ... clickHouse.queryLong("SELECT count() FROM session_events") }
 * }
 * }</pre>
 */
public final class ClickHouseExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
        ClickHouseExtension.class);
    private static final String SERVER = "server";
    private static final String DATABASE = "database";

    @Override
    public void beforeAll(ExtensionContext context) {
        database(context);
    }

    /** The server of this test run, started if need be. */
    public static SharedServer server(ExtensionContext context) {
        SharedServer shared = context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent(SERVER, key -> SharedServer.start(), SharedServer.class);
        return shared.get();
    }

    private static ClickHouseTestDatabase database(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        SharedServer server = server(context);
        ExtensionContext owner = classContext;
        TestDatabase db = owner.getStore(NAMESPACE).getOrComputeIfAbsent(DATABASE,
            key -> TestDatabase.create(server, owner.getRequiredTestClass()), TestDatabase.class);
        return db.database;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ClickHouseTestDatabase.class || type == ClickHouseClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ClickHouseTestDatabase db;
        try {
            db = database(context);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
        return parameter.getParameter().getType() == ClickHouseClient.class ? db.client() : db;
    }

    /**
     * The server shared by every test class of the JVM; closed by JUnit at the end of the run (root store), and by
     * {@link ClickHouseServer}'s shutdown hook should the JVM end otherwise. A failed start is remembered, so every
     * class fails at once with the same message instead of trying again.
     */
    public static final class SharedServer implements AutoCloseable {
        private final ClickHouseServer server;
        private final ClickHouseClient admin;
        private final RuntimeException failure;
        private final Path dir;

        private SharedServer(ClickHouseServer server, ClickHouseClient admin, RuntimeException failure, Path dir) {
            this.server = server;
            this.admin = admin;
            this.failure = failure;
            this.dir = dir;
        }

        static SharedServer start() {
            Path dir = null;
            try {
                ClickHouseServer server = ClickHouseServer.fromEnvironment().orElse(null);
                if (server == null) {
                    dir = TestDirectories.fresh("clickhouse-test");
                    server = ClickHouseServer.start(dir, false, 0);
                }
                return new SharedServer(server, ClickHouseClient.connect(server.url()), null, dir);
            } catch (RuntimeException e) {
                return new SharedServer(null, null, new IllegalStateException(
                    "ClickHouse for tests could not be started: " + e.getMessage(), e), dir);
            }
        }

        SharedServer get() {
            if (failure != null) {
                throw failure;
            }
            return this;
        }

        public String url() {
            return server.url();
        }

        /** A client of the server as {@code default}, with no current database. */
        public ClickHouseClient admin() {
            return admin;
        }

        @Override
        public void close() {
            if (admin != null) {
                // Clients first: the server's SIGTERM waits for open keep-alive connections.
                admin.close();
            }
            if (server != null) {
                server.close();
            }
            if (dir != null) {
                TestDirectories.deleteRecursively(dir);
            }
        }
    }

    /** One test class's database; dropped when the class is done. */
    static final class TestDatabase implements AutoCloseable {
        private final SharedServer server;
        private final ClickHouseTestDatabase database;

        private TestDatabase(SharedServer server, ClickHouseTestDatabase database) {
            this.server = server;
            this.database = database;
        }

        static TestDatabase create(SharedServer server, Class<?> testClass) {
            String name = databaseName(testClass);
            Schema.migrate(server.admin(), name);
            ClickHouseClient client = ClickHouseClient.connect(server.url(), name);
            return new TestDatabase(server, new ClickHouseTestDatabase(server.url(), name, client));
        }

        static String databaseName(Class<?> testClass) {
            String base = testClass.getSimpleName().replaceAll("[^A-Za-z0-9]", "_").toLowerCase(Locale.ROOT);
            if (base.length() > 40) {
                base = base.substring(0, 40);
            }
            return "t_" + base + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        }

        @Override
        public void close() {
            database.client().close();
            server.admin().execute("DROP DATABASE IF EXISTS " + SqlLiteral.identifier(database.database()));
        }
    }
}
