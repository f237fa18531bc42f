import type { Command } from 'commander';
import { buildProgram } from './program.js';

/** One row per runnable command: its usage line and description, for the README. */
export function renderCommandTable(program: Command = buildProgram()): string {
  const rows: string[] = [];
  const visit = (cmd: Command, prefix: string[]) => {
    for (const sub of cmd.commands) {
      if (sub.name() === 'help') continue;
      const path = [...prefix, sub.name()];
      if (sub.commands.length > 0) visit(sub, path);
      else {
        const usage = `flock ${path.join(' ')} ${sub.usage().replace('[options]', '').trim()}`.trim();
        const required = sub.options.filter((o) => o.mandatory).map((o) => o.flags.replace(/^-\w, /, ''));
        rows.push(`| \`${[usage, ...required].join(' ')}\` | ${sub.description().replace(/\|/g, '\\|')} |`);
      }
    }
  };
  visit(program, []);
  return ['| command | what it does |', '| --- | --- |', ...rows, ''].join('\n');
}
