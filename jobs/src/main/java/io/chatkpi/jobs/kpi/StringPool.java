package io.chatkpi.jobs.kpi;

import java.util.HashMap;
import java.util.Map;

/**
 * One instance per distinct value for the few-valued Strings an operator keeps in its heap state (queue, rep,
 * topic, kind, detail): every event or row decoded from the network brings its own copies, and keeping one
 * String (with its byte[]) per stored value instead of per stored record cuts what the garbage collector copies.
 * Bounded: past {@code maxValues} distinct values it starts over, so a stream with ever new values (an id where a
 * few values were expected) cannot grow it; values already in state keep whichever instance they have. Not
 * thread-safe; one per operator instance, not state.
 */
final class StringPool {

    static final int DEFAULT_MAX_VALUES = 10_000;

    private final int maxValues;
    private final Map<String, String> values = new HashMap<>();

    StringPool() {
        this(DEFAULT_MAX_VALUES);
    }

    StringPool(int maxValues) {
        if (maxValues < 1) {
            throw new IllegalArgumentException("maxValues must be >= 1: " + maxValues);
        }
        this.maxValues = maxValues;
    }

    /** The pooled instance equal to {@code value} (null for null). */
    String canonical(String value) {
        if (value == null) {
            return null;
        }
        String pooled = values.get(value);
        if (pooled != null) {
            return pooled;
        }
        if (values.size() >= maxValues) {
            values.clear();
        }
        values.put(value, value);
        return value;
    }

    int size() {
        return values.size();
    }
}
