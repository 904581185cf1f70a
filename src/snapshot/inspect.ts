/**
 * Read-side commands over snapshots: `list` (versions, backups, history), `diff` (two schemas,
 * semantically and as text) and `verify` (the live database against the declaration or a version).
 */
import { readLive } from '../kuzu/introspect';
import { HistoryEntry, readHistory } from '../state/history';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareDigests, currentReceipt, digestStyle, digestWith } from '../state/digest';
import { createTwoFilesPatch } from 'diff';
import { listBackups } from '../state/backup';
import { mergeHistory, MergedEntry, readHistoryLog } from '../state/history-log';
import { ResolvedConfig } from '../config/config';
import { withoutUnmanaged } from '../core/lint/protection';
import { Change } from '../core/changes';
import { createIndex, schemaToCypher as tablesToCypher } from '../core/ddl';
import { diffSchemas, PlanError } from '../core/diff';
import { quoteIdent } from '../core/identifiers';
import { Schema, schemaFingerprint } from '../core/model';
import { ACTION_SYMBOLS, describeChange } from '../core/render';
import { withEngine } from '../kuzu/engine';
import { evaluateCheck } from '../kuzu/checks';
import { sequencePosition, introspect, introspectPath } from '../kuzu/introspect';
import { probeIndexes } from '../kuzu/objects';
import { readManifest } from './files';
import { Manifest, MANIFEST_FILE, SCHEMA_FILE } from './manifest';
import { contentProblems } from './content';
import { checkVersionName, compareVersions, isSnapshotVersionName, versionDir } from './version-name';
import { RuntimeError } from '../core/errors';

// ------------------------------------------------------------------------------------------ list

export interface VersionInfo {
  /** Version. */
  version: string;
  /** When exported. */
  created_at: string;
  /** csv or parquet. */
  format: string;
  /** Kuzu's own export. */
  raw: boolean;
  /** No data. */
  schema_only: boolean;
  /** Size on disk. */
  bytes: number;
  /** Tables. */
  tables: number;
  /** Rows. */
  rows: number;
  /** True when the manifest's schema fingerprint equals the live database's. */
  current: boolean;
}

export interface BackupInfo {
  /** Backup id. */
  id: string;
  /** Its folder. */
  path: string;
  /** When taken. */
  created_at: string | null;
  /** apply, rollback, import, … */
  reason: string | null;
  /** Size. */
  bytes: number;
}

export interface ListResult {
  /** The snapshots folder. */
  migrations: string;
  /** The database. */
  database: string;
  /** Fingerprint of the live schema, or null when there is no database. */
  live_fingerprint: string | null;
  /** Snapshots, oldest first. */
  versions: VersionInfo[];
  /** Backups. */
  backups: BackupInfo[];
  /**
   * The apply history: the database's own `_kuzu_migrate_history` table merged with the
   * append-only backups/history.jsonl; entries only the log holds are `rolled_back`.
   */
  history: MergedEntry[];
  /** Problems met while listing. */
  warnings: string[];
}

export async function listSnapshots(config: ResolvedConfig): Promise<ListResult> {
  const warnings: string[] = [];
  let liveFp: string | null = null;
  let history: HistoryEntry[] = [];
  try {
    // One read-only open: the live schema and the apply history (kept inside the database).
    await readLive(config.database, async (live, engine) => {
      if (live.exists) liveFp = schemaFingerprint(live.schema);
      if (engine) history = await readHistory(engine);
    });
  } catch (err) {
    warnings.push(`the live database could not be read: ${(err as Error).message}`);
  }
  const versions: VersionInfo[] = [];
  const root = path.resolve(config.migrations);
  if (fs.existsSync(root)) {
    for (const name of fs.readdirSync(root).filter(isSnapshotVersionName).sort(compareVersions)) {
      if (!fs.existsSync(path.join(root, name, MANIFEST_FILE))) continue;
      try {
        const m = readManifest(path.join(root, name));
        versions.push({
          version: name,
          created_at: m.created_at,
          format: m.format,
          raw: m.raw,
          schema_only: m.schema_only,
          bytes: m.files.reduce((n, f) => n + f.bytes, 0),
          tables: m.schema.nodes.length + m.schema.rels.length,
          rows: m.total_rows,
          current: liveFp !== null && m.live_fingerprint === liveFp,
        });
      } catch (err) {
        warnings.push(`${name}: ${(err as Error).message}`);
      }
    }
  }
  const backups: BackupInfo[] = [];
  const broot = path.resolve(config.backups);
  for (const b of listBackups(broot)) {
    backups.push({ id: b.id, path: path.join(broot, b.id), created_at: b.created_at, reason: b.reason, bytes: b.size });
  }
  if (fs.existsSync(broot)) {
    for (const e of fs.readdirSync(broot)) {
      const p = path.join(broot, e);
      if (e.endsWith('.kuzu') && fs.statSync(p).isFile()) backups.push({ id: e, path: p, created_at: fs.statSync(p).mtime.toISOString(), reason: null, bytes: fs.statSync(p).size });
    }
  }
  const merged = mergeHistory(history, readHistoryLog(config.backups, config.database));
  return { migrations: root, database: config.database, live_fingerprint: liveFp, versions, backups, history: merged, warnings };
}

