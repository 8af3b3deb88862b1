// Hyperparameter readers against files as the frameworks write them (scripts/fixtures/hparams.py: PyYAML's dump
// for Lightning, Hugging Face's json.dumps layouts, torch.utils.tensorboard's add_hparams records), and the
// runs table built from them.
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { metricColumns, parallelCoordinates } from '../../src/charts/parallelCoordinates';
import { formatCell, runsTable, sortRows } from '../../src/charts/runsTable';
import { LIGHT_THEME } from '../../src/charts/theme';
import { LogFileError, loadRuns } from '../../src/logs/files';
import { hparamsFromYaml } from '../../src/logs/hparams';
import { seriesFrom, type Run } from '../../src/logs/model';

const FIXTURES = path.join(__dirname, '../fixtures/hparams');

describe('hyperparameter readers', () => {
  it('TensorBoard hparams plugin: add_hparams sessions folded into their run, with the metric scalars', async () => {
    const errors: LogFileError[] = [];
    const runs = await loadRuns(path.join(FIXTURES, 'tensorboard'), (e) => errors.push(e));
    assert.deepEqual(errors, []);
    assert.deepEqual(runs.map((r) => r.name), ['lr=0.0003', 'lr=0.001']);
    const [slow, fast] = runs;
    // add_hparams stores ints and bools as number_value.
    assert.deepEqual(fast.hparams, { lr: 0.001, optimizer: 'adamw', batch_size: 32, use_amp: 1, seed: 0 });
    assert.deepEqual(slow.hparams, { lr: 0.0003, optimizer: 'adamw', batch_size: 32, use_amp: 1, seed: 1 });
    assert.deepEqual(Object.keys(fast.scalars).sort(), ['hparam/loss', 'train/loss']);
    assert.equal(fast.scalars['train/loss'].values.length, 5);
    assert.ok(Math.abs(fast.scalars['hparam/loss'].values[0] - 2 / 1.04) < 1e-6);
    // The plugin's summaries are read, not counted as skipped.
    assert.deepEqual(fast.skipped, {});
  });

  it('Hugging Face: trainer_state.json run fields, training_args.json and the model config.json beside it', async () => {
    const [run] = await loadRuns(path.join(FIXTURES, 'huggingface'));
    const h = run.hparams!;
    assert.equal(h.train_batch_size, 8);
    assert.equal(h.max_steps, 20);
    assert.equal(h.num_train_epochs, 1);
    assert.equal(h.learning_rate, 5e-5);
    assert.equal(h.lr_scheduler_type, 'linear');
    assert.equal(h.bf16, false);
    assert.equal(h.report_to, '["tensorboard"]');
    assert.equal(h['model/model_type'], 'gpt2');
    assert.equal(h['model/n_layer'], 12);
    assert.equal(h['model/task_specific_params/text-generation/max_length'], 50);
    assert.ok(!('log_history' in h) && !('deepspeed' in h) && !('global_step' in h) && !Object.keys(h).some((k) => k.startsWith('stateful_callbacks')), Object.keys(h).join(' '));
    assert.ok(run.scalars.loss && run.scalars.eval_loss);
  });

  it('Lightning: hparams.yaml beside metrics.csv, nested keys joined with /, a python tuple kept as its list', async () => {
    const [run] = await loadRuns(path.join(FIXTURES, 'lightning'));
    assert.equal(run.name, 'version_0/metrics.csv');
    assert.deepEqual(run.hparams, { batch_size: 64, compile: false, dropout: 0.1, layers: '[2,2]', lr: 0.001, 'model/activation': 'gelu', 'model/hidden': 256, optimizer: 'adamw' });
  });

  it('a broken hparams.yaml is named with the reason; the run still loads', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-hparams-'));
    writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\n1,0.5\n');
    writeFileSync(path.join(dir, 'hparams.yaml'), 'lr: [0.1\n');
    const errors: LogFileError[] = [];
    const runs = await loadRuns(dir, (e) => errors.push(e));
    assert.equal(runs.length, 1);
    assert.equal(runs[0].hparams, undefined);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].file, path.join(dir, 'hparams.yaml'));
    assert.match(errors[0].reason, /^not valid YAML \(/);
    assert.throws(() => hparamsFromYaml('- 1\n- 2\n'), /expected a mapping of hyperparameters, got a list/);
  });
});

