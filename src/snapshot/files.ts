/** File helpers for snapshot folders: walking, checksums, reading manifests. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuntimeError } from '../core/errors';
import { CHANGELOG_FILE, Manifest, MANIFEST_FILE, ManifestFile, manifestProblem } from './manifest';

// Checksums and fsync are the same for snapshot files as for database files: one implementation.
export { sha256File as sha256Of, fsyncPath } from '../state/files';
import { sha256File as sha256Of } from '../state/files';

/** Every regular file under `dir`, relative and `/`-separated, sorted. */
export function walkFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walkFiles(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out.sort();
}

/** Checksums of every file in `dir` except the manifest and the (editable) changelog. */
export async function checksumFolder(dir: string): Promise<ManifestFile[]> {
  const out: ManifestFile[] = [];
  for (const rel of walkFiles(dir)) {
    if (rel === MANIFEST_FILE || rel === CHANGELOG_FILE) continue;
    const abs = path.join(dir, ...rel.split('/'));
    out.push({ path: rel, bytes: fs.statSync(abs).size, sha256: await sha256Of(abs) });
  }
  return out;
}

export function readManifest(versionDir: string): Manifest {
  const file = path.join(versionDir, MANIFEST_FILE);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new RuntimeError(
      code === 'ENOENT' ? `${file} is missing: ${versionDir} is not a complete snapshot` : `${file} cannot be read: ${(err as Error).message}`,
      'E_MANIFEST',
      ['run `kuzu-migrate list` to see the versions that exist'],
    );
  }
  const problem = manifestProblem(parsed);
  if (problem) throw new RuntimeError(`${file} is not a kuzu-migrate manifest: ${problem}`, 'E_MANIFEST');
  return parsed as Manifest;
}

/**
 * Compares every file listed in the manifest with its checksum. Returns one line per problem
 * (missing file, size or checksum mismatch), naming the file; empty when all match.
 */
export async function checkFiles(versionDir: string, manifest: Manifest): Promise<string[]> {
  const problems: string[] = [];
  for (const f of manifest.files) {
    const abs = path.join(versionDir, ...f.path.split('/'));
    if (!fs.existsSync(abs)) {
      problems.push(`${f.path} is missing`);
      continue;
    }
    const size = fs.statSync(abs).size;
    if (size !== f.bytes) {
      problems.push(`${f.path} has ${size} bytes, the manifest says ${f.bytes}`);
      continue;
    }
    const sum = await sha256Of(abs);
    if (sum !== f.sha256) problems.push(`${f.path} does not match its checksum (sha256 ${sum}, manifest ${f.sha256})`);
  }
  return problems;
}


/** Turns an fs error on a folder we must write into a user-facing error naming the folder. */
export function folderError(err: unknown, what: string, dir: string): RuntimeError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  const why =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? 'permission denied'
      : code === 'ENOTDIR'
        ? 'a part of the path is a file, not a folder'
        : code === 'ENOSPC'
          ? 'no space left on the device'
          : (err as Error).message;
  return new RuntimeError(`cannot write the ${what} folder ${dir}: ${why}`, 'E_IO', ['check the path and its permissions, or run `kuzu-migrate doctor`']);
}