// ------------------------------------------------------------------------------------------ diff

export type DiffSide = { kind: 'version'; version: string } | { kind: 'live' } | { kind: 'declared' };

export interface SchemaSide {
  label: string;
  schema: Schema;
  /** The schema as Cypher DDL (a version's own schema.cypher). */
  cypher: string;
}

export interface VersionDiffResult {
  /** The old side. */
  from: string;
  /** The new side. */
  to: string;
  /** Changes from → to (plan.schema.json's change). */
  changes: Change[];
  /** Unified diff of the two schema.cypher texts. */
  patch: string;
  /** Warnings. */
  warnings: string[];
}

async function side(config: ResolvedConfig, s: DiffSide): Promise<SchemaSide> {
  if (s.kind === 'version') {
    const dir = versionDir(config.migrations, checkVersionName(s.version, 'version'));
    if (!fs.existsSync(dir)) throw new RuntimeError(`version ${s.version} does not exist in ${path.resolve(config.migrations)}`, 'E_NO_VERSION', ['run `kuzu-migrate list`']);
    const m = readManifest(dir);
    const file = path.join(dir, SCHEMA_FILE);
    return { label: s.version, schema: m.declared_schema ?? m.schema, cypher: fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : schemaToCypher(m.schema) };
  }
  if (s.kind === 'live') {
    const live = await introspectPath(config.database);
    if (!live.exists) throw new RuntimeError(`database ${config.database} does not exist`, 'E_NO_DATABASE');
    return { label: 'live', schema: live.schema, cypher: schemaToCypher(live.schema) };
  }
  return { label: 'declared', schema: config.schema, cypher: schemaToCypher(config.schema) };
}

/** schema.cypher plus the indexes (which a snapshot keeps in copy.cypher, after the data), for the diff's patch. */
function schemaToCypher(schema: Schema): string {
  return tablesToCypher(schema) + (schema.indexes ?? []).map((i) => createIndex(i) + ';\n').join('');
}

/** Declared renames refer to the live database; between arbitrary versions they may not apply. */
export function diffLenient(from: Schema, to: Schema, warnings: string[]): Change[] {
  try {
    return diffSchemas(from, to).changes;
  } catch (err) {
    if (!(err instanceof PlanError)) throw err;
    warnings.push(`renamed_from hints ignored (${err.message}): renames show as drop + create`);
    const strip = (s: Schema): Schema => ({
      ...s,
      nodes: s.nodes.map((t) => ({ ...t, renamedFrom: undefined, properties: t.properties.map((p) => ({ ...p, renamedFrom: undefined, using: undefined })) })),
      rels: s.rels.map((t) => ({ ...t, renamedFrom: undefined, properties: t.properties.map((p) => ({ ...p, renamedFrom: undefined, using: undefined })) })),
    });
    return diffSchemas(from, strip(to)).changes;
  }
}

export async function diffVersions(config: ResolvedConfig, from: DiffSide, to: DiffSide): Promise<VersionDiffResult> {
  const a = await side(config, from);
  const b = await side(config, to);
  const warnings: string[] = [];
  const changes = diffLenient(a.schema, b.schema, warnings);
  const patch = createTwoFilesPatch(`${a.label}/schema.cypher`, `${b.label}/schema.cypher`, a.cypher, b.cypher, '', '', { context: 3 });
  return { from: a.label, to: b.label, changes, patch, warnings };
}

