// Seeds as bands: grouping runs, the band statistics against NumPy (float64), filters, stable colours, export.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { bandFigures } from '../../src/charts/bandFigures';
import { selectRuns, viewFigures, DEFAULT_SELECTION } from '../../src/charts/curveView';
import { runColor, RUN_PALETTE } from '../../src/charts/runColors';
import { DEFAULT_CURVE_OPTIONS, trainingFigures } from '../../src/charts/trainingCurves';
import { LIGHT_THEME } from '../../src/charts/theme';
import { bandOf, smoothedBand } from '../../src/logs/bands';
import { CSV_HEADER, scalarsCsv } from '../../src/logs/export';
import { FilterError, parseFilter } from '../../src/logs/filters';
import { groupRuns } from '../../src/logs/groups';
import { seriesFrom, type Run } from '../../src/logs/model';

const RUNS = ['lr=1e-3/seed=0', 'lr=1e-3/seed=1', 'lr=3e-4/seed=0', 'lr=3e-4/seed=1', 'baseline'];

function run(name: string, offset: number, tags = ['train/loss', 'eval/loss', 'learning_rate']): Run {
  const steps = Array.from({ length: 50 }, (_, i) => i * 10);
  const scalars = Object.fromEntries(tags.map((t) => [t, seriesFrom(steps, steps.map((s) => Math.exp(-s / 200) + offset), steps.map((s) => 1.7e9 + s))]));
  return { name, format: 'jsonl', scalars, skipped: {} };
}

type Trace = { name?: string; x: number[]; y: number[]; fill?: string; line?: { color?: string }; customdata?: number[] };

describe('grouping runs', () => {
  it('by folder level: the varying component becomes *', () => {
    assert.deepEqual(groupRuns(RUNS, { kind: 'folder', level: 1 }), [
      { name: 'lr=1e-3/seed=*', runs: ['lr=1e-3/seed=0', 'lr=1e-3/seed=1'] },
      { name: 'lr=3e-4/seed=*', runs: ['lr=3e-4/seed=0', 'lr=3e-4/seed=1'] },
      { name: 'baseline', runs: ['baseline'] },
    ]);
    assert.deepEqual(groupRuns(RUNS, { kind: 'folder', level: 0 }).map((g) => g.name), ['lr=*/seed=0', 'lr=*/seed=1', '*']);
  });

  it('by regex: without captures the matches become *, with captures the captures name the group', () => {
    assert.deepEqual(groupRuns(RUNS, { kind: 'regex', pattern: 'seed=\\d+' }).map((g) => [g.name, g.runs.length]), [['lr=1e-3/*', 2], ['lr=3e-4/*', 2], ['baseline', 1]]);
    assert.deepEqual(groupRuns(RUNS, { kind: 'regex', pattern: '^lr=([^/]+)' }).map((g) => [g.name, g.runs]), [['1e-3', ['lr=1e-3/seed=0', 'lr=1e-3/seed=1']], ['3e-4', ['lr=3e-4/seed=0', 'lr=3e-4/seed=1']], ['baseline', ['baseline']]]);
  });

  it('ungrouped: one group per run; a bad regex names itself', () => {
    assert.equal(groupRuns(RUNS, { kind: 'none' }).length, RUNS.length);
    assert.throws(() => groupRuns(RUNS, { kind: 'regex', pattern: 'seed=(' }), (e: Error) => e instanceof FilterError && /Invalid group regex "seed=\(": /.test(e.message));
  });
});

