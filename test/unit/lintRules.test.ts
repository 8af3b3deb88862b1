// Each rule against its case files: test/lint/rules/llNNN.positive.py (every case is one module; a line
// ending in `# expect: LLNNN` is where a finding must be) and llNNN.negative.py (look-alikes: no finding of
// that rule). Cases are split at `# --- name` lines.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lintPython } from '../../src/lint/lint';
import { loadPython } from '../../src/lint/parser';
import { RULE_CODES } from '../../src/lint/rule';

const DIR = path.resolve(__dirname, '../lint/rules');

interface Case {
  name: string;
  text: string;
  expected: string[];
}

export function cases(file: string): Case[] {
  const out: Case[] = [];
  for (const chunk of readFileSync(file, 'utf8').split(/^(?=# --- )/m)) {
    const [first, ...rest] = chunk.split('\n');
    if (!first.startsWith('# --- ')) continue;
    const text = ['', ...rest].join('\n'); // keep the case's line numbers 1-based from the header
    const expected = text.split('\n').flatMap((l, i) => [...l.matchAll(/# expect: (LL\d{3})/g)].map((m) => `${i + 1} ${m[1]}`));
    out.push({ name: first.slice(6), text, expected });
  }
  return out;
}

const found = (text: string, code?: string) => lintPython(text).findings.filter((f) => !code || f.code === code).map((f) => `${f.line + 1} ${f.code}`);

describe('loss linter rules', () => {
  before(() => loadPython());

  for (const code of RULE_CODES) {
    const stem = path.join(DIR, code.toLowerCase());
    describe(code, () => {
      const positives = cases(`${stem}.positive.py`);
      const negatives = cases(`${stem}.negative.py`);
      it('has at least 6 positive and 6 look-alike negative cases', () => {
        assert.ok(positives.length >= 6, `${positives.length} positive cases`);
        assert.ok(negatives.length >= 6, `${negatives.length} negative cases`);
        for (const c of positives) assert.ok(c.expected.some((e) => e.endsWith(code)), `${c.name}: marks no ${code}`);
      });
      for (const c of positives) it(`finds: ${c.name}`, () => assert.deepEqual(found(c.text), c.expected));
      for (const c of negatives) it(`stays silent: ${c.name}`, () => assert.deepEqual(found(c.text, code), []));
    });
  }
});