describe('runs table', () => {
  const run = (name: string, hparams: Run['hparams'], loss: number[]): Run => ({ name, format: 'csv', hparams, scalars: { loss: seriesFrom(loss.map((_, i) => i), loss) }, skipped: {} });
  const runs = [
    run('a', { lr: 0.001, optimizer: 'adamw', seed: 0 }, [2, 1, 1.5]),
    run('b', { lr: 0.0003, optimizer: 'adamw', seed: 1 }, [2, 0.5, NaN]),
    run('c', { lr: 0.01, optimizer: 'sgd', seed: 0 }, [3, 2.5, 2]),
    run('d', undefined, [4]),
  ];

  it('columns for the hyperparameters that differ, then last and min of each tag', () => {
    const table = runsTable(runs.slice(0, 3).map((r) => ({ ...r, hparams: { ...r.hparams, epochs: 3 } })));
    assert.deepEqual(table.columns.map((c) => c.label), ['lr', 'optimizer', 'seed', 'loss (last)', 'loss (min)']);
    assert.deepEqual(table.rows.map((r) => [r.cells['last:loss'], r.cells['min:loss']]), [[1.5, 1], [0.5, 0.5], [2, 2]]);
    assert.deepEqual(runsTable(runs.slice(0, 1)).columns.map((c) => c.label), ['lr', 'optimizer', 'seed', 'loss (last)', 'loss (min)']);
  });

  it('sorts numbers by value and text numeric-aware, either way, empty cells last', () => {
    const { rows } = runsTable(runs);
    assert.deepEqual(sortRows(rows, 'hparam:lr').map((r) => r.run), ['b', 'a', 'c', 'd']);
    assert.deepEqual(sortRows(rows, 'hparam:lr', true).map((r) => r.run), ['c', 'a', 'b', 'd']);
    assert.deepEqual(sortRows(rows, 'min:loss').map((r) => r.run), ['b', 'a', 'c', 'd']);
    assert.deepEqual(sortRows(rows, 'hparam:optimizer', true).map((r) => r.run), ['c', 'a', 'b', 'd']);
    assert.deepEqual(sortRows([{ run: 'run10', cells: {} }, { run: 'run9', cells: {} }], 'run').map((r) => r.run), ['run9', 'run10']);
    assert.deepEqual([0.0003, 12, 1 / 3, 'x', undefined].map(formatCell), ['0.0003', '12', '0.333333', 'x', '']);
  });

  it('parallel coordinates: one axis per hyperparameter and the metric, text values as ticks, lines coloured by the metric', () => {
    const table = runsTable(runs.slice(0, 3));
    assert.deepEqual(metricColumns(table).map((c) => c.key), ['last:loss', 'min:loss']);
    const figure = parallelCoordinates(table, 'min:loss', LIGHT_THEME)!;
    const trace = figure.data[0] as { type: string; dimensions: { label: string; values: number[]; ticktext?: string[] }[]; line: { color: number[] } };
    assert.equal(trace.type, 'parcoords');
    assert.deepEqual(trace.dimensions.map((d) => d.label), ['lr', 'optimizer', 'seed', 'loss (min)']);
    assert.deepEqual(trace.dimensions[1].ticktext, ['adamw', 'sgd']);
    assert.deepEqual(trace.dimensions[1].values, [0, 0, 1]);
    assert.deepEqual(trace.line.color, [1, 0.5, 2]);
    assert.equal(parallelCoordinates(table, 'hparam:lr', LIGHT_THEME), undefined);
  });
});
