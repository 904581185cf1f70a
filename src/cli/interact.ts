/** Terminal interaction for commands: confirmation prompts and progress lines on stderr. */
import * as readline from 'node:readline';

export async function confirmOnTerminal(question: string): Promise<boolean> {
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
    return answer.trim() === 'yes';
  } finally {
    rl.close();
  }
}

/**
 * Progress of any use case (apply, rollback, upgrade) on stderr (stdout stays the result), as
 * `[seconds] phase: message`.
 */
export function progressPrinter(): (e: { phase: string; message: string }) => void {
  const start = Date.now();
  return (e) => {
    const s = ((Date.now() - start) / 1000).toFixed(1).padStart(6);
    process.stderr.write(`[${s}s] ${e.phase}: ${e.message}\n`);
  };
}
