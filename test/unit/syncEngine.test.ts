// The SyncEngine contract the notebook kernel builds on: synchronous runs on an ORT thread, buffers kept there
// by id, reads, frees, a model resent when the thread lost it, and failures as errors (the thread keeps serving);
// posted runs (not waited for) whose reply the next request takes first, and the run gate held while ORT computes.
import * as assert from 'node:assert/strict';
import { Graph } from '../../src/engine/graph/graph';
import { mul } from '../../src/engine/graph/math';
import { matmul } from '../../src/engine/graph/nn';
import { closeGate, GATE_CLOSING, runsInProgress } from '../../src/engine/runtime/runGate';
import { encodeModel } from '../../src/engine/onnx/model';
import { EngineFailure, SyncEngine } from '../../src/tensor/backend/syncEngine';
import { TENSOR_WORKER_PATH } from '../tensorEngine';

function doubler(): Uint8Array {
  const g = new Graph();
  const x = g.input('x', 'float32', [3]);
  g.output('y', mul(x, 2));
  return encodeModel(g.toGraphDef());
}

/** y = x·x·x·x of a [n, n] x: long enough to be seen running. */
function slowModel(n: number): Uint8Array {
  const g = new Graph();
  const x = g.input('x', 'float32', [n, n]);
  g.output('y', matmul(matmul(matmul(x, x), x), x));
  return encodeModel(g.toGraphDef());
}

const ones = (n: number) => ({ dtype: 'float32' as const, shape: [n, n], data: new Float32Array(n * n).fill(1 / n) });

