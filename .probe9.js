const { KuzuEngine } = require('./dist/kuzu/engine');
const orig = KuzuEngine.prototype.query;
KuzuEngine.prototype.query = async function (s) { const t = Date.now(); const c0 = process.cpuUsage(); try { return await orig.call(this, s); } finally { const c = process.cpuUsage(c0); const cpu = (c.user + c.system) / 1e6; if (cpu > 0.3) console.log(cpu.toFixed(1), 's cpu', (Date.now()-t)/1000, 's:', s.slice(0, 300)); } };
const { exportSnapshot } = require('./dist/snapshot/export');
const { loadConfig } = require('./dist/config/config');
const fs = require('fs');
(async () => {
  const src = '/tmp/km-wholedb-reduced-yr2Fmj';
  const dir = fs.mkdtempSync('/tmp/seg/p'); fs.copyFileSync(src + '/db.kuzu', dir + '/db.kuzu'); fs.copyFileSync(src + '/kuzu-migrate.yaml', dir + '/kuzu-migrate.yaml');
  const t = Date.now();
  await exportSnapshot(loadConfig(dir + '/kuzu-migrate.yaml'), { version: 'v1.0.5', format: 'parquet' });
  console.log('total', (Date.now() - t) / 1000);
})();
