-- Records one applied schema file.
INSERT INTO schema_migrations (version, name, checksum, appliedAt)
VALUES ({{version:UInt32}}, {{name:String}}, {{checksum:String}}, now())