describe('SyncEngine', () => {
  let engine: SyncEngine;
  beforeEach(() => (engine = new SyncEngine({ workerPath: TENSOR_WORKER_PATH })));
  afterEach(() => engine.dispose());

  it('runs a model synchronously, keeps outputs by id and reads them back', () => {
    const model = doubler();
    const out = engine.run({ key: 'double', model, feeds: { x: { id: 1, tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 2, 3) } } }, keep: { y: 2 }, fetch: ['y'] });
    assert.deepEqual(Array.from(out.y.data as Float32Array), [2, 4, 6]);
    // Fed by id, no model and no bytes sent: the ORT thread holds both.
    engine.run({ key: 'double', feeds: { x: { id: 2 } }, keep: { y: 3 }, fetch: [] });
    assert.deepEqual(engine.read([3, 1]).map((t) => Array.from(t.data as Float32Array)), [[4, 8, 12], [1, 2, 3]]);
  });

  it('asks for the model again when the key is unknown, and reports a freed buffer', () => {
    assert.throws(
      () => engine.run({ key: 'never sent', feeds: {}, keep: {}, fetch: [] }),
      (e: unknown) => e instanceof EngineFailure && (e as { missingModel?: boolean }).missingModel === true,
    );
    engine.run({ key: 'double', model: doubler(), feeds: { x: { id: 7, tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(0, 0, 1) } } }, keep: {}, fetch: [] });
    engine.free(7);
    assert.throws(() => engine.run({ key: 'double', feeds: { x: { id: 7 } }, keep: {}, fetch: ['y'] }), /tensor 7 is not stored/);
    // …and it still serves.
    const out = engine.run({ key: 'double', feeds: { x: { id: 8, tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(5, 5, 5) } } }, keep: {}, fetch: ['y'] });
    assert.deepEqual(Array.from(out.y.data as Float32Array), [10, 10, 10]);
  });

  it('calls onWait between wait slices while a run is in flight', () => {
    let waits = 0;
    const slow = new SyncEngine({ workerPath: TENSOR_WORKER_PATH, waitSliceMs: 1, onWait: () => waits++ });
    try {
      slow.run({ key: 'double', model: doubler(), feeds: { x: { id: 1, tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 1, 1) } } }, keep: {}, fetch: ['y'] });
      assert.ok(waits > 0, 'the first run (starting the thread, loading ORT) outlasts a 1 ms slice');
    } finally {
      slow.dispose();
    }
  });

  it('ends a wait with an error when onWait throws (how an interrupt flag can stop a blocked cell)', () => {
    const interrupted = new SyncEngine({ workerPath: TENSOR_WORKER_PATH, waitSliceMs: 1, onWait: () => { throw new Error('KeyboardInterrupt'); } });
    try {
      assert.throws(() => interrupted.run({ key: 'double', model: doubler(), feeds: { x: { id: 1, tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 1, 1) } } }, keep: {}, fetch: [] }), /KeyboardInterrupt/);
    } finally {
      interrupted.dispose();
    }
  });

  it('posts a run without waiting; the next request takes its reply first, with its hand-backs and outputs', () => {
    const model = doubler();
    engine.run({ key: 'double', model, feeds: { x: { id: 1, tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 2, 3) } } }, keep: { y: 2 }, fetch: [] });
    let handed: number[] | null | undefined;
    engine.handBack(1, (t) => (handed = t && Array.from(t.data as Float32Array)));
    let fetched: number[] | undefined;
    engine.post({ key: 'double', model, feeds: { x: { id: 2 } }, keep: { y: 3 }, fetch: ['y'] }, (out) => (fetched = Array.from(out.y.data as Float32Array)));
    assert.equal(engine.inFlight, true);
    assert.equal(fetched, undefined, 'nothing is delivered before the reply is taken');
    // A read is sent after the posted run is answered: buffer 3 exists, and 1 has moved here.
    assert.deepEqual(engine.read([3]).map((t) => Array.from(t.data as Float32Array)), [[4, 8, 12]]);
    assert.equal(engine.inFlight, false);
    assert.deepEqual(fetched, [4, 8, 12]);
    assert.deepEqual(handed, [1, 2, 3]);
    assert.throws(() => engine.read([1]), /tensor 1 is not stored/);
  });

  it('keeps at most two posted runs out, and room() takes the replies a new run’s feeds depend on', () => {
    const model = doubler();
    engine.run({ key: 'double', model, feeds: { x: { id: 1, tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 2, 3) } } }, keep: {}, fetch: [] });
    const done: number[] = [];
    let handed: number[] | null | undefined;
    engine.handBack(1, (t) => (handed = t && Array.from(t.data as Float32Array)));
    // Each run doubles the last one's output, fed by id before the last one is answered.
    engine.post({ key: 'double', model, feeds: { x: { id: 1 } }, keep: { y: 2 }, fetch: [] }, () => done.push(2));
    engine.room([2]);
    engine.post({ key: 'double', model, feeds: { x: { id: 2 } }, keep: { y: 3 }, fetch: [] }, () => done.push(3));
    assert.equal(done.length, 0, 'two runs out: nothing taken yet');
    engine.room([3]);
    assert.deepEqual([...done], [2], 'a third takes the oldest reply first');
    engine.post({ key: 'double', model, feeds: { x: { id: 3 } }, keep: { y: 4 }, fetch: ['y'] }, () => done.push(4));
    assert.deepEqual(handed, [1, 2, 3], 'delivered with the first reply');
    // Buffer 1 was handed back by a run already answered; a feed of a buffer a run still out hands back waits for it.
    engine.handBack(3, () => done.push(-3));
    engine.post({ key: 'double', model, feeds: { x: { id: 4 } }, keep: { y: 5 }, fetch: [] }, () => done.push(5));
    engine.room([3]);
    assert.deepEqual(done, [2, 3, 4, -3, 5], 'every reply taken, in order');
    assert.deepEqual(engine.read([5]).map((t) => Array.from(t.data as Float32Array)), [[16, 32, 48]]);
  });

  it('a posted run’s failure is thrown when its reply is taken, and the engine keeps serving', () => {
    engine.post({ key: 'double', model: doubler(), feeds: { x: { id: 99 } }, keep: { y: 100 }, fetch: ['y'] }, () => assert.fail('a failed run delivers nothing'));
    engine.room([100]);
    engine.post({ key: 'double', model: doubler(), feeds: { x: { id: 100 } }, keep: {}, fetch: ['y'] }, () => assert.fail('nor does one reading what it did not make'));
    assert.throws(() => engine.sync(), (e: unknown) => e instanceof EngineFailure && /tensor 99 is not stored/.test(e.message));
    assert.equal(engine.inFlight, false, 'the run posted after it is taken with its failure: reported once');
    engine.sync();
    const out = engine.run({ key: 'double', feeds: { x: { tensor: { dtype: 'float32', shape: [3], data: Float32Array.of(1, 1, 1) } } }, keep: {}, fetch: ['y'] });
    assert.deepEqual(Array.from(out.y.data as Float32Array), [2, 2, 2]);
  });

  it('its ORT thread holds the run gate while it computes, dispose waits for a posted run, and nothing runs once the gate is closing', () => {
    const gate = new Int32Array(new SharedArrayBuffer(4));
    let giveUp = false;
    const gated = new SyncEngine({ workerPath: TENSOR_WORKER_PATH, gate, waitSliceMs: 300, onWait: () => { if (giveUp) throw new Error('no reply'); } });
    const model = slowModel(1024);
    const load = () => gated.run({ key: 'slow', model, feeds: { x: { id: 1, tensor: ones(1024) } }, keep: {}, fetch: [] });
    try {
      load();
      assert.equal(runsInProgress(gate), 0);
      gated.post({ key: 'slow', model, feeds: { x: { id: 1 } }, keep: {}, fetch: ['y'] });
      let seen = false;
      for (const until = Date.now() + 5000; !seen && Date.now() < until; ) seen = runsInProgress(gate) === 1;
      assert.ok(seen, 'the gate counts the posted run while it computes');
      gated.dispose();
      assert.equal(Atomics.load(gate, 0), 0, 'dispose took the posted run’s reply before ending the thread');
      load(); // a new thread
      // As a host ending the kernel does: closing, then waiting for the runs in progress (none here).
      closeGate(gate);
      assert.equal(runsInProgress(gate), 0);
      gated.post({ key: 'slow', model, feeds: { x: { id: 1 } }, keep: {}, fetch: ['y'] });
      giveUp = true;
      assert.throws(() => gated.sync(), /no reply/);
      assert.equal(Atomics.load(gate, 0), GATE_CLOSING, 'closing, and no run started');
    } finally {
      giveUp = true;
      gated.dispose();
    }
  });
});
