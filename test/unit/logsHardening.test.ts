// Training logs on damaged, odd or hostile files: one unreadable file never takes a folder down (it is named
// with the reason), only regular files are read, and nothing is silently misread.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogFile, loadRuns, type LogFileError } from '../../src/logs/files';
import { emptyRun, toPoints, type Run } from '../../src/logs/model';
import { readCsv, readTrainerState, sniffDelimiter } from '../../src/logs/text';
import { readEventRecords } from '../../src/logs/tfevents';
import { fileVersionEvent, scalarEvent, tfrecords } from '../../src/logs/eventWriter';

const csvRun = (text: string): Run => {
  const run = emptyRun('x', 'csv');
  readCsv(text, run);
  return run;
};

describe('training logs: damaged and hostile files', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-logs-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('an empty trainer_state.json, a symlink loop, a link to a folder named *.jsonl, a FIFO and /dev/zero are skipped and named; the good log loads', async () => {
    writeFileSync(path.join(dir, 'good.jsonl'), '{"step": 1, "loss": 0.5}\n{"step": 2, "loss": 0.4}\n');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'trainer_state.json'), '');
    symlinkSync('loop.jsonl', path.join(dir, 'loop.jsonl'));
    mkdirSync(path.join(dir, 'real'));
    symlinkSync('real', path.join(dir, 'folder.jsonl'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.jsonl')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.csv'));
    const skipped: LogFileError[] = [];
    const runs = await loadRuns(dir, (e) => skipped.push(e));
    assert.deepEqual(runs.map((r) => r.name), ['good.jsonl']);
    assert.deepEqual(Array.from(runs[0].scalars.loss.values), [0.5, Math.fround(0.4)]);
    const why = Object.fromEntries(skipped.map((e) => [path.relative(dir, e.file), e.reason]));
    assert.deepEqual(why, {
      'folder.jsonl': 'a folder, not a file',
      'loop.jsonl': 'a loop of symbolic links',
      'pipe.jsonl': 'a named pipe (FIFO), not a regular file',
      'sub/trainer_state.json': 'the file is empty (a trainer_state.json holds {"log_history": [...]})',
      'zero.csv': 'a device, not a regular file',
    });
  });

  it('a whole-file format stops at the read limit, counting what it left; JSONL is streamed past it', async () => {
    const csv = path.join(dir, 'big.csv');
    writeFileSync(csv, 'step,loss\n' + Array.from({ length: 200 }, (_, i) => `${i},1`).join('\n') + '\n');
    const cut = await new LogFile(csv, 'csv', 'big', { maxBytes: 1000, chunkBytes: 64 }).read(true);
    assert.ok(cut.scalars.loss.values.length > 10 && cut.scalars.loss.values.length < 200);
    assert.ok(Object.keys(cut.skipped).some((k) => k.startsWith('bytes beyond the first 1000 of one read')));
    const jsonl = path.join(dir, 'big.jsonl');
    writeFileSync(jsonl, Array.from({ length: 200 }, (_, i) => JSON.stringify({ step: i, loss: 1 })).join('\n') + '\n');
    const whole = await new LogFile(jsonl, 'jsonl', 'big', { maxBytes: 1000, chunkBytes: 64 }).read(true);
    assert.deepEqual(Array.from(whole.scalars.loss.steps), Array.from({ length: 200 }, (_, i) => i));
    assert.deepEqual(whole.skipped, {});
  });

  it('CSV: a BOM is not part of the first name, "0x10" is not 16, a non-numeric step skips its row (counted)', () => {
    const bom = csvRun('\ufeffstep,loss\n1,0.5\n2,0.4\n');
    assert.deepEqual(Object.keys(bom.scalars), ['loss']);
    assert.deepEqual(Array.from(bom.scalars.loss.steps), [1, 2]);
    const hex = csvRun('step,loss\n1,0x10\n2,1e-1\n3, inf \n');
    assert.deepEqual(Array.from(hex.scalars.loss.values), [Math.fround(0.1), Infinity]);
    assert.equal(hex.skipped['CSV cell that is not a number (left out)'], 1);
    const steps = csvRun('step,loss\n1,0.5\nabc,0.4\n3,0.3\n');
    assert.deepEqual(Array.from(steps.scalars.loss.steps), [1, 3]);
    assert.equal(steps.skipped['CSV row whose step is not a number'], 1);
  });

  it('CSV: the delimiter is sniffed as csv.Sniffer does (tab, semicolon, pipe; comma by default)', () => {
    assert.equal(sniffDelimiter(['step\tloss', '1\t0.5']), '\t');
    assert.equal(sniffDelimiter(['step;loss;acc', '1;0,5;0,9']), ';');
    assert.equal(sniffDelimiter(['a|b', '1|2']), '|');
    assert.equal(sniffDelimiter(['loss']), ',');
    assert.deepEqual(Array.from(csvRun('step;loss\n1;0.5\n2;0.4\n').scalars.loss.values), [0.5, Math.fround(0.4)]);
  });

  it('trainer_state.json: a log_history entry that is a list is skipped, not series "0" and "1"', () => {
    const run = emptyRun('t', 'trainer_state');
    readTrainerState(JSON.stringify({ log_history: [{ step: 1, loss: 0.5 }, [7, 8], { step: 2, loss: 0.4 }] }), run);
    assert.deepEqual(Object.keys(run.scalars), ['loss']);
    assert.equal(run.skipped['log_history entry that is not an object'], 1);
  });

  it("detectron2's metrics.json: `time` (seconds per iteration) stays a series", async () => {
    const file = path.join(dir, 'metrics.json');
    writeFileSync(file, '{"iteration": 19, "time": 0.25, "total_loss": 1.5}\n{"iteration": 39, "time": 0.5, "total_loss": 1.2}\n');
    const [run] = await loadRuns(file);
    assert.deepEqual(Array.from(run.scalars.time.values), [0.25, 0.5]);
    assert.deepEqual(toPoints(run.scalars.total_loss).map(([, w]) => w), [null, null]);
  });

  it('event records: a fixed64 or fixed32 field cut short (CRC valid) is skipped, never read past its end', () => {
    const cut64 = new Uint8Array([(1 << 3) | 1, 1, 2, 3]);
    const full = scalarEvent(5, 1_700_000_005, 'loss', 0.5);
    const run = emptyRun('e', 'tfevents');
    readEventRecords(tfrecords([fileVersionEvent(), scalarEvent(1, 1_700_000_001, 'loss', 1), cut64, full.subarray(0, full.length - 2)]), run);
    assert.deepEqual(Array.from(run.scalars.loss.values), [1]);
    assert.equal(run.skipped['undecodable record (truncated fixed64 field)'], 1);
    assert.equal(Object.entries(run.skipped).filter(([k]) => k.startsWith('undecodable record')).reduce((n, [, v]) => n + v, 0), 2);
  });

  it('event records: after a corrupt length, reading resumes at the next valid record and the skipped bytes are counted', () => {
    const records = [fileVersionEvent(), ...Array.from({ length: 120 }, (_, i) => scalarEvent(i, 1_700_000_000 + i, 'loss', i))];
    const bytes = tfrecords(records);
    let pos = 0;
    for (let k = 0; k < 3; k++) pos += 12 + records[k].length + 4;
    bytes[pos] ^= 0x02; // record 3's length
    const run = emptyRun('e', 'tfevents');
    readEventRecords(bytes, run);
    assert.equal(run.scalars.loss.values.length, 119);
    assert.ok(!run.scalars.loss.steps.includes(2));
    assert.equal(run.skipped['bytes skipped after a record length CRC mismatch'], 12 + records[3].length + 4);
  });
});
