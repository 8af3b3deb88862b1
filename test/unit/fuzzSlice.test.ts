// A slice of the fuzz suite (npm run fuzz) on every target — panel messages, training logs, notebooks, eval
// cases — with the fixed seed: no crash, hang, lost good result or silent wrong answer may appear.
import * as assert from 'node:assert/strict';
import { runFuzz } from '../fuzz/main';

describe('fuzz slice (seed 20260601, scale 0.1)', function () {
  this.timeout(180_000);

  it('every target gives only clear errors, correct or warned results, and prints its counts', async () => {
    const lines: string[] = [];
    const tally = await runFuzz({ seed: 20260601, scale: 0.1, log: (line) => lines.push(line) });
    const summary = `fuzz (seed 20260601, scale 0.1): ${tally.summary()}`;
    console.log(`      ${[...lines, summary].join('\n      ')}`);
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['panel', 'plot', 'run', 'eval'], 'every target ran');
    assert.ok(tally.total >= 200, `${tally.total} inputs`);
    assert.ok(tally.counts.error > 0 && tally.counts.correct > 0, 'both refusals and correct answers were judged');
    assert.deepEqual(tally.bad.map((f) => `${f.outcome} [${f.target}] ${f.name}: ${f.detail.slice(0, 200)}`), []);
  });
});
