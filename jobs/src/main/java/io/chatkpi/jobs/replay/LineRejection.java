package io.chatkpi.jobs.replay;

/** A line of the replayed file that broke the event contract. */
public record LineRejection(long line, String reason, String raw) {}
