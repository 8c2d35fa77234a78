#!/usr/bin/env node
// Runs every chatkpi SQL resource on a current ClickHouse engine (chdb: ClickHouse in-process), so SQL that only
// the local 18.16 server accepts cannot slip in. The Java side (SqlCompatibilityTest) runs the same files on 18.16.
//
//   node check-sql.js [SQL_ROOT]        SQL_ROOT defaults to ingest/src/main/resources/sql
//
// 1. schema/NNN_*.sql in version order, each statement in order, in a fresh database `chatkpi` of a fresh Session.
// 2. queries/*.sql (if any) against that schema, each placeholder {{name:Type}} filled with a sample of its type.
// Exits 0 when all pass; otherwise 1, naming the file, the statement number and text, and ClickHouse's error.
//
// The rules below mirror the Java side and must stay in step with it:
//   statements: SqlResources.statements (lines starting with -- dropped; a statement ends with ; at a line end)
//   placeholders: SqlTemplate.PLACEHOLDER ({{name:Type}}; Type String, [U]Int8..64, Float32/64, DateTime, Date,
//                 Array(T), Nullable(T))
'use strict';

const fs = require('fs');
const path = require('path');

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z0-9_]+(?:\([A-Za-z0-9_() ]*\))?)\s*}}/g;
const MIGRATION_NAME = /^(\d+)_([A-Za-z0-9_]+)\.sql$/;
const DATABASE = 'chatkpi';

const { statements } = require('./statements');

function sample(type, where) {
  const t = type.replace(/ /g, '');
  let m = /^Nullable\((.*)\)$/.exec(t);
  if (m) return sample(m[1], where);
  m = /^Array\((.*)\)$/.exec(t);
  if (m) return '[' + sample(m[1], where) + ']';
  if (t === 'String') return "'sample'";
  if (/^U?Int(8|16|32|64)$/.test(t)) return '1';
  if (/^Float(32|64)$/.test(t)) return '1.5';
  if (t === 'DateTime') return "toDateTime(1700000000, 'UTC')";
  if (t === 'Date') return "toDate('2023-11-14')";
  throw new Error(`${where}: placeholder type ${type} is not one SqlTemplate supports`);
}

// Optional sections of a query, as SqlTemplate.without cuts them: the lines from "-- begin NAME" to "-- end NAME".
function sectionsOf(sql) {
  return [...sql.matchAll(/^[ \t]*-- begin (\w+)/gm)].map((m) => m[1]);
}

function without(sql, name) {
  const section = new RegExp(`^[ \\t]*-- begin ${name}\\b[^\\n]*\\n[\\s\\S]*?^[ \\t]*-- end ${name}\\b[^\\n]*(\\n|$)`, 'm');
  if (!section.test(sql)) throw new Error(`no section ${name}`);
  return sql.replace(section, '');
}

function fillPlaceholders(sql, where) {
  const filled = sql.replace(PLACEHOLDER, (_, name, type) => sample(type, where));
  const stray = filled.indexOf('{{');
  if (stray >= 0) throw new Error(`${where}: malformed placeholder near ${filled.slice(stray, stray + 40)}`);
  return filled;
}

function listSql(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort();
}

function fail(file, index, statement, error) {
  console.error(`check-sql: FAILED ${file} statement ${index}:`);
  console.error(statement);
  console.error(`-> ${error && error.message ? error.message : error}`);
  process.exit(1);
}

function main() {
  const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'main', 'resources', 'sql'));
  const schemaDir = path.join(root, 'schema');
  const queriesDir = path.join(root, 'queries');
  const migrations = listSql(schemaDir).map((f) => {
    const m = MIGRATION_NAME.exec(f);
    if (!m) {
      console.error(`check-sql: FAILED schema/${f}: not named <version>_<name>.sql`);
      process.exit(1);
    }
    return { version: Number(m[1]), file: f };
  }).sort((a, b) => a.version - b.version);
  if (migrations.length === 0) {
    console.error(`check-sql: FAILED no schema files under ${schemaDir}`);
    process.exit(1);
  }

  let chdb;
  try {
    chdb = require('chdb');
  } catch (e) {
    console.error('check-sql: FAILED the chdb package is not installed; run `npm ci` in ' + __dirname
      + ' (./chatkpi test does): ' + e.message);
    process.exit(1);
  }
  const session = new chdb.Session();
  let schemaStatements = 0;
  let queryStatements = 0;
  try {
    const version = session.query('SELECT version()', 'TSV').trim();
    session.query(`CREATE DATABASE IF NOT EXISTS ${DATABASE}`);
    session.query(`USE ${DATABASE}`);
    for (const { file } of migrations) {
      const where = `schema/${file}`;
      const list = statements(fs.readFileSync(path.join(schemaDir, file), 'utf8'));
      list.forEach((sql, i) => {
        try {
          session.query(fillPlaceholders(sql, where));
        } catch (e) {
          fail(where, i + 1, sql, e);
        }
        schemaStatements++;
      });
    }
    const queries = listSql(queriesDir);
    for (const file of queries) {
      const where = `queries/${file}`;
      const text = fs.readFileSync(path.join(queriesDir, file), 'utf8');
      // a query with optional sections (SqlTemplate.without) runs with and without each of them
      const variants = [[where, text], ...sectionsOf(text).map((name) => [`${where} without ${name}`, without(text, name)])];
      for (const [label, variant] of variants) {
        statements(variant).forEach((sql, i) => {
          try {
            session.query(fillPlaceholders(sql, where), 'JSONEachRow');
          } catch (e) {
            fail(label, i + 1, sql, e);
          }
          queryStatements++;
        });
      }
    }
    console.log(`check-sql: ClickHouse ${version} (chdb): ${schemaStatements} schema statements in `
      + `${migrations.length} files and ${queryStatements} query statements in ${queries.length} files: all passed`);
  } finally {
    session.close();
  }
}

main();
