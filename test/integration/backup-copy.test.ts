/**
 * The backup's copy (state/backup.ts copyHashing, issue 14): the sha256 it returns is the
 * source's (hashed while the kernel copies it), the copy is byte-for-byte the source with the
 * requested mode, and a planted entry at the target is refused, never written through nor removed. On this file system (ext4/tmpfs: no clones) the copy path runs; where FICLONE works the
 * method is `clone`, and the hash is the clone's (measured in the bench with --cow-dir).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyHashing } from '../../src/state/backup';
import { sha256File } from '../../src/state/files';
import { tempDir } from '../helpers/db';

test('copies in one pass: the hash is the source sha256, the bytes and the mode are right, across 8 MB hash reads', async () => {
  const dir = tempDir('km-backup-copy-');
  const source = path.join(dir, 'db.kuzu');
  fs.writeFileSync(source, crypto.randomBytes(17 * 1024 * 1024 + 123)); // two full 8 MB reads and a tail
  const target = path.join(dir, 'copy.kuzu');
  const r = await copyHashing(source, target, 0o640);
  expect(['copy', 'clone']).toContain(r.method);
  expect(r.sha256).toBe(await sha256File(source));
  expect(fs.readFileSync(target).equals(fs.readFileSync(source))).toBe(true);
  expect(fs.statSync(target).mode & 0o777).toBe(0o640);
});

test('a planted symlink at the target is refused (EEXIST) and its destination left alone', async () => {
  const dir = tempDir('km-backup-copy-');
  const source = path.join(dir, 'db.kuzu');
  fs.writeFileSync(source, 'data');
  const victim = path.join(dir, 'victim');
  fs.writeFileSync(victim, 'untouched');
  const target = path.join(dir, 'copy.kuzu');
  fs.symlinkSync(victim, target);
  await expect(copyHashing(source, target, 0o600)).rejects.toMatchObject({ code: 'EEXIST' });
  expect(fs.readFileSync(victim, 'utf8')).toBe('untouched');
  expect(fs.readlinkSync(target)).toBe(victim);
});
