/**
 * StepLog (src/apply/events.ts): what apply reports about each step, decided from which steps
 * started and finished and how the apply ended. Pure, in-process; the same statuses are checked
 * on real databases in test/integration/apply.test.ts.
 */
import { RuntimeError } from '../../src/core/errors';
import type { Step } from '../../src/core/plan';
import { emitter, StepLog } from '../../src/apply/events';

const steps: Step[] = [1, 2, 3, 4].map((id) => ({ id, phase: id === 4 ? 'create_indexes' : 'in_place', statement: `S${id}`, comment: `step ${id}`, changes: [] }));
const log = () => new StepLog(steps, (s) => [`T${s.id}`]);
const statuses = (r: { status: string }[]) => r.map((x) => x.status);

describe('StepLog', () => {
  it.each([
    ['all ran, applied', [1, 2, 3, 4], null, 'applied', ['applied', 'applied', 'applied', 'applied']],
    ['all ran, a later failure undid them', [1, 2, 3, 4], null, 'rolled_back', ['rolled_back', 'rolled_back', 'rolled_back', 'rolled_back']],
    ['step 3 failed', [1, 2], 3, 'rolled_back', ['rolled_back', 'rolled_back', 'failed', 'not_run']],
    ['refused before any step', [], null, 'rolled_back', ['not_run', 'not_run', 'not_run', 'not_run']],
  ] as const)('%s', (_name, ran, failing, outcome, expected) => {
    const l = log();
    for (const id of ran) { l.started(id); l.ran(id); }
    if (failing !== null) l.started(failing);
    const r = l.settle(outcome);
    expect(statuses(r)).toEqual(expected);
    for (const x of r) expect(x.duration_ms === null).toBe(x.status === 'not_run');
    expect(r.map((x) => [x.index, x.phase, x.action, x.targets])).toEqual(steps.map((s) => [s.id, s.phase, s.comment, [`T${s.id}`]]));
  });

  it('once settled as applied, a later failure does not turn the steps rolled back', () => {
    const l = log();
    for (const s of steps) { l.started(s.id); l.ran(s.id); }
    l.settle('applied');
    const err = new RuntimeError('appending the history log failed', 'E_IO');
    l.attachTo(err);
    expect(statuses(err.steps!)).toEqual(['applied', 'applied', 'applied', 'applied']);
  });

  it('attaches rolled-back reports to an apply error; leaves other errors alone', () => {
    const l = log();
    l.started(1); l.ran(1); l.started(2);
    const err = new RuntimeError('apply failed at step 2', 'E_APPLY');
    l.attachTo(err);
    expect(statuses(err.steps!)).toEqual(['rolled_back', 'failed', 'not_run', 'not_run']);
    const plain = new Error('a bug');
    log().attachTo(plain);
    expect('steps' in plain).toBe(false);
  });

  it('step events carry the step id and count; stage events do not', () => {
    const seen: unknown[] = [];
    const emit = emitter((e) => seen.push(e));
    emit('backup', 'backing up');
    emit('in_place', '1/4 step 1', { id: 1, of: 4 });
    expect(seen).toEqual([{ phase: 'backup', message: 'backing up' }, { phase: 'in_place', message: '1/4 step 1', step: 1, steps: 4 }]);
  });
});
