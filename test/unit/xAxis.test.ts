// The x axis of training curves: a metric's points placed on a logged series by their step (exact, between
// logged steps, outside them), the refusal of a series that decreases, relative time, and the figures, the
// status notes and `losslab plot --x` on Hugging Face trainer_state.json files and a real HF Trainer event file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { placementOf } from '../../src/charts/curveAxis';
import { DEFAULT_SELECTION, selectRuns, viewFigures, xAxisNotes } from '../../src/charts/curveView';
import { LIGHT_THEME } from '../../src/charts/theme';
import { DEFAULT_CURVE_OPTIONS, trainingFigures } from '../../src/charts/trainingCurves';
import { loadRuns } from '../../src/logs/files';
import { seriesFrom, type Run, type Series } from '../../src/logs/model';
import { alignToSteps, firstDecrease, monotoneTags, stepMap, tagAxisOf } from '../../src/logs/xAxis';

const ROOT = path.resolve(__dirname, '../..');
const AXES = path.join(ROOT, 'test/fixtures/curves/axes');

const series = (steps: number[], values: number[], wallTimes?: (number | null)[]): Series => seriesFrom(steps, values, wallTimes);
const runOf = (name: string, scalars: Record<string, Series>): Run => ({ name, format: 'jsonl', scalars, skipped: {} });
type Trace = { name?: string; x: (number | string)[]; y: number[] };

describe('x axis: a metric placed on a logged series by step', () => {
  it('takes the value logged at the same step, interpolates between logged steps, and leaves out steps outside them', () => {
    const tokens = stepMap(series([10, 20, 40], [1000, 3000, 4000]));
    // 15: halfway from 1000 to 3000; 30: halfway from 3000 to 4000; 25: a quarter of the way.
    assert.deepEqual(Array.from(alignToSteps(tokens, [10, 15, 20, 25, 30, 40])), [1000, 2000, 3000, 3250, 3500, 4000]);
    assert.deepEqual(Array.from(alignToSteps(tokens, [5, 41, NaN])), [NaN, NaN, NaN]);
    // Metric steps in any order (an eval line logged before the train line of the same step).
    assert.deepEqual(Array.from(alignToSteps(tokens, [40, 10, 20])), [4000, 1000, 3000]);
  });

  it('keeps the last value logged at a repeated step and leaves out non-finite points of the x series', () => {
    const map = stepMap(series([20, 10, 20, 30], [2500, 1000, 3000, NaN]));
    assert.deepEqual([Array.from(map.steps), Array.from(map.xs)], [[10, 20], [1000, 3000]]);
  });

  it('names the run, the tag and the step where a series first decreases, and a run that has no such series', () => {
    const resumed = runOf('resumed', { tokens: series([10, 20, 30, 40], [100, 200, 50, 150]), loss: series([10, 20, 30, 40], [3, 2, 1, 0.5]) });
    assert.deepEqual(firstDecrease(resumed.scalars.tokens), { step: 30, from: 200, to: 50 });
    assert.equal(tagAxisOf(resumed, 'tokens'), 'resumed: tokens decreases at step 30 (from 200 to 50), so it cannot be the x axis: the run is not drawn');
    assert.equal(tagAxisOf(resumed, 'epoch'), 'resumed has no epoch to use as the x axis: it is not drawn');
    // Equal values are not a decrease (non-decreasing is enough: epoch stays put during eval).
    assert.equal(firstDecrease(series([1, 2, 3], [0.5, 0.5, 1])), undefined);
    assert.deepEqual(monotoneTags([resumed]), []);
    assert.deepEqual(monotoneTags([resumed, runOf('b', { tokens: series([1, 2], [5, 6]) })]), ['tokens']);
  });

  it('draws the other runs on the series and leaves out the refused one, and the status says why', () => {
    const good = runOf('good', { tokens: series([0, 10, 20], [0, 400, 1000]), loss: series([0, 5, 10, 20, 30], [3, 2.5, 2, 1, 0.9]) });
    const bad = runOf('bad', { tokens: series([0, 10, 20], [0, 400, 100]), loss: series([0, 10, 20], [3, 2, 1]) });
    const selected = selectRuns([good, bad], DEFAULT_SELECTION);
    const options = { ...DEFAULT_CURVE_OPTIONS, x: 'tokens', smoothing: 0 };
    const [loss] = viewFigures(selected, false, 'std', LIGHT_THEME, options).filter((f) => f.metric === 'loss');
    const traces = loss.data as unknown as Trace[];
    assert.deepEqual(traces.map((t) => t.name), ['good · loss']);
    // Step 5 lies between tokens 0 and 400; step 30 is past the last tokens point: not drawn.
    assert.deepEqual(traces[0].x, [0, 200, 400, 1000]);
    assert.deepEqual(traces[0].y, [3, 2.5, 2, 1]);
    assert.equal((loss.layout.xaxis as { title: { text: string } }).title.text, 'tokens');
    assert.deepEqual(xAxisNotes(selected, false, 'tokens'), [
      'bad: tokens decreases at step 20 (from 400 to 100), so it cannot be the x axis: the run is not drawn',
      'good: 1 point(s) of loss lie outside the steps where tokens was logged and are not drawn',
    ]);
    // Grouped runs are drawn as bands over steps: nothing is refused there.
    assert.deepEqual(xAxisNotes(selected, true, 'tokens'), []);
  });

  it('finds the x series in a run even when the tag filter hides its chart', () => {
    const run = runOf('r', { tokens: series([0, 10], [0, 800]), loss: series([0, 10], [2, 1]) });
    const selected = selectRuns([run], { ...DEFAULT_SELECTION, tagFilter: 'loss' });
    const figures = viewFigures(selected, false, 'std', LIGHT_THEME, { ...DEFAULT_CURVE_OPTIONS, x: 'tokens', smoothing: 0 });
    assert.deepEqual(figures.map((f) => f.metric), ['loss']);
    assert.deepEqual((figures[0].data as unknown as Trace[])[0].x, [0, 800]);
  });

  it('relative time: seconds since the run\'s first point (of any tag), in hours once a run spans 2 h', () => {
    const a = runOf('a', { loss: series([1, 2, 3], [3, 2, 1], [1000, 1060, 1900]), lr: series([0], [0.1], [990]) });
    const short = placementOf([a], 'relative');
    assert.equal(short.title, 'relative time (s)');
    assert.deepEqual(short.xsOf('a', a.scalars.loss), [10, 70, 910]);
    const b = runOf('b', { loss: series([1, 2], [3, 2], [5000, 5000 + 3 * 3600]) });
    const long = placementOf([a, b], 'relative');
    assert.equal(long.title, 'relative time (h)');
    assert.deepEqual(long.xsOf('b', b.scalars.loss), [0, 3]);
    assert.deepEqual(long.xsOf('a', a.scalars.loss), [10 / 3600, 70 / 3600, 910 / 3600]);
  });
});

