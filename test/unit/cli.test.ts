// The `losslab` command as a user runs it (the built bin/losslab.js in a child process): what it prints,
// where it writes, and its exit codes.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const BIN = path.join(ROOT, 'bin/losslab.js');

function losslab(args: string[], cwd = ROOT) {
  const r = spawnSync('node', [BIN, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tensor = (shape: number[], data: number[], dtype = 'float32') => ({ dtype, shape, data });

describe('losslab eval --check', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-cli-'));
  const golden = JSON.parse(readFileSync(path.join(ROOT, 'test/golden/public.json'), 'utf8'));
  const checked = golden.cases[0];
  const { expected: _, ...unreferenced } = { ...checked, id: 'cross_entropy/basic/no-reference' };

  it('counts a case without `expected` as "no reference", not as passed', () => {
    const file = path.join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify({ format: 'losslab-golden/1', cases: [checked, unreferenced] }));
    const r = losslab(['eval', '--check', file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^op\s+passed\s+failed\s+no reference$/m);
    assert.match(r.stdout, /^cross_entropy\s+1\s+0\s+1$/m);
    assert.match(r.stdout, /^1 passed, 0 failed, 1 with no reference/m);
  });

  it('counts a case that fails to run as failed even without `expected`', () => {
    const file = path.join(dir, 'bad.json');
    const bad = { id: 'cross_entropy/bad', op: 'cross_entropy', inputs: { input: tensor([1, 2], [0, 1]), target: tensor([1], [5], 'int64') } };
    writeFileSync(file, JSON.stringify({ format: 'losslab-golden/1', cases: [checked, bad] }));
    const r = losslab(['eval', '--check', file]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^1 passed, 1 failed, 0 with no reference/m);
    assert.match(r.stdout, /cross_entropy\/bad: .*5/);
  });
});

describe('losslab plot', () => {
  it('exits 1 with "no training logs found under …" for a folder without logs, and writes nothing', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'losslab-cli-'));
    const r = losslab(['plot', path.join(ROOT, 'examples/notebooks')], cwd);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /no training logs found under .*examples\/notebooks/);
    assert.ok(!existsSync(path.join(cwd, 'report.html')));
  });

  it('exits 1 for a file that is not a training log, and for a path that does not exist', () => {
    const notebook = losslab(['plot', path.join(ROOT, 'examples/notebooks/07-bce-and-pos-weight.lossnb'), '-o', path.join(os.tmpdir(), 'never.html')]);
    assert.equal(notebook.status, 1);
    assert.match(notebook.stderr, /no training logs found under .*07-bce-and-pos-weight\.lossnb/);
    const missing = losslab(['plot', 'no/such/run']);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /no such file or folder: no\/such\/run/);
  });

  it('without -o writes ./report.html and says where', () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'losslab-cli-'));
    const r = losslab(['plot', path.join(ROOT, 'examples/logs/char-lm/trainer_log.jsonl')], cwd);
    assert.equal(r.status, 0, r.stderr);
    const report = path.join(cwd, 'report.html');
    assert.ok(existsSync(report));
    assert.ok(r.stderr.includes(`wrote ${report} (no -o given: report.html in the current folder): `), r.stderr);
    assert.match(r.stderr, /: [1-9]\d* charts from 1 run\(s\)/);
  });
});

describe('losslab plot --format csv and the view selection', () => {
  /** Four Lightning-style runs: 2 learning rates × 2 seeds, each a metrics.csv. */
  function sweep(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-sweep-'));
    for (const lr of ['1e-3', '3e-4']) {
      for (const seed of [0, 1]) {
        const run = path.join(dir, `lr=${lr}`, `seed=${seed}`);
        mkdirSync(run, { recursive: true });
        const rows = ['step,train_loss,val_loss', ...[0, 10, 20].map((s) => `${s},${(1 / (s + 1) + seed / 10).toFixed(4)},${s === 20 ? 0.5 + seed : ''}`)];
        writeFileSync(path.join(run, 'metrics.csv'), rows.join('\n') + '\n');
      }
    }
    return dir;
  }

  it('prints every point of the runs and tags the filters keep as run,tag,step,wall_time,value', () => {
    const dir = sweep();
    const r = losslab(['plot', dir, '--format', 'csv', '--runs', 'seed=1|!3e-4', '--tags', '!val']);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trimEnd().split('\n'), [
      'run,tag,step,wall_time,value',
      'lr=1e-3/seed=1/metrics.csv,train_loss,0,,1.1',
      'lr=1e-3/seed=1/metrics.csv,train_loss,10,,0.1909',
      'lr=1e-3/seed=1/metrics.csv,train_loss,20,,0.1476',
    ]);
    const all = losslab(['plot', dir, '--format', 'csv']);
    assert.equal(all.stdout.trimEnd().split('\n').length, 1 + 4 * 4);
  });

  it('writes grouped bands into the report and counts the groups; a bad regex or level is named', () => {
    const dir = sweep();
    const out = path.join(dir, 'bands.html');
    const r = losslab(['plot', dir, '--group-level', '1', '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /charts from 4 run\(s\) in 2 group\(s\)/);
    assert.ok(readFileSync(out, 'utf8').includes('lr=3e-4/seed=*/metrics.csv (n=2) · train_loss'));
    const bad = losslab(['plot', dir, '--group-by', 'seed=(']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Invalid group regex "seed=\(": /);
    const level = losslab(['plot', dir, '--group-level', 'x']);
    assert.equal(level.status, 2);
    assert.match(level.stderr, /--group-level expects a folder level \(0 for the first folder\), got 'x'/);
  });
});

describe('losslab plot --smoother', () => {
  it('draws the chosen smoother (NumPy reference) and names a bad one', () => {
    const fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/curves/smoothing.json'), 'utf8')) as { steps: number[]; values: (number | null)[]; cases: { weight: number; time_ema: (number | null)[] }[] };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-smooth-'));
    const rows = fixture.steps.flatMap((s, i) => (fixture.values[i] === null ? [] : [`${s},${fixture.values[i]}`]));
    writeFileSync(path.join(dir, 'metrics.csv'), ['step,loss', ...rows].join('\n') + '\n');
    const out = path.join(dir, 'report.html');
    const r = losslab(['plot', dir, '--smoother', 'time_ema', '--smoothing', '0.9', '-o', out]);
    assert.equal(r.status, 0, r.stderr);
    const figures = JSON.parse(/const figures = (.*);\n/.exec(readFileSync(out, 'utf8'))![1]) as { data: { name?: string; x: number[]; y: number[] }[] }[];
    const line = figures[0].data.find((t) => t.name?.endsWith('· loss'))!;
    const expected = new Map(fixture.steps.map((s, i) => [s, fixture.cases.find((c) => c.weight === 0.9)!.time_ema[i]]));
    assert.equal(line.x.length, fixture.steps.length - 1);
    // The log's values are held as float32 (about 7 significant digits): the reference is float64 NumPy.
    line.x.forEach((s, i) => assert.ok(Math.abs(line.y[i] - expected.get(s)!) < 1e-6 * Math.max(1, Math.abs(expected.get(s)!)), `step ${s}: ${line.y[i]} vs ${expected.get(s)}`));
    const bad = losslab(['plot', dir, '--smoother', 'gaussian']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--smoother expects ema, time_ema, moving_average, got 'gaussian'/);
  });
});
