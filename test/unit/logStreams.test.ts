// JSONL and event files are read in chunks and decoded chunk by chunk: whatever a chunk's end cuts (a line, a
// CRLF, a UTF-8 character of a Chinese tag name, an event record) the run is the one the whole file gives.
// Tiny chunk sizes put a boundary at every byte of the file.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileVersionEvent, scalarEvent, tfrecords } from '../../src/logs/eventWriter';
import { LogFile } from '../../src/logs/files';
import { emptyRun, packSeries, seriesFrom, toPoints, type Run } from '../../src/logs/model';
import { readEventRecords } from '../../src/logs/tfevents';

const pointsOf = (run: Run) => Object.fromEntries(Object.entries(run.scalars).map(([tag, s]) => [tag, toPoints(s)]));

describe('streamed log reading (chunk boundaries)', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'losslab-streams-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('JSONL: a line, a CRLF and a Chinese tag name cut by a chunk end read as in one piece, at every chunk size', async () => {
    const text = '{"step": 1, "损失": 0.5, "wall_time": 10}\r\n{"step": 2, "损失": 0.25}\r\nnot json\r\n{"step": 3, "学习率": 3e-4}';
    const bytes = Buffer.from(text, 'utf8');
    const file = path.join(dir, 'zh.jsonl');
    writeFileSync(file, bytes);
    const want = {
      损失: [
        [1, 10, 0.5],
        [2, null, 0.25],
      ],
      学习率: [[3, null, Math.fround(3e-4)]],
    };
    // The cuts the test is about, at these byte offsets: inside the first 损 (3 bytes), between \r and \n.
    const insideChar = bytes.indexOf(Buffer.from('损', 'utf8')) + 1;
    const insideCrlf = bytes.indexOf('\r\n') + 1;
    assert.equal(bytes[insideChar - 1], 0xe6);
    assert.equal(bytes[insideCrlf - 1], 0x0d);
    for (let chunkBytes = 1; chunkBytes <= bytes.length; chunkBytes++) {
      const run = await new LogFile(file, 'jsonl', 'zh', { chunkBytes }).read(true);
      assert.deepEqual(pointsOf(run), want, `chunks of ${chunkBytes} bytes`);
      assert.deepEqual(run.skipped, { 'line that is not valid JSON': 1 }, `chunks of ${chunkBytes} bytes`);
    }
    // A boundary exactly inside the character and exactly between \r and \n (chunk size = that offset).
    for (const chunkBytes of [insideChar, insideCrlf]) {
      const run = await new LogFile(file, 'jsonl', 'zh', { chunkBytes }).read(true);
      assert.deepEqual(Object.keys(run.scalars), ['损失', '学习率']);
    }
  });

  it('JSONL: a file still being written keeps its cut last line (and a cut character) for the next read', async () => {
    const file = path.join(dir, 'growing.jsonl');
    const full = Buffer.from('{"step": 1, "损失": 2}\n{"step": 2, "损失": 1}\n', 'utf8');
    const cut = full.indexOf(Buffer.from('失', 'utf8'), 20) + 1; // inside the second line's 失
    writeFileSync(file, full.subarray(0, cut));
    const log = new LogFile(file, 'jsonl', 'growing', { chunkBytes: 4 });
    assert.deepEqual(pointsOf(await log.read()), { 损失: [[1, null, 2]] });
    writeFileSync(file, full);
    assert.deepEqual(pointsOf(await log.read()), { 损失: [[1, null, 2], [2, null, 1]] });
  });

  it('event files: a record and its Chinese tag cut by a chunk end decode as in one piece, at every chunk size', async () => {
    const bytes = tfrecords([fileVersionEvent(), scalarEvent(1, 100.5, '训练/损失', 2.5), scalarEvent(2, 101.25, 'loss', 1.25, true), scalarEvent(3, 102, '训练/损失', 0.75)]);
    const file = path.join(dir, 'events.out.tfevents.1.zh');
    writeFileSync(file, bytes);
    const whole = emptyRun('w', 'tfevents');
    readEventRecords(bytes, whole);
    const want = { '训练/损失': [[1, 100.5, 2.5], [3, 102, 0.75]], loss: [[2, 101.25, 1.25]] };
    assert.deepEqual(pointsOf(whole), want);
    for (let chunkBytes = 1; chunkBytes <= bytes.length; chunkBytes++) {
      const run = await new LogFile(file, 'tfevents', 'zh', { chunkBytes }).read(true);
      assert.deepEqual(pointsOf(run), want, `chunks of ${chunkBytes} bytes`);
      assert.deepEqual(run.skipped, {}, `chunks of ${chunkBytes} bytes`);
    }
  });

  it('event files: a cut final record is counted once the file is final, and completed if it grows', async () => {
    const bytes = tfrecords([scalarEvent(1, 1, 'loss', 1), scalarEvent(2, 2, 'loss', 2)]);
    const file = path.join(dir, 'events.out.tfevents.2.cut');
    writeFileSync(file, bytes.subarray(0, bytes.length - 7));
    const log = new LogFile(file, 'tfevents', 'cut', { chunkBytes: 5 });
    assert.equal((await log.read()).scalars.loss.values.length, 1);
    writeFileSync(file, bytes);
    assert.deepEqual(Array.from((await log.read()).scalars.loss.steps), [1, 2]);
    const final = new LogFile(path.join(dir, 'events.out.tfevents.2.cut'), 'tfevents', 'cut', { chunkBytes: 5 });
    writeFileSync(file, bytes.subarray(0, bytes.length - 7));
    assert.equal((await final.read(true)).skipped['truncated final record (bytes ignored)'], bytes.length / 2 - 7);
  });

  it('event files: tags of one length and prefix, logged in a changing order, each keep their own points', () => {
    // The decoder first tries the tag that followed the previous one last time: a changed order must not fool it.
    const orders = [['a/x1', 'a/x2', 'a/x3'], ['a/x1', 'a/x2', 'a/x3'], ['a/x3', 'a/x1'], ['a/x2', 'a/x2', 'a/x1', 'a/x3']];
    const want: Record<string, [number, null, number][]> = {};
    const events: Uint8Array[] = [];
    orders.forEach((tags, step) =>
      tags.forEach((tag, k) => {
        const value = step * 10 + k + Number(tag.slice(-1)) / 8; // exact in float32
        events.push(scalarEvent(step, NaN, tag, value));
        (want[tag] ??= []).push([step, null, value]);
      }),
    );
    const run = emptyRun('r', 'tfevents');
    readEventRecords(tfrecords(events), run);
    assert.deepEqual(pointsOf(run), want);
  });
});

