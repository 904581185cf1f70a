const { withEngine } = require('./dist/kuzu/engine');
const { KuzuEngine } = require('./dist/kuzu/engine');
const orig = KuzuEngine.prototype.query;
KuzuEngine.prototype.query = async function (s) { const t = Date.now(); try { return await orig.call(this, s); } finally { if (Date.now() - t > 1000) console.log((Date.now()-t)/1000, 's:', s.slice(0, 200)); } };
const { exportSnapshot } = require('./dist/snapshot/export');
(async () => {
const db = '/tmp/seg/db.kuzu';
await withEngine(db, {}, async (e) => {
    await e.query('CREATE NODE TABLE T(id INT64 PRIMARY KEY, m MAP(STRING, STRING)[], n MAP(INT64, STRING))');
    await e.query("CREATE (:T {id: 1, m: [map(['k', 'j'], [', a', '}'])], n: map([1, 2], ['', 'x=, y'])})");
    await e.query("CREATE (:T {id: 2, m: CAST([] AS MAP(STRING, STRING)[]), n: map([3], ['='])})");
});
const cfg = { file: '/tmp/seg/k.yaml', dir: '/tmp/seg', version: 'v1.0.0', engine: 'kuzu', database: db, migrations: '/tmp/seg/migrations', backups: '/tmp/seg/backups', environment: null, policy: { allowDestructive: false, backupRetention: 10 }, checks: [], schema: { nodes: [], rels: [] }, schemaFiles: [], lint: { severity: {}, naming: {} }, protect: [], unmanaged: [], targets: null, create: false, databaseOrigin: 'x', sources: {}, locations: { tables: {}, properties: {}, sections: {} } };
for (const format of ['csv', 'parquet']) {
const t = Date.now();
try { const r = await exportSnapshot(cfg, { version: format === 'csv' ? 'v1.0.1' : 'v1.0.2', format }); console.log(format, 'ok', r.rows, (Date.now()-t)/1000); } catch (err) { console.log(format, 'ERR', err.code, err.message.slice(0, 200)); }
}
})();
