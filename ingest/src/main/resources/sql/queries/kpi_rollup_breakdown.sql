-- Counts by detail of the facts that carry one (NOT_ROUTED: reason, ENDED: by whom, INACTIVE: REP|AUTO), per time
-- bucket or over the whole range (bucketSeconds 0, bucket 0), from kpi_rollup and kpi_rollup_coarse:
-- kpi_breakdown.sql's rows, read at the grain the filters need (0 none, 1 queueId, 2 repId); buckets, and the pieces
-- of the range read from the raw facts at its ends and from 15-minute, hourly and daily rows, as in kpi_rollup_series.sql. Details whose facts all fell
-- away (rows at facts = 0) are left out, as in kpi_breakdown.sql.
SELECT
    multiIf(
        {{bucketSeconds:Int64}} <= 0, toInt64(0),
        {{bucketSeconds:Int64}} < 86400,
        intDiv((toInt64(toUInt32(slot)) AS ts)
               + (arrayElement({{offsets:Array(Int64)}}, arrayCount(x -> x <= ts, {{transitions:Array(Int64)}})) AS off),
               greatest({{bucketSeconds:Int64}}, 1)) * {{bucketSeconds:Int64}} - off,
        (intDiv(ts + off, 86400) * 86400 AS localMidnight)
            - arrayElement({{offsets:Array(Int64)}},
                           arrayCount(x -> x <= localMidnight, {{localTransitions:Array(Int64)}}))) AS bucket,
    kind,
    detail,
    sum(facts) AS n
FROM
(
    SELECT slot, kind, detail, facts
    FROM kpi_rollup FINAL
    WHERE grain = {{grain:UInt8}}
      AND kind IN ('NOT_ROUTED', 'ENDED', 'INACTIVE')
      AND (slot >= {{slotsFrom:DateTime}} AND slot < {{hoursFrom:DateTime}}
           OR slot >= {{hoursTo:DateTime}} AND slot < {{slotsTo:DateTime}})
      AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
      AND ({{repId:String}} = '' OR repId = {{repId:String}})
    -- begin edges (left out of reads on the 15-minute marks, as in kpi_rollup_series.sql)
    UNION ALL
    SELECT at AS slot, kind, detail, toInt64(1) AS facts
    FROM kpi_facts FINAL
    WHERE deleted = 0
      AND kind IN ('NOT_ROUTED', 'ENDED', 'INACTIVE')
      AND (at >= {{from:DateTime}} AND at < {{slotsFrom:DateTime}}
           OR at >= {{slotsTo:DateTime}} AND at < {{to:DateTime}})
      AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
      AND ({{repId:String}} = '' OR repId = {{repId:String}})
    -- end edges
    UNION ALL
    SELECT slot, kind, detail, facts
    FROM kpi_rollup_coarse FINAL
    WHERE span = 3600
      AND grain = {{grain:UInt8}}
      AND kind IN ('NOT_ROUTED', 'ENDED', 'INACTIVE')
      AND (slot >= {{hoursFrom:DateTime}} AND slot < {{daysFrom:DateTime}}
           OR slot >= {{daysTo:DateTime}} AND slot < {{hoursTo:DateTime}})
      AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
      AND ({{repId:String}} = '' OR repId = {{repId:String}})
    UNION ALL
    SELECT slot, kind, detail, facts
    FROM kpi_rollup_coarse FINAL
    WHERE span = 86400
      AND grain = {{grain:UInt8}}
      AND kind IN ('NOT_ROUTED', 'ENDED', 'INACTIVE')
      AND slot >= {{daysFrom:DateTime}} AND slot < {{daysTo:DateTime}}
      AND ({{queueId:String}} = '' OR queueId = {{queueId:String}})
      AND ({{repId:String}} = '' OR repId = {{repId:String}})
)
GROUP BY bucket, kind, detail
HAVING n > 0
ORDER BY bucket, kind, detail
