/** Terminal interaction for commands: confirmation prompts and progress lines on stderr. */
import * as readline from 'node:readline';
import { ApplyEvent } from '../apply/apply';

export async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/** Progress on stderr (stdout stays the result), with elapsed time per line. */
export function progressPrinter(): (e: ApplyEvent) => void {
  const start = Date.now();
  return (e) => {
    const s = ((Date.now() - start) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${s}s] ${e.phase}: ${e.message}\n`);
  };
}
