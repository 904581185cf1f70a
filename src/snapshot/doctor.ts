/**
 * `doctor`: a pre-flight checklist before an export, import or apply. Each item is ok, warning
 * or error; only errors fail the command. Reads files and /proc only; never opens the database
 * for writing.
 */
import { detectEngine } from '../engines/detect';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isProcessAlive, readLock } from '../state/lock';
import { ResolvedConfig } from '../config/config';
import { engineMismatch, withEngine } from '../kuzu/engine';
import { KuzuMigrateError, LockedError } from '../core/errors';
import { describeJournal, journalPath, readJournal } from '../state/journal';
import { findRelease } from '../engines/releases';
import { IMPORT_STAGING_PREFIX } from './import';
import { findLeftovers } from '../state/leftovers';
import { STAGING_FOLDER } from './version-name';

export type DoctorStatus = 'ok' | 'warning' | 'error';

export interface DoctorItem {
  /** What is checked. */
  name: string;
  /** Outcome. */
  status: DoctorStatus;
  /** What was found. */
  detail: string;
}

export interface DoctorResult {
  /** True when no item is an error. */
  ok: boolean;
  /** Checklist items. */
  items: DoctorItem[];
}

const NETWORK_FS = /^(nfs|nfs4|cifs|smb|smb2|smbfs|fuse\.sshfs|sshfs|9p|fuse\.s3fs|fuse\.gcsfuse|afs|glusterfs|ceph|fuse\.rclone)$/;

function fmtBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** The nearest existing ancestor of `p` (folders that do not exist yet are created there). */
function existingAncestor(p: string): string {
  let cur = path.resolve(p);
  while (!fs.existsSync(cur) && path.dirname(cur) !== cur) cur = path.dirname(cur);
  return cur;
}

/** Mount entry of the file system holding `p` (longest mount point prefix of /proc/mounts). */
function mountOf(p: string): { point: string; type: string } | null {
  let mounts: string;
  try {
    mounts = fs.readFileSync('/proc/mounts', 'utf8');
  } catch {
    return null;
  }
  const abs = fs.realpathSync(existingAncestor(p));
  let best: { point: string; type: string } | null = null;
  for (const line of mounts.split('\n')) {
    const [, point, type] = line.split(' ');
    if (!point || !type) continue;
    const mp = point.replace(/\\040/g, ' ');
    if ((abs === mp || abs.startsWith(mp.endsWith('/') ? mp : mp + '/')) && (!best || mp.length > best.point.length)) best = { point: mp, type };
  }
  return best;
}

