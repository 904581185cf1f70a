/** Terminal interaction for commands: confirmation prompts and signals (progress is in output.ts). */
import * as readline from 'node:readline';
import { ExitCode, InterruptedError } from '../core/errors';

/**
 * Asks on the terminal (the prompt goes to stderr, so stdout may be piped). Resolves true only for
 * "yes"; Ctrl-D (end of input) is a no. Ctrl-C at the prompt, or `signal` aborting (SIGTERM),
 * rejects with InterruptedError: the caller's finally blocks (the lock) run, nothing changed.
 */
export async function confirmOnTerminal(question: string, signal?: AbortSignal): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await new Promise<boolean>((resolve, reject) => {
      let settled = false;
      const interrupt = (name: 'SIGINT' | 'SIGTERM') => {
        if (settled) return;
        settled = true;
        process.stderr.write('\n');
        reject(new InterruptedError(name, `interrupted by ${name} at the prompt: nothing changed`));
      };
      rl.on('SIGINT', () => interrupt('SIGINT'));
      rl.on('close', () => {
        if (!settled) {
          settled = true;
          process.stderr.write('\n');
          resolve(false);
        }
      });
      signal?.addEventListener('abort', () => interrupt(signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT'), { once: true });
      if (signal?.aborted) return interrupt(signal.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT');
      rl.question(question, (answer) => {
        if (settled) return;
        settled = true;
        resolve(answer.trim() === 'yes');
      });
    });
  } finally {
    rl.close();
  }
}

/**
 * Turns SIGINT/SIGTERM into an aborted signal (reason: the signal's name) that the operation checks
 * at safe points, so it rolls back, releases the lock and reports the database's state. A second
 * signal exits at once (the lock of a dead process is taken over by the next run).
 */
export function trapSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const handler = (name: 'SIGINT' | 'SIGTERM') => () => {
    if (controller.signal.aborted) process.exit(name === 'SIGTERM' ? ExitCode.Terminated : ExitCode.Interrupted);
    process.stderr.write(`\nreceived ${name}: stopping at the next safe point (send it again to exit at once)\n`);
    controller.abort(name);
  };
  const onInt = handler('SIGINT');
  const onTerm = handler('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}
