const { withEngine } = require('./dist/kuzu/engine');
const { exportSnapshot } = require('./dist/snapshot/export');
const fs = require('fs');
(async () => {
const src = process.argv[2], keep = process.argv[3];
const dir = fs.mkdtempSync('/tmp/seg/x');
const db = dir + '/db.kuzu'; fs.copyFileSync(src, db);
await withEngine(db, {}, async (e) => {
  const cols = (await e.query("CALL table_info('MATCH') RETURN name")).map(r => r.name).filter(n => !['id','ser','retype me', keep].includes(n));
  for (const c of cols) await e.query('ALTER TABLE `MATCH` DROP `' + c + '`');
  await e.query('DROP TABLE `CREATE`');
});
const cfg = { file: dir+'/k.yaml', dir, version: 'v1.0.0', engine: 'kuzu', database: db, migrations: dir+'/migrations', backups: dir+'/backups', environment: null, policy: { allowDestructive: false, backupRetention: 10 }, checks: [], schema: { nodes: [], rels: [] }, schemaFiles: [], lint: { severity: {}, naming: {} }, protect: [], unmanaged: [], targets: null, create: false, databaseOrigin: 'x', sources: {}, locations: { tables: {}, properties: {}, sections: {} } };
try { const r = await exportSnapshot(cfg, { version: 'v1.0.1', format: process.argv[4] || 'csv' }); console.log(keep, 'ok', r.rows); } catch (err) { console.log(keep, 'ERR', err.code, err.message.slice(0, 200)); }
})();