function writable(dir: string): { ok: boolean; why: string } {
  const anc = existingAncestor(dir);
  if (!fs.statSync(anc).isDirectory()) return { ok: false, why: `${anc} is a file, not a folder` };
  try {
    const probe = path.join(anc, `.km-doctor-${process.pid}`);
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return { ok: true, why: anc === path.resolve(dir) ? 'writable' : `does not exist yet; ${anc} is writable` };
  } catch (err) {
    return { ok: false, why: `${anc}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
  }
}

/** The root of the git work tree holding `dir` (or its nearest existing ancestor), or null. */
function gitWorkTree(dir: string): string | null {
  let cur = existingAncestor(dir);
  for (;;) {
    if (fs.existsSync(path.join(cur, '.git'))) return cur;
    const up = path.dirname(cur);
    if (up === cur) return null;
    cur = up;
  }
}

async function openItem(db: string): Promise<DoctorItem> {
  try {
    await withEngine(db, { readOnly: true }, (e) => e.scalar('RETURN 1'));
    return { name: 'open', status: 'ok', detail: 'opens read-only; no other process holds it' };
  } catch (err) {
    if (err instanceof KuzuMigrateError && err.code === 'E_ENGINE_NOT_INSTALLED') return { name: 'open', status: 'warning', detail: err.message };
    if (err instanceof LockedError) return { name: 'open', status: 'error', detail: `${err.message} (Kuzu's file lock): apply would fail; ${err.hints.join('; ')}` };
    return { name: 'open', status: 'error', detail: `not a readable database: ${(err as Error).message.split('\n')[0]} (truncated, or not a Kuzu file?); restore it from a backup (\`kuzu-migrate rollback --backup ID\`)` };
  }
}

export async function runDoctor(config: ResolvedConfig): Promise<DoctorResult> {
  const items: DoctorItem[] = [];
  const db = path.resolve(config.database);
  const dbExists = fs.existsSync(db);
  const dbSize = dbExists && fs.statSync(db).isFile() ? fs.statSync(db).size + (fs.existsSync(db + '.wal') ? fs.statSync(db + '.wal').size : 0) : 0;

  items.push(
    dbExists
      ? { name: 'database', status: 'ok', detail: `${db} (${fmtBytes(dbSize)})` }
      : { name: 'database', status: 'warning', detail: `${db} does not exist yet (apply creates it only with --create or create: true)` },
  );

  if (dbExists) {
    // One detector for doctor, plan/apply (engine.ts) and upgrade: magic bytes, storage version,
    // layout, relative to the configured engine (a LadybugDB file is fine with `engine: ladybug`).
    const target = findRelease(config.engine)!;
    const found = detectEngine(db, target);
    const mismatch = engineMismatch(db, target);
    if (mismatch) items.push({ name: 'storage version', status: 'error', detail: `${mismatch.message}; ${mismatch.hints.join('; ')}` });
    else if (found.storage_version === null) items.push({ name: 'storage version', status: 'warning', detail: found.detail });
    else items.push({ name: 'storage version', status: 'ok', detail: `${found.storage_version} (${found.release ?? found.engine}), as the configured engine (engine: ${config.engine})` });
    // Opening it read-only is what every command does first: it finds Kuzu's own file lock (the
    // database open in another process) and a file that is not a readable database (truncated,
    // text). Measured messages: "Could not set lock on file", "not a valid Kuzu database file",
    // "Reading past the end of the file".
    if (!mismatch) items.push(await openItem(db));
  }
  const journal = readJournal(db);
  if (journal) {
    items.push({
      name: 'interrupted apply',
      status: 'error',
      detail: `journal ${journalPath(db)}: ${describeJournal(journal)}, pid ${journal.pid}, was interrupted in phase ${journal.phase}; run \`kuzu-migrate recover\` (apply settles it too)`,
    });
  }
  const repo = gitWorkTree(path.resolve(config.backups));
  if (repo) {
    items.push({
      name: 'backups location',
      status: 'warning',
      detail: `${path.resolve(config.backups)} is inside the git work tree ${repo}: a fresh CI checkout (or git clean) would not have them; keep backups outside the repository (backups: in the YAML or the environment)`,
    });
  }

  const folders: [string, string][] = [
    ['database folder', path.dirname(db)],
    ['migrations folder', path.resolve(config.migrations)],
    ['backups folder', path.resolve(config.backups)],
  ];
  for (const [name, dir] of folders) {
    const w = writable(dir);
    items.push({ name: `write permission: ${name}`, status: w.ok ? 'ok' : 'error', detail: `${dir}: ${w.why}` });
  }

  for (const [name, dir] of folders) {
    try {
      const s = fs.statfsSync(existingAncestor(dir));
      const free = Number(s.bavail) * Number(s.bsize);
      const need = 2 * dbSize;
      items.push({
        name: `free disk: ${name}`,
        status: free >= need ? 'ok' : 'error',
        detail: `${fmtBytes(free)} free, ${fmtBytes(need)} needed (twice the database, the estimated export or copy size)`,
      });
    } catch (err) {
      items.push({ name: `free disk: ${name}`, status: 'warning', detail: `cannot be read: ${(err as Error).message}` });
    }
  }

  const seen = new Set<string>();
  for (const [name, dir] of folders) {
    const m = mountOf(dir);
    if (!m || seen.has(m.point + name)) continue;
    seen.add(m.point + name);
    items.push(
      NETWORK_FS.test(m.type)
        ? { name: `file system: ${name}`, status: 'warning', detail: `${m.type} at ${m.point}: a network file system; Kuzu's file locks and fsync may not hold there` }
        : { name: `file system: ${name}`, status: 'ok', detail: `${m.type} at ${m.point}` },
    );
  }

  const freeMem = os.freemem();
  items.push({
    name: 'available memory',
    status: freeMem < 256 * 1024 * 1024 ? 'warning' : 'ok',
    detail: `${fmtBytes(freeMem)} free of ${fmtBytes(os.totalmem())}; Kuzu's buffer pool takes up to 80% of memory by default`,
  });

  const lock = readLock(db);
  if (!lock) items.push({ name: 'lock', status: 'ok', detail: 'no lock file' });
  else {
    const alive = lock.host === os.hostname() ? isProcessAlive(lock.pid) : null;
    items.push({
      name: 'lock',
      status: alive === false ? 'warning' : 'error',
      detail:
        alive === false
          ? `stale lock ${lock.id} of ${lock.command} (pid ${lock.pid} is gone): it is taken over by the next run, or remove it with kuzu-migrate unlock ${lock.id}`
          : `held by ${lock.command} (lock ${lock.id}, pid ${lock.pid} on ${lock.host}${alive === null ? ', another host: cannot tell whether it runs' : ', running'})`,
    });
  }

  const leftovers: string[] = findLeftovers(db, path.resolve(config.backups), path.resolve(config.migrations)).map((l) => `${l.path} (${l.why})`);
  const mig = path.resolve(config.migrations);
  if (fs.existsSync(mig) && fs.statSync(mig).isDirectory()) {
    for (const e of fs.readdirSync(mig)) if ((STAGING_FOLDER.test(e) || e.includes('.partial-')) && !leftovers.some((l) => l.startsWith(path.join(mig, e) + ' '))) leftovers.push(path.join(mig, e));
  }
  const dbDir = path.dirname(db);
  if (fs.existsSync(dbDir) && fs.statSync(dbDir).isDirectory()) {
    for (const e of fs.readdirSync(dbDir)) {
      if ((e.startsWith('_km_') || e.startsWith(IMPORT_STAGING_PREFIX)) && !leftovers.some((l) => l.startsWith(path.join(dbDir, e) + ' '))) leftovers.push(path.join(dbDir, e));
    }
  }
  items.push(
    leftovers.length
      ? { name: 'leftover staging files', status: 'warning', detail: `from an interrupted run: ${leftovers.join(', ')}; \`kuzu-migrate recover\` removes the ones whose process is gone` }
      : { name: 'leftover staging files', status: 'ok', detail: 'none' },
  );
  if (fs.existsSync(db + '.shadow')) items.push({ name: 'interrupted checkpoint', status: 'warning', detail: `${db}.shadow exists: a checkpoint was interrupted; \`kuzu-migrate recover\` completes it (read-only commands cannot)` });
  if (fs.existsSync(db + '.wal')) items.push({ name: 'write-ahead log', status: 'warning', detail: `${db}.wal exists: committed changes not yet checkpointed (or a crash); opening the database replays it` });

  return { ok: items.every((i) => i.status !== 'error'), items };
}
