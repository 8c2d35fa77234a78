package io.chatkpi.ingest.sim;

import java.util.List;
import java.util.Objects;

/**
 * One simulated queue: its rep pool, how many sessions may wait, when it is open, and the pre-chat topics that
 * lead to it.
 *
 * @param name         the queueId
 * @param reps         service reps working the queue (0: every session is NOT_ROUTED NO_REPS_AVAILABLE)
 * @param maxWaiting   waiting sessions beyond which new ones are NOT_ROUTED QUEUE_FULL
 * @param openHour     UTC hour the queue opens (inclusive)
 * @param closeHour    UTC hour it closes (exclusive); openHour 0 and closeHour 24 means always open
 * @param weekendsOpen whether it is open on Saturday and Sunday
 * @param topics       pre-chat topics of sessions that go to this queue
 */
public record QueueConfig(String name, int reps, int maxWaiting, int openHour, int closeHour, boolean weekendsOpen,
                          List<String> topics) {

    public QueueConfig {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) throw new IllegalArgumentException("queue name must not be empty");
        if (reps < 0) throw new IllegalArgumentException("reps must be >= 0: " + reps);
        if (maxWaiting < 1) throw new IllegalArgumentException("maxWaiting must be >= 1: " + maxWaiting);
        if (openHour < 0 || closeHour > 24 || openHour >= closeHour) {
            throw new IllegalArgumentException("business hours must satisfy 0 <= open < close <= 24: "
                    + openHour + "-" + closeHour);
        }
        topics = List.copyOf(topics);
        if (topics.isEmpty()) throw new IllegalArgumentException("a queue needs at least one topic");
    }

    /**
     * The built-in shape of a queue by name: billing keeps office hours on weekdays, tech support is always open,
     * anything else is open 07-22 every day. Topics are the usual pre-chat choices for that kind of queue.
     */
    public static QueueConfig defaults(String name, int reps) {
        return switch (name) {
            case "billing" -> new QueueConfig(name, reps, 40, 8, 20, false,
                    List.of("invoice", "refund", "payment-method", "plan-change"));
            case "tech" -> new QueueConfig(name, reps, 40, 0, 24, true,
                    List.of("login", "connectivity", "app-crash", "setup"));
            case "general" -> new QueueConfig(name, reps, 40, 7, 22, true,
                    List.of("account", "feedback", "other"));
            default -> new QueueConfig(name, reps, 40, 0, 24, true, List.of(name + "-question", "other"));
        };
    }

    public QueueConfig withReps(int value) {
        return new QueueConfig(name, value, maxWaiting, openHour, closeHour, weekendsOpen, topics);
    }

    public QueueConfig withHours(int open, int close, boolean weekends) {
        return new QueueConfig(name, reps, maxWaiting, open, close, weekends, topics);
    }

    public QueueConfig withMaxWaiting(int value) {
        return new QueueConfig(name, reps, value, openHour, closeHour, weekendsOpen, topics);
    }

    /** Whether the queue takes sessions at this instant (UTC). */
    public boolean isOpen(long epochMillis) {
        long day = Math.floorDiv(epochMillis, 86_400_000L);
        int hour = (int) (Math.floorMod(epochMillis, 86_400_000L) / 3_600_000L);
        int dayOfWeek = (int) Math.floorMod(day + 3, 7); // 1970-01-01 was a Thursday; 0 = Monday
        if (!weekendsOpen && dayOfWeek >= 5) return false;
        return hour >= openHour && hour < closeHour;
    }
}
