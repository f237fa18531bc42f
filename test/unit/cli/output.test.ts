import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { printResult, toJson } from '../../../src/cli/output.js';

function sink() {
  let text = '';
  const stream = Object.assign(
    new Writable({
      write(chunk, _e, cb) {
        text += chunk;
        cb();
      },
    }),
    { columns: 100 },
  );
  return { stream, text: () => text };
}

describe('output', () => {
  it('JSON: bigints become decimal strings', () => {
    expect(JSON.parse(toJson({ a: 10n ** 24n, b: [1n], c: 'x' }))).toEqual({ a: '1000000000000000000000000', b: ['1'], c: 'x' });
  });

  it('--json prints only JSON, whatever the human renderer does', async () => {
    const s = sink();
    await printResult({ n: 1n }, true, () => 'human', s.stream);
    expect(JSON.parse(s.text())).toEqual({ n: '1' });
  });

  it('human: strings and lines', async () => {
    const s = sink();
    await printResult({ n: 1 }, false, (r) => [`n = ${r.n}`, 'done'], s.stream);
    expect(s.text()).toBe('n = 1\ndone\n');
  });

  it('human: tables are rendered once with ink, aligned', async () => {
    const s = sink();
    await printResult(null, false, () => ({ table: { headers: ['NAME', 'AMOUNT'], rows: [['alice', '1.5'], ['bob', '100']], alignRight: [1] } }), s.stream);
    expect(s.text().split('\n').slice(0, 3)).toEqual(['NAME   AMOUNT', 'alice     1.5', 'bob       100']);
  });
});
