import { BaseCommand } from '../cli/base';
import { ExitCode } from '../core/errors';
import { DoctorResult, runDoctor } from '../snapshot/doctor';

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Pre-flight checklist: disk, permissions, storage version, file system, memory, locks, leftovers.';
  static override description = `Each item is ok, warning or error. Exit 0 when there is no error, 1 otherwise.`;

  static override examples = [{ description: 'Before a migration', command: '<%= config.bin %> doctor' }];

  public async run(): Promise<DoctorResult> {
    const r = await runDoctor(this.loadConfig());
    const mark = { ok: 'ok     ', warning: 'warning', error: 'ERROR  ' } as const;
    this.out(r.items.map((i) => `${mark[i.status]}  ${i.name}: ${i.detail}`).join('\n'));
    if (!r.ok) process.exitCode = ExitCode.Error;
    return r;
  }
}
