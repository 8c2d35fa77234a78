package io.chatkpi.jobs.replay;

/** One line of an events file with its 1-based line number, so a rejection can name where it was. */
public record NumberedLine(long line, String text) {}
