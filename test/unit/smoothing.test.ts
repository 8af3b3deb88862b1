// The three smoothers against NumPy float64 references (scripts/fixtures/smoothing.py → test/fixtures/curves/smoothing.json).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { centredMovingAverage, smoothSeries, timeWeightedEma, SMOOTHERS } from '../../src/logs/smoothing';
import { smoothTensorBoard } from '../../src/logs/curves';

interface Fixture {
  steps: number[];
  values: (number | null)[];
  cases: ({ weight: number } & Record<'ema' | 'time_ema' | 'moving_average', (number | null)[]>)[];
}
const fixture = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/curves/smoothing.json'), 'utf8')) as Fixture;
const values = fixture.values.map((v) => (v === null ? NaN : v));

function assertClose(actual: number[], expected: (number | null)[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((a, i) => {
    const e = expected[i];
    if (e === null) assert.ok(Number.isNaN(a), `${what}[${i}]: ${a}, expected NaN`);
    else assert.ok(Math.abs(a - e) <= 1e-12 * Math.max(1, Math.abs(e)), `${what}[${i}]: ${a}, expected ${e}`);
  });
}

describe('smoothers (NumPy float64 references, uneven steps, one NaN)', () => {
  for (const c of fixture.cases) {
    for (const smoother of SMOOTHERS) {
      it(`${smoother} with weight ${c.weight}`, () => assertClose(smoothSeries(fixture.steps, values, smoother, c.weight), c[smoother], `${smoother}@${c.weight}`));
    }
  }

  it('the time-weighted EMA is TensorBoard’s EMA on evenly spaced points', () => {
    const ys = Array.from({ length: 100 }, (_, i) => Math.exp(-i / 30) + 0.1 * Math.sin(i * 1.7));
    const even = ys.map((_, i) => 5 * i);
    const tb = smoothTensorBoard(ys, 0.8);
    timeWeightedEma(even, ys, 0.8).forEach((v, i) => assert.ok(Math.abs(v - tb[i]) < 1e-12, `${i}: ${v} vs ${tb[i]}`));
  });

  it('after a long gap the time-weighted EMA follows the new level faster than the plain EMA', () => {
    const xs = [...Array.from({ length: 20 }, (_, i) => i), 1000];
    const ys = [...Array(20).fill(2), 1];
    const last = (a: number[]) => a[a.length - 1];
    assert.ok(Math.abs(last(timeWeightedEma(xs, ys, 0.9)) - 1) < 1e-6);
    assert.ok(last(smoothTensorBoard(ys, 0.9)) > 1.5);
  });

  it('the centred moving average keeps a constant series and spans 2·round(s/(1−s)) + 1 points', () => {
    assert.deepEqual(centredMovingAverage([0.3, 0.3, 0.3, 0.3], 0.9), [0.3, 0.3, 0.3, 0.3]);
    // s = 0.5: h = 1, a window of 3.
    assert.deepEqual(centredMovingAverage([0, 3, 6, 9], 0.5), [1.5, 3, 6, 7.5]);
  });

  it('weight 0 (and a non-finite weight) returns the values', () => {
    for (const smoother of SMOOTHERS) for (const w of [0, NaN]) assert.deepEqual(smoothSeries([0, 1, 2], [1, 5, 2], smoother, w), [1, 5, 2]);
  });
});
