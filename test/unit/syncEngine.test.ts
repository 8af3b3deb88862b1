// The SyncEngine contract the notebook kernel builds on: synchronous runs on an ORT thread, buffers kept there
// by id, reads, frees, a model resent when the thread lost it, and failures as errors (the thread keeps serving).
import * as assert from 'node:assert/strict';
import { Graph } from '../../src/engine/graph/graph';
import { mul } from '../../src/engine/graph/math';
import { encodeModel } from '../../src/engine/onnx/model';
import { EngineFailure, SyncEngine } from '../../src/tensor/backend/syncEngine';
import { TENSOR_WORKER_PATH } from '../tensorEngine';

function doubler(): Uint8Array {
  const g = new Graph();
  const x = g.input('x', 'float32', [3]);
  g.output('y', mul(x, 2));
  return encodeModel(g.toGraphDef());
}

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
});
