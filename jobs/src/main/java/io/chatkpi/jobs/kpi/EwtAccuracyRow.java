package io.chatkpi.jobs.kpi;

/**
 * A row of {@code ewt_accuracy}: what the EWT promised a session when it entered a queue, and what it got.
 *
 * <p>Emitted twice per waiting segment: at the QUEUED with {@code actualMs} null (the wait is open), and when the
 * wait ends with {@code actualMs} set. Both share the table's key (queueId, queuedAtMs, sessionId), so the closed
 * row replaces the open one.
 *
 * @param predictedMs the {@code estimatedWaitMs} in force when the session entered the queue; null when the
 *                    queue had no sample then, or when the QUEUED arrived too late to know it
 * @param sampleSize  how many samples the prediction was made from (0 when predictedMs is null)
 * @param actualMs    the wait that followed; null while it is open
 * @param abandoned   the wait ended because the session ended while Waiting
 */
public record EwtAccuracyRow(
        String queueId, String sessionId, long queuedAtMs, Long predictedMs, int sampleSize, Long actualMs,
        boolean abandoned) {}
