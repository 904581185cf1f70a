const { withEngine } = require('./dist/kuzu/engine');
const { exportSnapshot } = require('./dist/snapshot/export');
const path = require('path');
(async () => {
const db = '/tmp/seg/db.kuzu';
await withEngine(db, {}, async (e) => {
  await e.query("CREATE NODE TABLE T(id INT64 PRIMARY KEY, c MAP(STRING, STRING)[])");
  await e.query("UNWIND range(0, 4199) AS i CREATE (:T {id: i, c: CASE i % 2 WHEN 0 THEN [map(['a'],['x'])] ELSE NULL END})");
  if (process.argv[2] === 'long') await e.query("MATCH (n:T) WHERE n.id IN [4093, 4094] SET n.c = list_transform(range(0, 4096), _k -> map(['k'], [', a']))");
});
const cfg = { file: '/tmp/seg/k.yaml', dir: '/tmp/seg', version: 'v1.0.0', engine: 'kuzu', database: db, migrations: '/tmp/seg/migrations', backups: '/tmp/seg/backups', environment: null, policy: { allowDestructive: false, backupRetention: 10 }, checks: [], schema: { nodes: [], rels: [] }, schemaFiles: [], lint: { severity: {}, naming: {} }, protect: [], unmanaged: [], targets: null, create: false, databaseOrigin: 'x', sources: {}, locations: { tables: {}, properties: {}, sections: {} } };
try { const r = await exportSnapshot(cfg, { version: 'v1.0.1', format: 'parquet' }); console.log('ok', r.rows); } catch (err) { console.log('ERR', err.code, err.message); }
})();
