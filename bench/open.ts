/**
 * A bare Kuzu open, the floor `plan` and `drift` are measured against (issue 14: "our share" =
 * total − this, measured in the same run): node starts, loads the `kuzu` package, opens the file
 * read-only as kuzu-migrate does (default buffer pool, compression on), connects, closes.
 *
 *   node dist-bench/open.js <database file>
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kuzu = require('kuzu') as { Database: new (p: string, bp: number, compress: boolean, readOnly: boolean) => { init(): Promise<void>; close(): Promise<void> }; Connection: new (db: unknown) => { init(): Promise<void>; close(): Promise<void> } };

async function main(): Promise<void> {
  const db = new kuzu.Database(process.argv[2], 0, true, true);
  await db.init();
  const conn = new kuzu.Connection(db);
  await conn.init();
  await conn.close();
  await db.close();
}

main().catch((err) => {
  process.stderr.write(`open failed: ${(err as Error).message}\n`);
  process.exit(1);
});
