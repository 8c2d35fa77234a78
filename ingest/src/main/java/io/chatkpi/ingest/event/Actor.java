package io.chatkpi.ingest.event;

import java.util.EnumSet;
import java.util.Set;

/** Who caused an INACTIVE (REP or AUTO) or an ENDED (END_USER, REP or SYSTEM): the event's {@code by}. */
public enum Actor {
    END_USER,
    REP,
    AUTO,
    SYSTEM;

    /** The values {@code by} may take on an event of the given type. */
    public static Set<Actor> allowedFor(EventType type) {
        return switch (type) {
            case INACTIVE -> EnumSet.of(REP, AUTO);
            case ENDED -> EnumSet.of(END_USER, REP, SYSTEM);
            default -> EnumSet.allOf(Actor.class);
        };
    }
}
