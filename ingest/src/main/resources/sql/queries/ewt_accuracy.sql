-- EWT accuracy per queue: how the estimate in force at each QUEUED compared with the wait that followed.
-- error = predicted - actual (positive: the estimate was too long). Only waits that ended with a rep joining and
-- had an estimate count for the error figures; the others are counted apart.
SELECT
    queueId,
    count() AS queuedCount,
    countIf(predictedMs IS NULL) AS withoutEstimate,
    countIf(abandoned = 1) AS abandonedCount,
    countIf(isNotNull(predictedMs) AND isNotNull(actualMs) AND abandoned = 0) AS compared,
    sumIf(ifNull(predictedMs, 0) - ifNull(actualMs, 0),
          isNotNull(predictedMs) AND isNotNull(actualMs) AND abandoned = 0) AS errorSum,
    sumIf(abs(ifNull(predictedMs, 0) - ifNull(actualMs, 0)),
          isNotNull(predictedMs) AND isNotNull(actualMs) AND abandoned = 0) AS absErrorSum,
    quantileExactIf(0.9)(abs(ifNull(predictedMs, 0) - ifNull(actualMs, 0)),
          isNotNull(predictedMs) AND isNotNull(actualMs) AND abandoned = 0) AS absErrorP90,
    countIf(isNotNull(predictedMs) AND isNotNull(actualMs) AND abandoned = 0
            AND abs(ifNull(predictedMs, 0) - ifNull(actualMs, 0)) <= 30000) AS within30s
FROM ewt_accuracy FINAL
WHERE queuedAt >= {{from:DateTime}} AND queuedAt < {{to:DateTime}}
  AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
GROUP BY queueId
ORDER BY queueId
