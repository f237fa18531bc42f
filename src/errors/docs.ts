import { ERROR_DOMAINS } from './codes.js';
import { EXIT_CODE_TABLE } from './exit-codes.js';

/** Markdown for docs/EXIT_CODES.md: the exit codes, then every error code by domain. */
export function renderExitCodeMarkdown(): string {
  const rows = EXIT_CODE_TABLE.map((r) => `| ${r.code} | \`${r.name}\` | ${r.meaning} | ${r.example} | ${r.code === 0 ? '' : r.restart ? 'yes' : 'no'} |`);
  const name = new Map(EXIT_CODE_TABLE.map((r) => [r.code as number, r.name]));
  const codes = Object.entries(ERROR_DOMAINS).flatMap(([domain, table]) =>
    Object.entries(table).map(([code, info]) => `| \`${code}\` | ${domain} | ${info.exit} \`${name.get(info.exit)}\` | ${info.meaning} |`),
  );
  return [
    '# Exit codes',
    '',
    '<!-- Generated from src/errors/ by `npm run docs:exit-codes`; do not edit by hand. -->',
    '',
    'Every `flock` command exits with one of these codes. With `--json`, a failure also prints',
    '`{"error":{"code":"<CODE>","exitCode":<n>,"message":"...","hint":"..."}}` on stdout;',
    'without it, `error: <message>` and `hint: <next step>` go to stderr.',
    '',
    '| Code | Name | Meaning | Example | Restart helps |',
    '| ---: | --- | --- | --- | --- |',
    ...rows,
    '',
    '"Restart helps": whether running the same command again can succeed with nothing changed.',
    'The systemd units (deploy/systemd/) restart on the others and list these "no" codes in',
    '`RestartPreventExitStatus=`.',
    '',
    '## Error codes',
    '',
    'The `code` of a `--json` error. Each always exits with the same exit code; `BUG` (exit 1) is',
    'anything unexpected.',
    '',
    '| Error code | Domain | Exit | Meaning |',
    '| --- | --- | --- | --- |',
    ...codes,
    '',
  ].join('\n');
}
