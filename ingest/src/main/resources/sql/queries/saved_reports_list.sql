-- Saved reports, newest version of each, without the deleted ones. reportId '' = all, else just that one.
SELECT reportId, name, definition, toUInt32(createdAt) AS createdAtSeconds, createdBy, version
FROM saved_reports FINAL
WHERE deleted = 0
  AND ({{reportId:String}} = '' OR reportId = {{reportId:String}})
ORDER BY createdAt, reportId
