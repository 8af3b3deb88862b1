// Training-log decoding: our own fixtures (always), then the real logs of public repositories beside the
// project (../shared/fixtures/logs), each against its independently decoded expected values.
import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findLogFiles, LogFile, loadRuns } from '../../src/logs/files';
import { emptyRun, toPoints, type Run } from '../../src/logs/model';

const points = (run: Run, tag: string) => toPoints(run.scalars[tag]);
import { readCsv, readJsonLines, readTrainerState } from '../../src/logs/text';
import { readEventRecords } from '../../src/logs/tfevents';
import { fileVersionEvent, scalarEvent, tfrecords } from '../../src/logs/eventWriter';

const FIXTURES = path.resolve(__dirname, '../../../shared/fixtures/logs');

describe('event files (own fixtures)', () => {
  it('decodes simple_value and rank-0 tensor scalars with step and wall time', () => {
    const bytes = tfrecords([fileVersionEvent(), scalarEvent(1, 100.5, 'loss', 2.5), scalarEvent(2, 101.25, 'loss', 1.25, true)]);
    const run = emptyRun('r', 'tfevents');
    const p = readEventRecords(bytes, run);
    assert.deepEqual(points(run, 'loss'), [[1, 100.5, 2.5], [2, 101.25, 1.25]]);
    assert.equal(p.records, 3);
    assert.equal(p.pendingBytes, 0);
  });

  it('skips a record with a bad CRC and counts it, keeping the others', () => {
    const bytes = tfrecords([scalarEvent(1, 1, 'a', 1), scalarEvent(2, 2, 'a', 2), scalarEvent(3, 3, 'a', 3)], [1]);
    const run = emptyRun('r', 'tfevents');
    readEventRecords(bytes, run);
    assert.deepEqual(Array.from(run.scalars.a.steps), [1, 3]);
    assert.equal(run.skipped['record data CRC mismatch'], 1);
  });

  it('leaves a cut-off record pending, and an empty file empty', () => {
    const whole = tfrecords([scalarEvent(1, 1, 'a', 1), scalarEvent(2, 2, 'a', 2)]);
    const run = emptyRun('r', 'tfevents');
    const p = readEventRecords(whole.subarray(0, whole.length - 5), run);
    assert.deepEqual(points(run, 'a'), [[1, 1, 1]]);
    assert.ok(p.pendingBytes > 0);
    assert.deepEqual(readEventRecords(new Uint8Array(0), emptyRun('e', 'tfevents')), { offset: 0, records: 0, pendingBytes: 0 });
  });

  it('follows a growing file, reading only the appended bytes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-'));
    const file = path.join(dir, 'events.out.tfevents.1.host');
    const all = tfrecords([scalarEvent(1, 1, 'loss', 3), scalarEvent(2, 2, 'loss', 2), scalarEvent(3, 3, 'loss', 1)]);
    const cut = Math.floor(all.length / 3) + 5; // one record and a bit of the next
    writeFileSync(file, all.subarray(0, cut));
    const log = new LogFile(file, 'tfevents', 'run');
    assert.equal((await log.read()).scalars.loss.values.length, 1);
    appendFileSync(file, all.subarray(cut));
    assert.deepEqual(Array.from((await log.read()).scalars.loss.values), [3, 2, 1]);
  });
});