describe('band statistics', () => {
  it('match NumPy (float64) on members with different steps, ranges and a NaN', () => {
    const ref = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/curves/bands.json'), 'utf8')) as {
      members: { steps: number[]; values: (number | null)[] }[];
      steps: number[];
      mean: number[];
      std: number[];
      min: number[];
      max: number[];
      count: number[];
    };
    const band = bandOf(ref.members.map((m) => ({ steps: m.steps, values: m.values.map((v) => v ?? NaN) })));
    assert.deepEqual(Array.from(band.steps), ref.steps);
    assert.deepEqual(Array.from(band.count), ref.count);
    for (const key of ['mean', 'std', 'min', 'max'] as const) {
      const worst = ref[key].reduce((w, v, i) => Math.max(w, Math.abs(band[key][i] - v) / Math.max(1, Math.abs(v))), 0);
      assert.ok(worst < 1e-12, `${key}: worst relative error ${worst}`);
    }
    // Where only some members stand: 3 of 4 before step 30 (one starts late), 2 at the last step.
    assert.equal(band.count[0], 3);
    assert.equal(band.count[band.count.length - 1], 2);
  });

  it('members on the same steps, smoothed by the debiased EMA as the band is built, match float64 written out here (a constant member unsmoothed)', () => {
    const steps = Array.from({ length: 5000 }, (_, i) => i * 3);
    const members = [0, 1, 2, 3, 4].map((k) => ({ steps, values: steps.map((s, i) => (k === 4 ? 0.5 : Math.exp(-s / 4000) + 0.3 * Math.sin(i * (k + 1.3)) + k * 0.01)) }));
    for (const weight of [0, 0.6, 0.99]) {
      // TensorBoard's debiased EMA: last = w·last + (1 − w)·y, shown as last / (1 − w^n); a constant series as it is.
      const smooth = (v: number[]) => (v.every((y) => y === v[0]) ? v : v.map(((last, n) => (y: number) => ((last = weight * last + (1 - weight) * y), n++, last / (1 - Math.pow(weight, n))))(0, 0)));
      const curves = members.map((m) => smooth(m.values));
      const band = smoothedBand(members, 'ema', weight);
      assert.deepEqual(Array.from(band.steps), steps);
      let worst = 0;
      steps.forEach((_, i) => {
        const col = curves.map((c) => c[i]);
        const mean = col.reduce((a, b) => a + b, 0) / col.length;
        const std = Math.sqrt(col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length);
        const want = { mean, std, min: Math.min(...col), max: Math.max(...col) };
        for (const key of ['mean', 'std', 'min', 'max'] as const) worst = Math.max(worst, Math.abs(band[key][i] - want[key]) / Math.max(1, Math.abs(want[key])));
        assert.equal(band.count[i], 5);
      });
      assert.ok(worst < 1e-9, `weight ${weight}: worst relative error ${worst}`);
    }
  });

  it('a repeated step keeps the last value; unsorted steps are sorted; a single member has zero spread', () => {
    const band = bandOf([{ steps: [2, 0, 1, 1], values: [3, 1, 5, 2] }]);
    assert.deepEqual(Array.from(band.steps), [0, 1, 2]);
    assert.deepEqual(Array.from(band.mean), [1, 2, 3]);
    assert.deepEqual(Array.from(band.std), [0, 0, 0]);
  });
});

describe('grouped figures', () => {
  const runs = RUNS.map((n, i) => run(n, i * 0.1));

  it('one mean line per group and metric tag, a ± std band under it, the member count in the legend', () => {
    const selected = selectRuns(runs, { ...DEFAULT_SELECTION, groupBy: { kind: 'regex', pattern: '(?<=seed=)\\d+' } });
    const [loss] = viewFigures(selected, true, 'std', LIGHT_THEME, { ...DEFAULT_CURVE_OPTIONS, smoothing: 0 });
    const traces = loss.data as unknown as Trace[];
    const legend = traces.filter((t) => !t.fill && !t.name?.endsWith('lower')).map((t) => t.name);
    assert.deepEqual(legend, ['lr=1e-3/seed=* (n=2) · train/loss', 'lr=1e-3/seed=* (n=2) · eval/loss', 'lr=3e-4/seed=* (n=2) · train/loss', 'lr=3e-4/seed=* (n=2) · eval/loss', 'baseline (n=1) · train/loss', 'baseline (n=1) · eval/loss']);
    const mean = traces.find((t) => t.name === 'lr=1e-3/seed=* (n=2) · train/loss')!;
    const upper = traces.find((t) => t.fill === 'tonexty' && t.name?.startsWith('lr=1e-3/seed=* (n=2) · train/loss'))!;
    // Members differ by 0.1 everywhere: mean = curve + 0.05, std = 0.05.
    assert.ok(Math.abs(mean.y[0] - 1.05) < 1e-6 && Math.abs(upper.y[0] - 1.1) < 1e-6, `${mean.y[0]} ${upper.y[0]}`);
    assert.deepEqual(mean.customdata?.slice(0, 3), [2, 2, 2]);
    assert.equal(mean.line?.color, runColor('lr=1e-3/seed=*'));
  });

  it('min–max bands span the members; the learning rate is not smoothed', () => {
    const selected = selectRuns(runs.slice(0, 2), { ...DEFAULT_SELECTION, groupBy: { kind: 'folder', level: 1 } });
    const figures = bandFigures(selected.runs, selected.groups, LIGHT_THEME, { ...DEFAULT_CURVE_OPTIONS, smoothing: 0.9 }, 'minmax');
    const lr = figures.find((f) => f.metric === 'learning_rate')!.data as unknown as Trace[];
    const [lower, upper, mean] = lr;
    assert.equal(lower.y[5], runs[0].scalars.learning_rate.values[5]);
    assert.equal(upper.y[5], runs[1].scalars.learning_rate.values[5]);
    assert.ok(Math.abs(mean.y[5] - (lower.y[5] + upper.y[5]) / 2) < 1e-12);
  });
});

