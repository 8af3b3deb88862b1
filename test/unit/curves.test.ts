// Curve arithmetic against the reference algorithms: TensorBoard smoothing, the spike rule, decimation.
import * as assert from 'node:assert/strict';
import { decimateMinMax, findSpikes, smoothTensorBoard } from '../../src/logs/curves';

/** TensorBoard's classic smoothing, transcribed from its description (the reference for these tests). */
function reference(ys: number[], weight: number): number[] {
  const w = Number.isFinite(weight) ? Math.min(1, Math.max(0, weight)) : 0;
  const finite = ys.filter(Number.isFinite);
  if (finite.length && finite.every((y) => y === finite[0])) return ys;
  let last = 0;
  let n = 0;
  return ys.map((y) => {
    if (!Number.isFinite(y)) return y;
    last = last * w + (1 - w) * y;
    n++;
    return w === 1 ? last : last / (1 - Math.pow(w, n));
  });
}

describe('TensorBoard smoothing', () => {
  it('returns a constant series unchanged (no debias drift)', () => {
    assert.deepEqual(smoothTensorBoard([0.3, 0.3, 0.3], 0.9), [0.3, 0.3, 0.3]);
  });

  it('passes NaN and Inf through, uncounted', () => {
    const ys = [1, NaN, 3, Infinity, 2];
    const out = smoothTensorBoard(ys, 0.6);
    assert.ok(Number.isNaN(out[1]));
    assert.equal(out[3], Infinity);
    // The finite points are smoothed as if the others were absent.
    const finiteOnly = smoothTensorBoard([1, 3, 2], 0.6);
    assert.deepEqual([out[0], out[2], out[4]], finiteOnly);
  });

  it('two points: debiased EMA', () => {
    const w = 0.6;
    // n=1: (1−w)·1 / (1−w) = 1; n=2: (w(1−w)·1 + (1−w)·3) / (1 − w²)
    assert.deepEqual(smoothTensorBoard([1, 3], w), [1, (w * (1 - w) * 1 + (1 - w) * 3) / (1 - w * w)]);
  });

  it('matches the reference on a noisy series for several weights, incl. 0, 1 and out-of-range', () => {
    const ys = Array.from({ length: 200 }, (_, i) => Math.exp(-i / 50) + Math.sin(i) * 0.1);
    for (const w of [0, 0.3, 0.6, 0.99, 1, 1.7, -0.2, NaN]) assert.deepEqual(smoothTensorBoard(ys, w), reference(ys, w), `w = ${w}`);
  });
});

describe('loss spikes (mean + k·std over a window, after ≥ 10 points)', () => {
  it('flags a jump, not the noise before it, and nothing before 10 points', () => {
    const ys = Array.from({ length: 60 }, (_, i) => 2 + (i % 3) * 0.01);
    ys[40] = 3;
    assert.deepEqual(findSpikes(ys).map((s) => s.index), [40]);
    const early = [2, 2.01, 2, 9, 2, 2.01, 2, 2, 2.01, 2];
    assert.deepEqual(findSpikes(early), []);
  });
});

describe('min/max decimation', () => {
  it('keeps every bucket’s extremes, so a one-point spike survives 100k → 2k points', () => {
    const ys = Array.from({ length: 100_000 }, (_, i) => Math.sin(i / 1000));
    ys[54_321] = 50;
    const keep = decimateMinMax(ys, 1000);
    assert.ok(keep.length <= 2000);
    assert.ok(keep.includes(54_321));
    assert.deepEqual(keep, [...keep].sort((a, b) => a - b));
  });
});