describe('text logs (own fixtures)', () => {
  it('JSONL: keeps a trailing partial line for the next read, counts bad lines', () => {
    const run = emptyRun('r', 'jsonl');
    const p = readJsonLines('{"step": 1, "loss": 2}\nnot json\n{"step": 2, "lo', run);
    assert.deepEqual(points(run, 'loss'), [[1, null, 2]]);
    assert.equal(run.skipped['line that is not valid JSON'], 1);
    const rest = '{"step": 2, "loss": 1.5}\n';
    readJsonLines(rest, run, p.lines);
    assert.deepEqual(Array.from(run.scalars.loss.values), [2, 1.5]);
  });

  it('JSONL: the preferred step key wherever it stands; other step keys, NaN and Infinity are scalars', () => {
    const run = emptyRun('r', 'jsonl');
    readJsonLines('{"loss": 1, "epoch": 0.5, "step": 10, "timestamp": 7}\n{"step": "x", "epoch": 0.6, "loss": NaN, "lr": "-inf"}\n', run);
    assert.deepEqual(points(run, 'loss').slice(0, 1), [[10, 7, 1]]);
    assert.deepEqual(Array.from(run.scalars.loss.steps), [10, 0.6]);
    assert.ok(Number.isNaN(run.scalars.loss.values[1]));
    assert.deepEqual(points(run, 'epoch'), [[10, 7, 0.5]]);
    assert.deepEqual(points(run, 'lr'), [[0.6, null, -Infinity]]);
    assert.equal(run.scalars.step, undefined);
    assert.equal(run.scalars.time, undefined);
  });

  it('JSONL: lines without a step are numbered across reads; blank lines and CRLF are ignored', () => {
    const run = emptyRun('r', 'jsonl');
    const p = readJsonLines('{"loss": 3}\r\n\n{"loss": 2}\r\n', run);
    assert.equal(p.lines, 2);
    readJsonLines('{"loss": 1}', run, p.lines, true);
    assert.deepEqual(points(run, 'loss'), [[0, null, 3], [1, null, 2], [2, null, 1]]);
  });

  it('JSONL: a long log of changing key sets reads like its lines one by one, arrays without holes', () => {
    const lines = Array.from({ length: 3000 }, (_, i) =>
      i % 7 === 0 ? `{"eval_loss": ${i}, "step": ${i}}` : i % 11 === 0 ? `{"step": ${i}, "lr": ${i}, "loss": ${i}}` : `{"step": ${i}, "loss": ${i}, "lr": "nan"}`,
    );
    const whole = emptyRun('whole', 'jsonl');
    const p = readJsonLines(lines.slice(0, 2000).join('\n') + '\n' + lines[2000].slice(0, 9), whole);
    readJsonLines(lines.slice(2000).join('\n'), whole, p.lines, true);
    const oneByOne = emptyRun('one by one', 'jsonl');
    lines.forEach((line, i) => readJsonLines(line, oneByOne, i, true));
    assert.deepEqual(Object.keys(whole.scalars), ['eval_loss', 'loss', 'lr']);
    for (const tag of Object.keys(oneByOne.scalars)) {
      const s = whole.scalars[tag];
      assert.deepEqual(points(whole, tag), points(oneByOne, tag), tag);
      for (const column of [s.steps, s.values, ...(s.wallTimes.length ? [s.wallTimes] : [])]) {
        assert.equal(column.length, s.values.length, tag);
        assert.equal(Object.keys(column).length, column.length, `${tag} has holes`);
      }
    }
    assert.equal(whole.scalars.eval_loss.values.length, 429);
  });

  it('JSONL: a record that starts like the one before and then differs, with its step key far down', () => {
    const run = emptyRun('r', 'jsonl');
    const many = Array.from({ length: 12 }, (_, k) => `"k${k}": ${k}`).join(', ');
    readJsonLines(`{"a": 1, "epoch": 0.5, "b": 2}\n{"a": 3, "epoch": 0.75, ${many}, "step": 40, "wall_time": 9}\n{"a": 5}\n`, run);
    assert.deepEqual(points(run, 'a'), [[0.5, null, 1], [40, 9, 3], [2, null, 5]]);
    assert.deepEqual(points(run, 'epoch'), [[40, 9, 0.75]]);
    assert.deepEqual(points(run, 'k11'), [[40, 9, 11]]);
    assert.deepEqual(points(run, 'b'), [[0.5, null, 2]]);
  });

  it('JSONL: tags named like Object members', () => {
    const run = emptyRun('r', 'jsonl');
    readJsonLines('{"step": 1, "constructor": 2, "toString": 3, "__proto__": 4}\n', run);
    assert.deepEqual(Object.keys(run.scalars).sort(), ['__proto__', 'constructor', 'toString']);
    assert.deepEqual(points(run, '__proto__'), [[1, null, 4]]);
    assert.deepEqual(points(run, 'constructor'), [[1, null, 2]]);
  });

  it('trainer_state.json: interleaved train and eval entries, Python NaN', () => {
    const run = emptyRun('r', 'trainer_state');
    readTrainerState('{"log_history": [{"step": 10, "loss": 2.0, "grad_norm": NaN, "epoch": 0.1}, {"step": 10, "eval_loss": 1.9}]}', run);
    assert.deepEqual(points(run, 'loss'), [[10, null, 2]]);
    assert.ok(Number.isNaN(run.scalars.grad_norm.values[0]));
    assert.deepEqual(points(run, 'eval_loss'), [[10, null, Math.fround(1.9)]]);
  });

  it('CSV: sparse Lightning rows, nan cells', () => {
    const run = emptyRun('r', 'csv');
    readCsv('epoch,step,train_loss,val_loss\n0,49,2.5,\n0,99,,nan\n', run);
    assert.deepEqual(points(run, 'train_loss'), [[49, null, 2.5]]);
    assert.ok(Number.isNaN(run.scalars.val_loss.values[0]));
    assert.deepEqual(Array.from(run.scalars.epoch.steps), [49, 99]);
  });
});

