// Training-curve figures: which plotly trace type draws a series, and how many points it gets.
import * as assert from 'node:assert/strict';
import { DEFAULT_CURVE_OPTIONS, legendHeight, MAX_SPIKE_MARKERS, runsWithoutWallTimes, trainingFigures } from '../../src/charts/trainingCurves';
import { findSpikes } from '../../src/logs/curves';
import { LIGHT_THEME } from '../../src/charts/theme';
import { seriesFrom, type Run } from '../../src/logs/model';

/** A decaying, noisy loss of `n` steps with one spike, and a short eval loss. */
function run(n: number): Run {
  const steps = Array.from({ length: n }, (_, i) => i);
  const values = steps.map((i) => 2 * Math.exp(-i / n) + 0.05 * Math.sin(i * 0.7) + (i === Math.floor(n / 2) ? 5 : 0));
  return {
    name: 'run',
    format: 'jsonl',
    scalars: {
      loss: seriesFrom(steps, values),
      eval_loss: seriesFrom([0, 100, 200], [2, 1.5, 1.2]),
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

/** A run with the given series (no wall times unless given). */
function runOf(name: string, scalars: Record<string, { values: number[]; wallTimes?: (number | null)[] }>): Run {
  return {
    name,
    format: 'jsonl',
    scalars: Object.fromEntries(
      Object.entries(scalars).map(([tag, s]) => [tag, seriesFrom(s.values.map((_, i) => (i + 1) * 10), s.values, s.wallTimes)]),
    ),
    skipped: {},
  };
}

type Layout = { xaxis: { type: string; title: { text: string } }; yaxis: Record<string, unknown> };

describe('training-curve figures: axes, schedules and spike markers', () => {
  it('keeps the step axis, and says so, for a log without wall times when the x axis is wall time', () => {
    const noTimes = runOf('char-lm', { loss: { values: [3, 2.5, 2] } });
    const timed = runOf('tb', { accuracy: { values: [0.5, 0.6], wallTimes: [1_767_225_600, 1_767_225_660] } });
    const figures = trainingFigures([noTimes, timed], LIGHT_THEME, { x: 'wall_time' });
    const byMetric = Object.fromEntries(figures.map((f) => [f.metric, f]));
    const loss = byMetric.loss.layout as unknown as Layout;
    assert.equal(loss.xaxis.type, 'linear');
    assert.equal(loss.xaxis.title.text, 'step (no wall times logged)');
    assert.deepEqual((byMetric.loss.data as unknown as Trace[]).find((t) => t.name === 'char-lm · loss')!.x, [10, 20, 30]);
    const accuracy = byMetric.accuracy.layout as unknown as Layout;
    assert.equal(accuracy.xaxis.type, 'date');
    assert.equal((byMetric.accuracy.data as unknown as Trace[]).find((t) => t.name === 'tb · accuracy')!.x[0], '2026-01-01T00:00:00.000Z');
    assert.deepEqual(runsWithoutWallTimes([noTimes, timed]), ['char-lm']);
  });

  it('marks only the 20 largest loss spikes of a run, and says how many there were', () => {
    // A flat loss with 60 spikes of growing height, further apart than the detector's 100-point window.
    const values = Array.from({ length: 12_000 }, (_, i) => (i % 200 === 150 ? 2 + i / 1000 : 1 + 0.01 * Math.sin(i)));
    const found = findSpikes(values);
    assert.equal(found.length, 60);
    const [figure] = trainingFigures([runOf('run', { loss: { values } })], LIGHT_THEME);
    const markers = (figure.data as unknown as Trace[]).filter((t) => t.name?.includes('spikes'));
    assert.equal(markers.length, 1);
    assert.equal(MAX_SPIKE_MARKERS, 20);
    assert.equal(markers[0].name, 'run · loss spikes (20 largest of 60)');
    assert.equal(markers[0].y.length, 20);
    // The largest: the last 20 (the highest), in step order.
    assert.deepEqual(markers[0].y, found.slice(-20).map((s) => Math.fround(values[s.index])));
  });

  it('writes a learning rate as 3e-4 (no SI prefix such as 300μ) and does not smooth epoch or lr', () => {
    const lr = Array.from({ length: 50 }, (_, i) => 3e-5 * Math.min(i + 1, 10));
    const epoch = Array.from({ length: 50 }, (_, i) => (i + 1) * 0.02);
    const figures = trainingFigures([runOf('run', { loss: { values: epoch.map((e) => 3 - e + 0.1 * Math.sin(e * 50)) }, lr: { values: lr }, epoch: { values: epoch }, learning_rate: { values: lr } })], LIGHT_THEME, { smoothing: 0.9 });
    const byMetric = Object.fromEntries(figures.map((f) => [f.metric, f]));
    for (const metric of ['lr', 'learning_rate', 'loss']) assert.equal((byMetric[metric].layout as unknown as Layout).yaxis.exponentformat, 'e', metric);
    for (const metric of ['lr', 'epoch', 'learning_rate']) {
      const data = byMetric[metric].data as unknown as Trace[];
      assert.equal(data.length, 1, `${metric}: one trace, no faint raw curve under a smoothed one`);
      assert.deepEqual(data[0].y, (metric === 'epoch' ? epoch : lr).map(Math.fround), metric);
    }
    const loss = byMetric.loss.data as unknown as Trace[];
    assert.ok(loss.some((t) => t.name === 'run · loss (raw)'), 'the loss is still smoothed');
  });

  it('gives a log-y axis over several decades one label per decade or few, not crowded 2s and 5s', () => {
    const values = Array.from({ length: 200 }, (_, i) => 10 * Math.exp(-i / 15)); // 10 … 2e-5: ~5.7 decades
    const [figure] = trainingFigures([runOf('run', { loss: { values } })], LIGHT_THEME, { logY: true });
    const yaxis = (figure.layout as unknown as Layout).yaxis;
    assert.equal(yaxis.type, 'log');
    assert.equal(yaxis.dtick, 2);
    assert.equal(yaxis.exponentformat, 'e');
    const [narrow] = trainingFigures([runOf('run', { loss: { values: [3, 2, 1.5] } })], LIGHT_THEME, { logY: true });
    assert.equal((narrow.layout as unknown as Layout).yaxis.nticks, 5);
  });
});

describe('training-curve legends', () => {
  /** `n` runs of a loss with a spike and an eval loss: two legend groups per run, one of them two entries tall. */
  const runs = (n: number) => Array.from({ length: n }, (_, i) => ({ ...run(400), name: `run ${i + 1} (adam, lr 0.0${i + 1}, token)` }));
  type Layout = { height: number; margin: { t: number; b: number }; legend: { y: number; yanchor: string; maxheight: number }; title: { yref: string; y: number; yanchor: string } };
  const layout = (n: number, width?: number) => trainingFigures(runs(n), LIGHT_THEME, { width })[0].layout as unknown as Layout;

  it('puts the legend above the plot, under the title, never below with the x-axis title', () => {
    const l = layout(3);
    assert.equal(l.legend.y, 1);
    assert.equal(l.legend.yanchor, 'bottom');
    assert.deepEqual([l.title.yref, l.title.y, l.title.yanchor], ['container', 1, 'top']);
  });

  it('reserves room for every row of the legend and keeps the plot the same height however many runs', () => {
    const plot = (l: Layout) => l.height - l.margin.t - l.margin.b;
    const [one, twelve] = [layout(1, 900), layout(12, 900)];
    assert.equal(plot(one), plot(twelve));
    assert.ok(twelve.margin.t > one.margin.t + 3 * 20, `12 runs: top margin ${twelve.margin.t}, 1 run: ${one.margin.t}`);
    assert.ok(twelve.legend.maxheight > twelve.margin.t, 'no scroll box');
    // A narrower chart wraps the same entries into more rows.
    assert.ok(layout(12, 450).margin.t > twelve.margin.t);
  });

  it('lays out the legend as plotly wraps grouped entries: a group per row when only one fits', () => {
    const entries = [
      { group: 'a', text: 'a · loss' },
      { group: 'a', text: 'a · loss spikes' },
      { group: 'b', text: 'b · loss' },
    ];
    // Two groups of widths 40 + 6.16 × 15 and 40 + 6.16 × 8 in one row of 400 px: the taller one, two entries.
    assert.equal(legendHeight(entries, 400), 2 * 20 + 10);
    // In 100 px each group takes a row: 40 + 10 (gap) + 20 + 10 (padding).
    assert.equal(legendHeight(entries, 100), 40 + 10 + 20 + 10);
    assert.equal(legendHeight([], 400), 0);
  });
});
