/**
 * oclif's help, with command descriptions re-flowed before oclif wraps them to the terminal: the
 * descriptions are written with line breaks at ~95 columns, and wrapping those again at 80 left a
 * short line after every long one. Lines of a paragraph are joined; indented lines, list items and
 * blank lines keep their breaks. Used through `oclif.helpClass` in package.json.
 */
import { Command, Help } from '@oclif/core';

/** Joins the lines of each paragraph of `text` with spaces; indented or list lines stay on their own line. */
export function reflow(text: string): string {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const prev = out.length ? out[out.length - 1] : undefined;
    const keepBreak =
      prev === undefined || prev.trim() === '' || line.trim() === '' || /^\s/.test(line) || /^([-*+]|\d+\.)\s/.test(line) || /^\s/.test(prev) || /[:.]$/.test(prev) && /^[A-Z`]/.test(line) && /:$/.test(prev);
    if (keepBreak) out.push(line);
    else out[out.length - 1] = `${prev} ${line}`;
  }
  return out.join('\n');
}

export default class KuzuMigrateHelp extends Help {
  public override formatCommand(command: Command.Loadable): string {
    return super.formatCommand({ ...command, description: command.description && reflow(command.description) } as Command.Loadable);
  }
}
