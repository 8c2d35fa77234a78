#!/usr/bin/env node
// Runs SQL on a current ClickHouse engine (chdb, in-process) for GrafanaDashboardsTest, which runs the same SQL on the
// local 18.16 server and compares. It reuses the chdb package that ingest's SQL check installs
// (ingest/src/test/chdb/node_modules, `npm ci` there; ./chatkpi test does it).
//
//   node run-panels.js JOB.json
//
// JOB.json: {"chdbModule": "<dir of the chdb package>", "setup": ["CREATE ...", "INSERT ..."],
//            "queries": [{"name": "...", "sql": "SELECT ..."}]}
// Setup statements run in order in a fresh database `chatkpi`; then each query, with its rows printed as one JSON line
// {"name": ..., "rows": [...]} (JSONEachRow rows). Exits 0 when all ran; otherwise 1, naming the statement and
// ClickHouse's error.
'use strict';

const fs = require('fs');

function main() {
  const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  let chdb;
  try {
    chdb = require(job.chdbModule);
  } catch (e) {
    console.error(`run-panels: FAILED the chdb package is not installed at ${job.chdbModule}: run \`npm ci\` in `
      + 'ingest/src/test/chdb (./chatkpi test does): ' + e.message);
    process.exit(1);
  }
  const session = new chdb.Session();
  try {
    const version = session.query('SELECT version()', 'TSV').trim();
    session.query('CREATE DATABASE IF NOT EXISTS chatkpi');
    session.query('USE chatkpi');
    job.setup.forEach((sql, i) => {
      try {
        session.query(sql);
      } catch (e) {
        console.error(`run-panels: FAILED setup statement ${i + 1}:\n${sql}\n-> ${e.message}`);
        process.exit(1);
      }
    });
    for (const { name, sql } of job.queries) {
      let out;
      try {
        out = session.query(sql, 'JSONEachRow');
      } catch (e) {
        console.error(`run-panels: FAILED ${name}:\n${sql}\n-> ${e.message}`);
        process.exit(1);
      }
      const rows = out.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
      console.log(JSON.stringify({ name, rows }));
    }
    console.log(JSON.stringify({ name: '__version', rows: [{ version }] }));
  } finally {
    session.close();
  }
}

main();
