/**
 * Building a database on a private copy and putting it into place with one rename.
 *
 * Why (measured, docs/security.md "Crash safety"): Kuzu 0.11.3 makes the catalog of a COMMIT
 * durable before the pages a COPY wrote. Killed 0–200 ms after COMMIT of a transaction that
 * rebuilt 300k-row tables, the file reopens with the new schema, the history row and the
 * rebuilt tables EMPTY (4 of 4 kills at 0/25/50/100 ms; a checkpoint's `.shadow` is left). No
 * amount of care around the COMMIT makes the live file old-or-new, so every apply builds its
 * result in a copy inside a private folder next to the database and swaps it in with rename(2),
 * which is atomic: before the rename the live file is the untouched original, after it the
 * complete new file (closed, so checkpointed, and fsynced before the rename).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuntimeError } from '../core/errors';
import { COMPANION_SUFFIXES } from './files';
import { fsyncPath, makePrivateDir } from './private';

export interface Staged {
  /** The private folder (0700) next to the database; removed when the apply is over. */
  dir: string;
  /** The database file being built, named like the real one. */
  file: string;
}

/** A private staging folder next to `dbPath` (same file system, so the swap is a rename). */
export function stageBeside(dbPath: string, label = 'build'): Staged {
  const dir = makePrivateDir(path.dirname(dbPath), label);
  return { dir, file: path.join(dir, path.basename(dbPath)) };
}


/**
 * Puts the closed database `staged` at `dbPath` by one rename. The staged file must stand alone
 * (closed, so checkpointed: no `.wal`/`.shadow`), else RuntimeError E_SWAP and nothing moves: a
 * companion renamed separately could land beside the OLD file if we were killed between the two
 * renames, and a stale WAL is replayed into whatever file is at its path (kuzu-notes §6). The
 * target's companions are removed first for the same reason. `mode`: the permission bits the
 * new file gets (the database's own, issue 16 item 7).
 * Precondition: the caller holds the migration lock and `dbPath` is a real path (no symlink).
 */
export function swapIntoPlace(staged: string, dbPath: string, mode?: number): void {
  prepareStaged(staged, mode);
  renameIntoPlace(staged, dbPath);
}

/**
 * The first half of swapIntoPlace, for a caller with something to do between it and the rename
 * (apply keeps the original as its backup there): checks that `staged` stands alone (else E_SWAP,
 * nothing moved), gives it `mode` and fsyncs it.
 */
export function prepareStaged(staged: string, mode?: number): void {
  const left = COMPANION_SUFFIXES.filter((s) => fs.existsSync(staged + s));
  if (left.length) throw new RuntimeError(`the new database was not closed cleanly (${left.join(', ')} left); nothing was replaced`, 'E_SWAP');
  if (mode !== undefined) fs.chmodSync(staged, mode);
  fsyncPath(staged);
}

/** The second half of swapIntoPlace: the target's companions removed, one rename, the folder fsynced. */
export function renameIntoPlace(staged: string, dbPath: string): void {
  for (const s of COMPANION_SUFFIXES) fs.rmSync(dbPath + s, { force: true });
  fs.renameSync(staged, dbPath);
  fsyncPath(path.dirname(dbPath));
}

/** Moves a database (a file with its companions, or a folder) from `from` to `to`: renames only, then fsyncs the folder. */
export function moveDatabase(from: string, to: string): void {
  fs.renameSync(from, to);
  for (const s of COMPANION_SUFFIXES) if (fs.existsSync(from + s)) fs.renameSync(from + s, to + s);
  fsyncPath(path.dirname(to));
}

/**
 * The swap for a database that may be a folder (older Kuzu releases) and whose original must be
 * kept until the caller is done: the original moves to `keepAt` (inside the caller's working
 * folder), then `staged` into its place — two renames, each atomic. The caller's journal says
 * which side of them a kill happened on (settleUpgrade, state/recover.ts). `between` runs between
 * the two renames (fault injection in tests).
 * Precondition: the caller holds the migration lock and has journaled phase `swapping`.
 */
export function swapKeepingOriginal(staged: string, dbPath: string, keepAt: string, between?: () => void): void {
  moveDatabase(dbPath, keepAt);
  between?.();
  moveDatabase(staged, dbPath);
}
