// The bench's printed rows: every figure carries the unit it was measured in (a memory row's MB are not ms).
import * as assert from 'node:assert/strict';
import { jsonRow, textRow } from '../../src/bench/timing';

describe('bench rows', () => {
  it('prints a time row in ms and a memory row in MB, each with its ratio', () => {
    const time = textRow('parse log', 150, 'JSON.parse loop', 100);
    assert.match(time, /engine +150\.0 ms +JSON\.parse loop +100\.0 ms +ratio 1\.500$/);
    const memory = textRow('load folder RSS growth', 120.25, 'budget', 300, 'MB');
    assert.match(memory, /engine +120\.3 MB +budget +300\.0 MB +ratio 0\.401$/);
    assert.doesNotMatch(memory, /ms/);
  });

  it('names the JSON figures after their unit', () => {
    assert.deepEqual(jsonRow('parse log', 150, 'JSON.parse loop', 100), { name: 'parse log', engine_ms: 150, baseline: 'JSON.parse loop', baseline_ms: 100, ratio: 1.5 });
    assert.deepEqual(jsonRow('RSS growth', 120.25, 'budget', 300, 'MB'), { name: 'RSS growth', engine_mb: 120.25, baseline: 'budget', baseline_mb: 300, ratio: 0.401 });
  });
});
