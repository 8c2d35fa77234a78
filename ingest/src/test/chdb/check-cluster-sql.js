#!/usr/bin/env node
// Checks the cluster variant of the schema (sql/cluster/*.sql) on a current ClickHouse engine (chdb), as far as an
// engine without a server can: ClusterSchemaTest runs it beside its 18.16 checks.
//
//   node check-cluster-sql.js [SQL_ROOT]        SQL_ROOT defaults to ingest/src/main/resources/sql
//
// 1. Every statement, exactly as written (ON CLUSTER included), must parse: formatQuery().
// 2. Every statement, with only " ON CLUSTER <cluster>" removed, must run in a fresh Session whose config (a
//    config.xml in the working directory, which chdb reads like clickhouse-local) defines the cluster
//    chatkpi_cluster, the macros {shard} and {replica}, and an in-memory ZooKeeper (testkeeper): so the
//    ReplicatedReplacingMergeTree tables are really created (engine arguments, macros, version column checked) and
//    the Distributed tables are created over the cluster. ON CLUSTER itself cannot run here (chdb has no distributed
//    DDL queue), and nothing is read through a Distributed table (there is no server to connect to).
// Exits 0 when all pass; otherwise 1, naming the file, the statement number and text, and ClickHouse's error.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');

const CLUSTER = 'chatkpi_cluster';
const ON_CLUSTER = new RegExp(`\\s+ON\\s+CLUSTER\\s+${CLUSTER}\\b`, 'gi');

const { statements } = require('./statements');

class CheckFailed extends Error {}

function fail(where, statement, error) {
  console.error(`check-cluster-sql: FAILED ${where}:`);
  console.error(statement);
  console.error(`-> ${error && error.message ? error.message : error}`);
  throw new CheckFailed(where);
}

function quoted(sql) {
  return "'" + sql.replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'";
}

function main() {
  const root = path.resolve(process.argv[2] || path.join(__dirname, '..', '..', 'main', 'resources', 'sql'));
  const dir = path.join(root, 'cluster');
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort() : [];
  if (files.length === 0) {
    console.error(`check-cluster-sql: FAILED no cluster files under ${dir}`);
    process.exit(1);
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'chatkpi-cluster-sql-'));
  fs.writeFileSync(path.join(work, 'config.xml'), `<clickhouse>
  <remote_servers><${CLUSTER}><shard><internal_replication>true</internal_replication>
    <replica><host>127.0.0.1</host><port>9000</port></replica></shard></${CLUSTER}></remote_servers>
  <macros><shard>01</shard><replica>replica-1</replica></macros>
  <zookeeper><implementation>testkeeper</implementation></zookeeper>
</clickhouse>
`);
  process.chdir(work);
  let chdb;
  try {
    chdb = require(path.join(__dirname, 'node_modules', 'chdb'));
  } catch (e) {
    console.error('check-cluster-sql: FAILED the chdb package is not installed; run `npm ci` in ' + __dirname
      + ' (./chatkpi test does): ' + e.message);
    process.exit(1);
  }
  const session = new chdb.Session(path.join(work, 'data'));
  let count = 0;
  let replicated = 0;
  let distributed = 0;
  try {
    const version = session.query('SELECT version()', 'TSV').trim();
    const clusters = session.query(`SELECT count() FROM system.clusters WHERE cluster = '${CLUSTER}'`, 'TSV').trim();
    if (clusters !== '1') {
      fail('setup', 'SELECT count() FROM system.clusters', `chdb did not read ${work}/config.xml (cluster missing)`);
    }
    for (const file of files) {
      statements(fs.readFileSync(path.join(dir, file), 'utf8')).forEach((sql, i) => {
        const where = `cluster/${file} statement ${i + 1}`;
        try {
          session.query(`SELECT formatQuery(${quoted(sql)})`, 'TSV');
        } catch (e) {
          fail(`${where} (parse, as written)`, sql, e);
        }
        const local = sql.replace(ON_CLUSTER, '');
        try {
          session.query(local);
        } catch (e) {
          fail(`${where} (without ON CLUSTER)`, local, e);
        }
        if (/ENGINE\s*=\s*Replicated/i.test(sql)) replicated++;
        if (/ENGINE\s*=\s*Distributed/i.test(sql)) distributed++;
        count++;
      });
    }
    console.log(`check-cluster-sql: ClickHouse ${version} (chdb): ${count} statements in ${files.length} files `
      + `(${replicated} replicated tables, ${distributed} distributed tables): all passed`);
  } catch (e) {
    if (!(e instanceof CheckFailed)) throw e;
    process.exitCode = 1;
  } finally {
    // the replicated tables' background threads would hold the engine's shutdown (and the exit) up: drop them first
    const replicatedTables = session.query("SELECT database, name FROM system.tables WHERE engine LIKE 'Replicated%'",
      'TSV');
    for (const line of replicatedTables.split('\n').filter((l) => l.trim() !== '')) {
      const [db, table] = line.split('\t');
      session.query(`DROP TABLE IF EXISTS \`${db}\`.\`${table}\` SYNC`);
    }
    session.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