export function renderDiffText(r: VersionDiffResult): string {
  const lines = [`kuzu-migrate diff ${r.from} → ${r.to}`, ''];
  if (r.changes.length === 0) lines.push('No schema changes.');
  for (const c of r.changes) lines.push(`${ACTION_SYMBOLS[c.action].padStart(3)} ${describeChange(c)}${c.destructive ? ' [destructive]' : ''}`, `      ${c.reason}`);
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push('', r.patch);
  return lines.join('\n');
}

export function renderDiffMarkdown(r: VersionDiffResult): string {
  const out = [`### kuzu-migrate diff \`${r.from}\` → \`${r.to}\``, ''];
  if (r.changes.length === 0) out.push('**No schema changes.**', '');
  else {
    out.push('```diff');
    for (const c of r.changes) out.push(`${c.action === 'create' ? '+' : c.action === 'delete' ? '-' : '!'} ${ACTION_SYMBOLS[c.action]} ${describeChange(c)}`);
    out.push('```', '');
  }
  for (const w of r.warnings) out.push(`- ⚠️ ${w}`);
  out.push('<details><summary>schema.cypher</summary>', '', '```diff', r.patch.trimEnd(), '```', '', '</details>', '');
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------- verify

export interface VerifyCheck {
  /** What was checked. */
  name: string;
  /** Passed. */
  ok: boolean;
  /** What failed, one line each; empty when ok. */
  problems: string[];
}

export interface VerifyResult {
  /** True when every check passed. */
  ok: boolean;
  /** The database. */
  database: string;
  /** What it was checked against (a version, or the declaration). */
  against: string;
  /** Each check. */
  checks: VerifyCheck[];
}

/**
 * Verifies the live database (read-only). `onEvent` hears each finished check (with the rows it
 * covered when a content comparison ran), for progress output.
 */
export async function verifyDatabase(config: ResolvedConfig, options: { version?: string; onEvent?: (e: { phase: string; message: string; rows?: number }) => void } = {}): Promise<VerifyResult> {
  let manifest: Manifest | null = null;
  let dir = '';
  if (options.version) {
    dir = versionDir(config.migrations, checkVersionName(options.version));
    if (!fs.existsSync(dir)) throw new RuntimeError(`version ${options.version} does not exist in ${path.resolve(config.migrations)}`, 'E_NO_VERSION', ['run `kuzu-migrate list`']);
    manifest = readManifest(dir);
  }
  if (!fs.existsSync(config.database)) {
    throw new RuntimeError(`database ${config.database} does not exist (${config.databaseOrigin})`, 'E_NO_DATABASE', ['check the path for a typo, or create it with `kuzu-migrate apply --create`']);
  }
  const expected = manifest ? manifest.schema : config.schema;
  const checks = await withEngine(config.database, { readOnly: true }, async (engine) => {
    const checksDone: VerifyCheck[] = [];
    const out = {
      push(c: VerifyCheck, rows?: number) {
        checksDone.push(c);
        options.onEvent?.({ phase: 'verify', message: `${c.ok ? 'ok' : 'FAIL'}: ${c.name}`, ...(rows !== undefined ? { rows } : {}) });
      },
    };
    const live = (await introspect(engine)).schema;
    // Against the declaration, tables `unmanaged:` names are not part of it (a snapshot holds them all).
    const compared = manifest ? live : withoutUnmanaged(live, config.unmanaged ?? []).schema;
    const schemaProblems = schemaFingerprint(compared) === schemaFingerprint(expected) ? [] : diffLenient(compared, expected, []).map((c) => `would need: ${describeChange(c)}`);
    if (schemaFingerprint(compared) !== schemaFingerprint(expected) && schemaProblems.length === 0) schemaProblems.push('schema fingerprints differ');
    out.push({ name: `schema equals ${manifest ? manifest.version : 'the declaration'}`, ok: schemaProblems.length === 0, problems: schemaProblems });
    if (manifest && !manifest.schema_only) {
      const problems = await contentProblems(engine, manifest, live, { dir });
      out.push({ name: `row counts and content equal ${manifest.version}`, ok: problems.length === 0, problems }, manifest.total_rows);
    }
    // Right after an apply (or the recovery of one), while the file is unchanged since: its
    // content must be what the apply recorded before putting it in place.
    const last = manifest ? undefined : (await readHistory(engine)).pop();
    const receipt = last && last.backup_id ? currentReceipt(config.database, path.resolve(config.backups), last.backup_id, last.id) : null;
    if (receipt) {
      const problems = compareDigests(receipt.expected, await digestWith(engine, receipt.rebuilt_tables, { style: digestStyle(receipt.expected) }));
      out.push({ name: `row counts and content equal what apply ${receipt.apply_id} recorded`, ok: problems.length === 0, problems });
    }
    const keyProblems: string[] = [];
    for (const t of live.nodes) {
      const n = `MATCH (n:${quoteIdent(t.name)})`;
      const k = `n.${quoteIdent(t.primaryKey)}`;
      const nulls = Number(await engine.scalar(`${n} WHERE ${k} IS NULL RETURN count(*)`));
      if (nulls) keyProblems.push(`${t.name}: ${nulls} rows with a NULL primary key ${t.primaryKey}`);
      const dups = Number(await engine.scalar(`${n} WITH ${k} AS k, count(*) AS c WHERE c > 1 RETURN count(*)`));
      if (dups) keyProblems.push(`${t.name}: ${dups} duplicated values of primary key ${t.primaryKey}`);
    }
    out.push({ name: 'primary keys are non-NULL and unique', ok: keyProblems.length === 0, problems: keyProblems });
    const endpointProblems: string[] = [];
    for (const r of live.rels) {
      const all = Number(await engine.scalar(`MATCH ()-[r:${quoteIdent(r.name)}]->() RETURN count(*)`));
      let matched = 0;
      for (const c of r.connections) {
        matched += Number(await engine.scalar(`MATCH (a:${quoteIdent(c.from)})-[r:${quoteIdent(r.name)}]->(b:${quoteIdent(c.to)}) WHERE a IS NOT NULL AND b IS NOT NULL RETURN count(*)`));
      }
      if (matched !== all) endpointProblems.push(`${r.name}: ${all - matched} of ${all} relationships have an endpoint outside their declared node tables`);
    }
    out.push({ name: 'every relationship has both endpoints', ok: endpointProblems.length === 0, problems: endpointProblems });
    // Present is not enough: an index must answer a query (QUERY_FTS_INDEX / QUERY_VECTOR_INDEX).
    const expectedIndexes = expected.indexes ?? [];
    if (expectedIndexes.length) {
      const probes = await probeIndexes(engine, expectedIndexes);
      out.push({ name: 'every index exists and answers a query', ok: probes.every((p) => p.ok), problems: probes.filter((p) => !p.ok).map((p) => `${p.table}.${p.name}: ${p.problem}`) });
    }
    if (manifest) {
      const seqProblems: string[] = [];
      for (const q of manifest.schema.sequences ?? []) {
        if (q.position === undefined) continue;
        const now = await sequencePosition(engine, q.name);
        // Used since the snapshot is fine; behind it would hand out values again.
        if (q.position !== null && (now === null || (BigInt(q.increment) > 0n ? BigInt(now) < BigInt(q.position) : BigInt(now) > BigInt(q.position)))) {
          seqProblems.push(`sequence ${q.name}: last value ${now ?? 'none'} is behind ${manifest.version}'s ${q.position}; nextval would repeat values`);
        }
      }
      if ((manifest.schema.sequences ?? []).length) out.push({ name: `sequences are not behind ${manifest.version}`, ok: seqProblems.length === 0, problems: seqProblems });
    }
    for (const check of config.checks) {
      const outcome = await evaluateCheck(engine, check);
      out.push({ name: `check ${check.name}`, ok: outcome.ok, problems: outcome.problem ? [outcome.problem] : [] });
    }
    return checksDone;
  });
  return { ok: checks.every((c) => c.ok), database: config.database, against: manifest ? manifest.version : 'declaration', checks };
}