describe('run and tag filters', () => {
  it('alternatives with |, exclusions with !, case-insensitive', () => {
    const names = ['train/loss', 'eval/loss', 'learning_rate', 'eval/accuracy', 'Train/Acc'];
    const keep = (text: string) => names.filter((n) => parseFilter(text, 'tag').test(n));
    assert.deepEqual(keep(''), names);
    assert.deepEqual(keep('loss|acc'), ['train/loss', 'eval/loss', 'eval/accuracy', 'Train/Acc']);
    assert.deepEqual(keep('!eval'), ['train/loss', 'learning_rate', 'Train/Acc']);
    assert.deepEqual(keep('loss|!eval'), ['train/loss']);
    assert.deepEqual(keep('(train|eval)/loss'), ['train/loss', 'eval/loss']);
    assert.deepEqual(keep('[|]|rate'), ['learning_rate']);
  });

  it('an invalid regex is named, and the view leaves that filter off and says so', () => {
    assert.throws(() => parseFilter('loss|(', 'tag'), (e: Error) => e instanceof FilterError && /^Invalid tag filter "\(": /.test(e.message));
    const selected = selectRuns(RUNS.map((n) => run(n, 0)), { ...DEFAULT_SELECTION, runFilter: 'seed=1|!3e-4', tagFilter: '[' });
    assert.deepEqual(selected.runs.map((r) => r.name), ['lr=1e-3/seed=1']);
    assert.equal(Object.keys(selected.runs[0].scalars).length, 3);
    assert.equal(selected.errors.length, 1);
    assert.match(selected.errors[0], /Invalid tag filter "\[": /);
  });

  it('unticked runs and filtered tags are left out', () => {
    const selected = selectRuns(RUNS.map((n) => run(n, 0)), { ...DEFAULT_SELECTION, hidden: ['baseline'], tagFilter: '!eval' });
    assert.deepEqual(selected.runs.map((r) => r.name), RUNS.slice(0, 4));
    assert.deepEqual(Object.keys(selected.runs[0].scalars), ['train/loss', 'learning_rate']);
  });
});

describe('run colours', () => {
  it('come from the name alone: the same whatever the other runs, their order or the theme', () => {
    const a = trainingFigures([run('a', 0), run('b', 0)], LIGHT_THEME)[0].data as unknown as Trace[];
    const b = trainingFigures([run('b', 0)], { ...LIGHT_THEME, palette: ['#000000'] })[0].data as unknown as Trace[];
    const colorOf = (ts: Trace[], name: string) => ts.find((t) => t.name === `${name} · train/loss`)!.line!.color;
    assert.equal(colorOf(a, 'b'), colorOf(b, 'b'));
    assert.equal(colorOf(a, 'b'), runColor('b'));
    assert.ok((RUN_PALETTE as readonly string[]).includes(runColor('b')));
    // The 12 runs of a 3 × 4 sweep do not all share one colour.
    const sweep = ['1e-3', '3e-4', '1e-4'].flatMap((lr) => [0, 1, 2, 3].map((s) => runColor(`lr=${lr}/seed=${s}`)));
    assert.ok(new Set(sweep).size >= 6, sweep.join(' '));
  });

  it('a colour the user set wins; an invalid one is ignored', () => {
    assert.equal(runColor('a', { a: '#ABCDEF' }), '#abcdef');
    assert.equal(runColor('a', { a: 'red; background: url(x)' }), runColor('a'));
    const [loss] = trainingFigures([run('a', 0)], LIGHT_THEME, { colors: { a: '#123456' } });
    assert.ok((loss.data as unknown as Trace[]).every((t) => !t.line?.color || t.line.color === '#123456'));
  });
});

describe('scalar export (long CSV)', () => {
  it('one row per point: run, tag, step, wall_time, value; quoted where needed; nan/inf as pandas reads them', () => {
    const runs: Run[] = [
      { name: 'a,b', format: 'csv', scalars: { loss: seriesFrom([0, 1], [0.1, NaN]) }, skipped: {} },
      { name: 'c', format: 'tfevents', scalars: { 'eval/"x"': seriesFrom([5], [-Infinity], [1700000000.25]), lr: seriesFrom([5], [3e-4], [1]) }, skipped: {} },
    ];
    assert.equal(scalarsCsv(runs), [CSV_HEADER, '"a,b",loss,0,,0.1', '"a,b",loss,1,,nan', 'c,"eval/""x""",5,1700000000.25,-inf', 'c,lr,5,1,0.0003', ''].join('\n'));
    assert.equal(scalarsCsv(runs, (t) => t === 'lr'), [CSV_HEADER, 'c,lr,5,1,0.0003', ''].join('\n'));
  });
});
