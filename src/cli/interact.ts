/** Terminal interaction for commands: confirmation prompts (progress is in output.ts). */
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