describe('series storage (typed columns)', () => {
  it('steps stay Int32 until one is not a 32-bit integer, values Float32 until one needs Float64; no wall times, no column', () => {
    const s = seriesFrom([1, 2, 3], [0.5, 0.25, 2.5]);
    assert.ok(s.steps instanceof Int32Array && s.values instanceof Float32Array);
    assert.equal(s.wallTimes.length, 0);
    const wide = seriesFrom([1, 2 ** 31, 2.5], [0.1, 16_777_217, 1e-40]);
    assert.ok(wide.steps instanceof Float64Array && wide.values instanceof Float64Array);
    // Widened in place: the points before keep their exact values.
    assert.deepEqual(Array.from(wide.steps), [1, 2 ** 31, 2.5]);
    assert.deepEqual(Array.from(wide.values), [Math.fround(0.1), 16_777_217, 1e-40]);
    const tokens = seriesFrom([1, 2], [4096, 2 ** 40]);
    assert.deepEqual(Array.from(tokens.values), [4096, 2 ** 40], 'a count past 2^24 is exact');
  });

  it('a series grows by doubling and its views cover exactly its points; a caller’s arrays are never written past', () => {
    const callers = new Float32Array([1, 2, 3, 4]);
    const s = { steps: new Int32Array([0, 1]), values: callers.subarray(0, 2), wallTimes: new Float64Array(0) };
    const run = emptyRun('r', 'jsonl');
    run.scalars.loss = s;
    for (let i = 2; i < 1000; i++) readEventRecords(tfrecords([scalarEvent(i, 0, 'loss', i)]), run);
    assert.deepEqual(Array.from(callers), [1, 2, 3, 4]);
    assert.equal(run.scalars.loss.values.length, 1000);
    assert.equal(run.scalars.loss.wallTimes.length, 1000);
    assert.ok(Number.isNaN(run.scalars.loss.wallTimes[0]) && run.scalars.loss.wallTimes[999] === 0);
    assert.ok(run.scalars.loss.values.buffer.byteLength / 4 <= 2048, 'room at most doubles');
  });

  it('packSeries: the points from each index copied into views of one ArrayBuffer, every column aligned for its type', () => {
    const timed = seriesFrom([1, 2, 3], [0.5, 0.25, 2.5], [10, 11, 12]);
    const untimed = seriesFrom([5, 6], [1, 2]);
    const wide = seriesFrom([1, 2 ** 31, 7], [0.1, 16_777_217, 3], [null, 20, 21]);
    // 1,000 series: far more buffers than one webview message carries, had each its own.
    const many = Array.from({ length: 1000 }, (_, i) => ({ series: seriesFrom([i, i + 1, i + 2], [i / 3, 1, 2]), from: 1 }));
    const packed = packSeries([{ series: timed, from: 1 }, { series: untimed, from: 0 }, { series: wide, from: 0 }, ...many]);
    assert.equal(new Set(packed.flatMap((s) => [s.steps.buffer, s.values.buffer, s.wallTimes.buffer])).size, 1);
    assert.deepEqual(toPoints(packed[0]), [[2, 11, 0.25], [3, 12, 2.5]]);
    assert.deepEqual(toPoints(packed[1]), [[5, null, 1], [6, null, 2]]);
    assert.equal(packed[1].wallTimes.length, 0);
    assert.ok(packed[2].steps instanceof Float64Array && packed[2].values instanceof Float64Array);
    assert.deepEqual(toPoints(packed[2]), [[1, null, Math.fround(0.1)], [2 ** 31, 20, 16_777_217], [7, 21, 3]]);
    assert.deepEqual(toPoints(packed[1002]), [[1000, null, 1], [1001, null, 2]]);
    for (const s of packed) for (const c of [s.steps, s.values, s.wallTimes]) assert.equal(c.byteOffset % 8, 0);
    // Copies: the series packed are not written through.
    packed[0].values[0] = 99;
    assert.equal(timed.values[1], 0.25);
  });
});