describe('x axis on real logs', () => {
  /** log_history as the file holds it, read independently of the log reader. */
  const history = (name: string) => (JSON.parse(readFileSync(path.join(AXES, name, 'trainer_state.json'), 'utf8')) as { log_history: Record<string, number>[] }).log_history;

  it('trainer_state.json with num_input_tokens_seen: loss and eval_loss drawn at the tokens of their own log entries', async () => {
    const runs = await loadRuns(AXES);
    assert.deepEqual(monotoneTags(runs.filter((r) => r.name.startsWith('tokens'))).filter((t) => /tokens|epoch/.test(t)), ['epoch', 'num_input_tokens_seen']);
    const selected = selectRuns(runs, DEFAULT_SELECTION);
    const figures = viewFigures(selected, false, 'std', LIGHT_THEME, { ...DEFAULT_CURVE_OPTIONS, x: 'num_input_tokens_seen', smoothing: 0 });
    const loss = figures.find((f) => f.metric === 'loss')!.data as unknown as Trace[];
    const entries = history('tokens');
    const train = loss.find((t) => t.name === 'tokens/trainer_state.json · loss')!;
    assert.deepEqual(train.x, entries.filter((e) => 'loss' in e).map((e) => e.num_input_tokens_seen));
    assert.deepEqual(train.y, entries.filter((e) => 'loss' in e).map((e) => Math.fround(e.loss)));
    const evals = loss.find((t) => t.name === 'tokens/trainer_state.json · eval_loss')!;
    assert.deepEqual(evals.x, entries.filter((e) => 'eval_loss' in e).map((e) => e.num_input_tokens_seen));
    // The resumed run (its counter restarted) and the event file (no such tag) are named and not drawn.
    assert.ok(!loss.some((t) => t.name?.startsWith('resumed/') || t.name?.startsWith('t5-tensorboard')), loss.map((t) => t.name).join(' | '));
    const resumed = history('resumed').filter((e) => 'loss' in e);
    const at = resumed.findIndex((e, i) => i > 0 && e.num_input_tokens_seen < resumed[i - 1].num_input_tokens_seen);
    assert.deepEqual(xAxisNotes(selected, false, 'num_input_tokens_seen'), [
      `resumed/trainer_state.json: num_input_tokens_seen decreases at step ${resumed[at].step} (from ${resumed[at - 1].num_input_tokens_seen} to ${resumed[at].num_input_tokens_seen}), so it cannot be the x axis: the run is not drawn`,
      't5-tensorboard has no num_input_tokens_seen to use as the x axis: it is not drawn',
    ]);
  });

  it('a Hugging Face Trainer event file on relative time (hours from its first point) and on train/epoch', async () => {
    const [t5] = (await loadRuns(AXES)).filter((r) => r.name === 't5-tensorboard');
    const relative = trainingFigures([t5], LIGHT_THEME, { x: 'relative', smoothing: 0 }).find((f) => f.metric === 'loss')!;
    const x = (relative.data as unknown as Trace[])[0].x as number[];
    const walls = Array.from(t5.scalars['train/loss'].wallTimes);
    assert.equal((relative.layout.xaxis as { title: { text: string } }).title.text, 'relative time (h)');
    assert.equal(x[0], 0); // the loss is the first tag that run logged
    assert.ok(Math.abs(x[x.length - 1] - (walls[walls.length - 1] - walls[0]) / 3600) < 1e-9);
    assert.ok(x[x.length - 1] > 15 && x[x.length - 1] < 15.3, `${x[x.length - 1]} h`);
    const byEpoch = trainingFigures([t5], LIGHT_THEME, { x: 'train/epoch', smoothing: 0 }).find((f) => f.metric === 'loss')!;
    const epochs = (byEpoch.data as unknown as Trace[])[0].x as number[];
    // train/epoch is logged with every train/loss (same steps): the loss's x is the epoch of its step.
    assert.deepEqual(epochs, Array.from(t5.scalars['train/epoch'].values.slice(0, epochs.length)));
    assert.ok(epochs[epochs.length - 1] > 2.9 && epochs[epochs.length - 1] <= 3, String(epochs[epochs.length - 1]));
  });

  it('losslab plot --x num_input_tokens_seen names the refused runs and draws the other; --x relative and a wrong tag', () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'losslab-axes-')), 'report.html');
    const run = (...args: string[]) => spawnSync('node', [path.join(ROOT, 'bin/losslab.js'), 'plot', AXES, '-o', out, ...args], { encoding: 'utf8' });
    const tokens = run('--x', 'num_input_tokens_seen', '--smoothing', '0');
    assert.equal(tokens.status, 0, tokens.stderr);
    assert.match(tokens.stderr, /losslab plot: resumed\/trainer_state\.json: num_input_tokens_seen decreases at step 60 \(from 163392 to 32544\)/);
    assert.match(tokens.stderr, /losslab plot: t5-tensorboard has no num_input_tokens_seen to use as the x axis/);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /"title":\{"text":"num_input_tokens_seen"\}/);
    assert.ok(html.includes('tokens/trainer_state.json · loss') && !html.includes('resumed/trainer_state.json · loss'));
    const relative = run('--x', 'relative', '--runs', 't5');
    assert.equal(relative.status, 0, relative.stderr);
    assert.match(readFileSync(out, 'utf8'), /"title":\{"text":"relative time \(h\)"\}/);
    const wrong = run('--x', 'tokens_seen');
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /no run can be drawn with --x tokens_seen: nothing to plot \(series that never decrease: .*num_input_tokens_seen/);
    const empty = run('--x', '');
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /--x expects step, wall_time, relative or the tag of a logged series, got ''/);
  });
});
