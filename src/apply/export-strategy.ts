/**
 * The `export` rewrite strategy, on the private copy: the live database exported with the lossless
 * snapshot codec, loaded into a fresh file, verified against the snapshot's manifest, and the plan
 * run there (transaction.ts) with the history carried over.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KuzuMigrateError, RuntimeError } from '../core/errors';
import { desiredSchemaOf, PlanDocument } from '../core/plan';
import { ResolvedConfig } from '../config/config';
import { withEngine } from '../kuzu/engine';
import { exportSnapshot, proveSnapshotFiles } from '../snapshot/export';
import { readManifest } from '../snapshot/files';
import { loadSnapshot, verifyLoaded } from '../snapshot/import';
import { readHistory } from '../state/history';
import { faultPoint } from '../state/journal';
import { Staged } from '../state/swap';
import type { Emit } from './events';
import { runIndexSteps, runTransaction, TransactionContext, verifyIndexes } from './transaction';
import type { Verified } from './verify-rebuild';

/**
 * The `export` strategy: the design's EXPORT → fresh database → verify. The live database is
 * exported with kuzu-migrate's lossless snapshot codec (Kuzu's own EXPORT loses values, see the
 * notes), loaded into a fresh file in the private staging folder and verified against the
 * snapshot's manifest (schema, counts, content); the plan's statements then run there in one
 * transaction, with the same verification as the transaction strategy; the history (which lives
 * in the database) is carried over. The caller swaps the file in (it is also compacted: a rebuild
 * leaves no freed pages behind).

 * Returns the verified rebuilt tables.
 */
export async function runExportStrategy(
  config: ResolvedConfig,
  plan: PlanDocument,
  stage: Staged,
  ctx: Omit<TransactionContext, 'carryHistory'>,
  emit: Emit,
): Promise<Verified> {
  const dbPath = config.database;
  const workdir = path.join(stage.dir, 'export');
  fs.mkdirSync(workdir, { mode: 0o700 });
  emit('export', `exporting ${dbPath} (lossless snapshot codec, parquet)`);
  // Without export's restorability proof (a read of every file): the load below reads every file
  // into the fresh database and verifyLoaded compares every loaded table's whole-row fingerprint
  // with the live one the manifest holds, so a file that does not load back to the live values
  // is refused there (E_VERIFY), before the plan runs and before anything is swapped.
  await exportSnapshot({ ...config, migrations: workdir }, { version: 'v0.0.0', format: 'parquet', prove: false });
  const dir = path.join(workdir, 'v0.0.0');
  const manifest = readManifest(dir);
  faultPoint('after_export');
  const history = await withEngine(dbPath, { readOnly: true }, readHistory);
  let verified: Verified = { tables: [], digests: [] };
  await withEngine(stage.file, {}, async (engine) => {
    emit('load', `loading into ${stage.file}`);
    // Macros the plan drops or replaces are left out: Kuzu has no DROP MACRO.
    const omitMacros = plan.private_copy?.omit_macros ?? [];
    try {
      await loadSnapshot(engine, dir, manifest, { omitMacros });
    } catch (err) {
      // Kuzu failing to decode a file the codec wrote (a NULL list element written as '=' in a
      // STRUCT(b INT64[]) column with NULL structs past row 2,048: 'Could not convert "" to
      // INT64') is the same case as a verification difference: the proof names it (E_UNRESTORABLE).
      if (!(err instanceof KuzuMigrateError)) await proveSnapshotFiles(dbPath, dir, manifest);
      throw err;
    }
    emit('verify', 'verifying the loaded copy against the export');
    const problems = await verifyLoaded(engine, manifest, { omitMacros, dir });
    if (problems.length) {
      // The proof the export skipped names a value the files cannot carry, and its row, and
      // refuses it as a proved export does (E_UNRESTORABLE); only a difference it does not
      // explain is E_VERIFY. Nothing has been changed either way.
      await proveSnapshotFiles(dbPath, dir, manifest);
      throw new RuntimeError(`the exported copy does not match the database; nothing was changed:\n  ${problems.join('\n  ')}`, 'E_VERIFY');
    }
    await runIndexSteps(engine, plan, 'drop_indexes', emit, ctx.steps);
    verified = await runTransaction(engine, config, plan, { ...ctx, carryHistory: history }, emit);
    await runIndexSteps(engine, plan, 'create_indexes', emit, ctx.steps);
    await verifyIndexes(engine, desiredSchemaOf(plan), emit);
  });
  fs.rmSync(workdir, { recursive: true, force: true });
  return verified;
}
