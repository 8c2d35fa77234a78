package io.chatkpi.testing;

import io.chatkpi.ingest.stack.KafkaBroker;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real single-node Kafka broker (KRaft, in this JVM) for tests: ONE broker per test JVM, started when the first
 * class needs it, stopped at the end of the run. Resolves {@link KafkaBroker} parameters; tests isolate themselves
 * by topic names (and consumer group ids) of their own.
 */
public final class KafkaExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
        KafkaExtension.class);
    private static final String BROKER = "broker";

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    /** The broker of this test run, started if need be. */
    public static KafkaBroker broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
            .getOrComputeIfAbsent(BROKER, key -> SharedBroker.start(), SharedBroker.class).get();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == KafkaBroker.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        try {
            return broker(context);
        } catch (RuntimeException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /** Closed by JUnit at the end of the run (root store); a failed start is remembered for every later class. */
    static final class SharedBroker implements AutoCloseable {
        private final KafkaBroker broker;
        private final RuntimeException failure;
        private final java.nio.file.Path dir;

        private SharedBroker(KafkaBroker broker, RuntimeException failure, java.nio.file.Path dir) {
            this.broker = broker;
            this.failure = failure;
            this.dir = dir;
        }

        static SharedBroker start() {
            java.nio.file.Path dir = TestDirectories.fresh("kafka-test");
            try {
                return new SharedBroker(KafkaBroker.start(dir), null, dir);
            } catch (RuntimeException e) {
                return new SharedBroker(null, new IllegalStateException(
                    "the Kafka broker for tests could not be started: " + e.getMessage(), e), dir);
            }
        }

        KafkaBroker get() {
            if (failure != null) {
                throw failure;
            }
            return broker;
        }

        @Override
        public void close() {
            if (broker != null) {
                broker.close();
            }
            TestDirectories.deleteRecursively(dir);
        }
    }
}
