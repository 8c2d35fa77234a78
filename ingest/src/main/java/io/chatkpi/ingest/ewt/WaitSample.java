package io.chatkpi.ingest.ewt;

/**
 * One queue wait as the EWT sees it.
 *
 * @param atMs   when the wait ended (the REP_JOINED's event time), epoch ms
 * @param waitMs REP_JOINED.ts − QUEUED.ts of the waiting segment
 */
public record WaitSample(long atMs, long waitMs) {}
