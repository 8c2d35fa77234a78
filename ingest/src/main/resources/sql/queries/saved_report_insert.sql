-- Saves a report, or (deleted = 1, higher version) deletes one.
INSERT INTO saved_reports (reportId, name, definition, createdAt, createdBy, version, deleted)
VALUES ({{reportId:String}}, {{name:String}}, {{definition:String}}, {{createdAt:DateTime}}, {{createdBy:String}},
        {{version:UInt64}}, {{deleted:UInt8}})
