// Training-curve figures: which plotly trace type draws a series, and how many points it gets.
import * as assert from 'node:assert/strict';
import { DEFAULT_CURVE_OPTIONS, trainingFigures } from '../../src/charts/trainingCurves';
import { LIGHT_THEME } from '../../src/charts/theme';
import type { Run } from '../../src/logs/model';

/** A decaying, noisy loss of `n` steps with one spike, and a short eval loss. */
function run(n: number): Run {
  const steps = Array.from({ length: n }, (_, i) => i);
  const values = steps.map((i) => 2 * Math.exp(-i / n) + 0.05 * Math.sin(i * 0.7) + (i === Math.floor(n / 2) ? 5 : 0));
  return {
    name: 'run',
    format: 'jsonl',
    scalars: {
      loss: { steps, wallTimes: steps.map(() => null), values },
      eval_loss: { steps: [0, 100, 200], wallTimes: [null, null, null], values: [2, 1.5, 1.2] },
    },
    skipped: {},
  };
}

type Trace = { type: string; name?: string; x: unknown[]; y: number[]; fill?: string };

function traces(n: number, webgl: boolean): Trace[] {
  const [loss] = trainingFigures([run(n)], LIGHT_THEME, { webgl });
  return loss.data as unknown as Trace[];
}

describe('training-curve figures', () => {
  it('draws everything with SVG and at most maxPoints per series without WebGL', () => {
    for (const t of traces(100_000, false)) {
      assert.equal(t.type, 'scatter', t.name);
      assert.ok(t.x.length <= DEFAULT_CURVE_OPTIONS.maxPoints, `${t.name}: ${t.x.length} points`);
    }
  });

  it('draws a 100k-point series with scattergl, decimated to webglMaxPoints, and a short one with SVG', () => {
    const all = traces(100_000, true);
    const long = all.filter((t) => !t.name?.includes('eval_loss'));
    const short = all.filter((t) => t.name?.includes('eval_loss'));
    assert.equal(long.length, 5, 'raw, smoothed, envelope low and high, spikes');
    for (const t of long) {
      assert.equal(t.type, 'scattergl', t.name);
      if (t.name?.endsWith('spikes')) continue;
      assert.ok(t.x.length > DEFAULT_CURVE_OPTIONS.maxPoints && t.x.length <= DEFAULT_CURVE_OPTIONS.webglMaxPoints, `${t.name}: ${t.x.length} points`);
    }
    assert.deepEqual(short.map((t) => t.type), ['scatter', 'scatter']);
  });

  it('keeps the min/max envelope of the raw series when decimating for WebGL', () => {
    const raw = run(100_000).scalars.loss.values;
    const fill = traces(100_000, true).findIndex((t) => t.fill === 'tonexty');
    const [low, high] = traces(100_000, true).slice(fill - 1, fill + 1);
    assert.equal(Math.min(...low.y), Math.min(...raw));
    assert.equal(Math.max(...high.y), Math.max(...raw));
  });

  it('keeps a series of maxPoints points whole, with SVG', () => {
    const smoothed = traces(DEFAULT_CURVE_OPTIONS.maxPoints, true).find((t) => t.name === 'run · loss')!;
    assert.equal(smoothed.type, 'scatter');
    assert.equal(smoothed.x.length, DEFAULT_CURVE_OPTIONS.maxPoints);
  });
});
