package io.chatkpi.api.ewt;

/** What /ready and /metrics need to know about the feed that keeps the {@link LiveEwtStore} current. */
public interface EwtFeedStatus {

    /** True once the topic was read up to its end as of start, and Kafka answered recently. */
    boolean current();

    /** Records on the topic not yet applied; null before the first assignment. */
    Long lagRecords();

    /** Milliseconds since Kafka last answered; null if it never did. */
    Long millisSinceContact();
}