describe('real training logs (../shared/fixtures/logs)', function () {
  if (!existsSync(FIXTURES)) {
    it('skipped: ../shared/fixtures/logs is not beside this checkout');
    return;
  }
  for (const file of findLogFiles(FIXTURES).filter((f) => f.includes('tfevents'))) {
    it(path.relative(FIXTURES, file), async () => {
      const expected = JSON.parse(readFileSync(`${file}.expected.json`, 'utf8'));
      const run = await new LogFile(file, 'tfevents', 'r').read(true);
      assert.deepEqual(Object.keys(run.scalars).sort(), Object.keys(expected.scalars).sort());
      for (const [tag, want] of Object.entries(expected.scalars) as [string, { points: number[][] }][]) {
        assert.deepEqual(points(run, tag), want.points, tag);
      }
      const skippedTags = Object.values(expected.skipped_tags as Record<string, { count: number }>).reduce((n, s) => n + s.count, 0);
      const skippedHere = Object.entries(run.skipped).filter(([r]) => r.startsWith('non-scalar')).reduce((n, [, c]) => n + c, 0);
      assert.equal(skippedHere, skippedTags);
      assert.equal(run.skipped['record data CRC mismatch'] ?? 0, expected.crc.data_crc_bad);
    });
  }

  const textCases: [string, string[], Record<string, number>][] = [
    ['trainer_state/hf_whisper-large-v2-japanese/trainer_state.json', ['epoch', 'learning_rate', 'loss', 'eval_loss', 'eval_runtime', 'eval_samples_per_second', 'eval_steps_per_second', 'eval_wer', 'total_flos', 'train_loss', 'train_runtime', 'train_samples_per_second', 'train_steps_per_second'], { eval_loss: 5 }],
    ['trainer_state/hf_t5-summarization/trainer_state.json', ['epoch', 'grad_norm', 'learning_rate', 'loss', 'total_flos', 'train_loss', 'train_runtime', 'train_samples_per_second', 'train_steps_per_second'], {}],
    ['csv/lightning_asl_project/version_0/metrics.csv', ['epoch', 'train_acc', 'train_loss_epoch', 'train_loss_step', 'val_acc', 'val_f1', 'val_loss'], {}],
    ['csv/lightning_genrisk/version_0/metrics.csv', ['epoch', 'train_disc_loss', 'train_gen_loss'], {}],
    ['csv/keras_brats2020/training.log', ['accuracy', 'dice_coef', 'loss', 'lr', 'mean_io_u_5', 'precision', 'val_accuracy', 'val_dice_coef', 'val_loss', 'val_mean_io_u_5', 'val_precision'], { loss: 24 }],
    ['jsonl/llamafactory_qwen2.5-medical/trainer_log.jsonl', ['total_steps', 'loss', 'lr', 'epoch', 'percentage', 'eval_loss'], { eval_loss: 13 }],
  ];
  for (const [rel, tags, counts] of textCases) {
    it(rel, async () => {
      const [run] = await loadRuns(path.join(FIXTURES, rel));
      assert.deepEqual(Object.keys(run.scalars).sort(), [...tags].sort());
      for (const [tag, n] of Object.entries(counts)) assert.equal(run.scalars[tag].values.length, n, tag);
      assert.deepEqual(run.skipped, {});
    });
  }

  it('jsonl/detectron2: iteration is the step', async () => {
    const [run] = await loadRuns(path.join(FIXTURES, 'jsonl/detectron2_train-detectron2/output/metrics.json'));
    assert.equal(run.scalars.loss_cls.values.length, 5);
    assert.equal(run.scalars.loss_cls.steps[0], 19);
  });

  it('groups the event files of one folder into one run', async () => {
    const runs = await loadRuns(path.join(FIXTURES, 'tfevents/hf_trainer_t5-summarization'));
    assert.equal(runs.length, 1);
    assert.ok(runs[0].scalars['train/loss'] && runs[0].scalars['eval/loss']);
  });
});
