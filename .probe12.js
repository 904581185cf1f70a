const { withEngine } = require('./dist/kuzu/engine');
const { exportSnapshot } = require('./dist/snapshot/export');
(async () => {
const db = '/tmp/seg/db.kuzu'; const which = process.argv[2];
await withEngine(db, {}, async (e) => {
  await e.query("CREATE NODE TABLE N(id INT64 PRIMARY KEY, u UNION(b BOOL))");
  await e.query("CREATE REL TABLE R(FROM N TO N, u UNION(b BOOL))");
  await e.query(`UNWIND range(0, ${process.argv[3]}) AS i CREATE (:N {id: i, u: CASE WHEN i % 3 = 0 AND '${which}' = 'node' THEN CAST(union_value(b := CAST(NULL AS BOOL)) AS UNION(b BOOL)) WHEN i % 3 = 1 THEN CAST(union_value(b := true) AS UNION(b BOOL)) ELSE NULL END})`);
  if (which === 'rel') await e.query(`MATCH (a:N), (b:N {id: 0}) CREATE (a)-[:R {u: CASE WHEN a.id % 3 = 0 THEN CAST(union_value(b := CAST(NULL AS BOOL)) AS UNION(b BOOL)) WHEN a.id % 3 = 1 THEN CAST(union_value(b := true) AS UNION(b BOOL)) ELSE NULL END}]->(b)`);
});
const cfg = { file: '/tmp/seg/k.yaml', dir: '/tmp/seg', version: 'v1.0.0', engine: 'kuzu', database: db, migrations: '/tmp/seg/migrations', backups: '/tmp/seg/backups', environment: null, policy: { allowDestructive: false, backupRetention: 10 }, checks: [], schema: { nodes: [], rels: [] }, schemaFiles: [], lint: { severity: {}, naming: {} }, protect: [], unmanaged: [], targets: null, create: false, databaseOrigin: 'x', sources: {}, locations: { tables: {}, properties: {}, sections: {} } };
for (const format of ['parquet', 'csv']) {
try { const r = await exportSnapshot(cfg, { version: format === 'csv' ? 'v1.0.2' : 'v1.0.1', format }); console.log(which, format, 'ok', r.rows); } catch (err) { console.log(which, format, 'ERR', err.code, err.message.slice(0, 200)); }
}
})();
