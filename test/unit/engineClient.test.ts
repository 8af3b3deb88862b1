// The engine worker as the host sees it: typed requests, clear errors for bad input, and survival.
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { closeGate, runsInProgress } from '../../src/engine/runtime/runGate';
import { DEFAULT_TRAINING } from '../../src/protocol/training';
import { startEngine } from '../engineWorker';

const f32 = (shape: number[], values: number[]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const i64 = (shape: number[], values: number[]): Tensor => ({ dtype: 'int64', shape, data: BigInt64Array.from(values.map(BigInt)) });
const logits = () => f32([2, 3], [1, 2, 3, 3, 2, 1]);

describe('engine client and worker', () => {
  let engine: EngineClient;
  beforeEach(() => (engine = startEngine()));
  afterEach(() => engine.dispose());

  async function rejects(request: Parameters<EngineClient['evaluate']>[0], pattern: RegExp): Promise<void> {
    await assert.rejects(engine.evaluate(request), pattern);
    // …and the worker still serves.
    const ok = await engine.evaluate({ op: 'cross_entropy', inputs: { input: logits(), target: i64([2], [2, 0]) } });
    assert.ok(Math.abs((ok.output.data as Float32Array)[0] - 0.40760596) < 1e-6);
  }

  it('computes cross_entropy and its gradient (softmax − one-hot) / N', async () => {
    const r = await engine.evaluate({ op: 'cross_entropy', inputs: { input: logits(), target: i64([2], [2, 0]) } });
    const p = [1, 2, 3].map((v) => Math.exp(v) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    const grad = r.grad.input.data as Float32Array;
    assert.ok(Math.abs(grad[0] - p[0] / 2) < 1e-6);
    assert.ok(Math.abs(grad[2] - (p[2] - 1) / 2) < 1e-6);
    assert.deepEqual(r.nonFinite, []);
  });

  it('refuses a label ≥ C, naming it', () => rejects({ op: 'cross_entropy', inputs: { input: logits(), target: i64([2], [3, 0]) } }, /Target 3 is out of bounds for 3 classes/));
  it('refuses a negative label other than ignore_index', () => rejects({ op: 'cross_entropy', inputs: { input: logits(), target: i64([2], [-1, 0]) } }, /Target -1 is out of bounds/));
  it('refuses mismatched shapes', () => rejects({ op: 'cross_entropy', inputs: { input: logits(), target: i64([3], [0, 1, 2]) } }, /expected target of shape \[2\].*got \[3\]/));
  it('refuses a float target of another shape', () => rejects({ op: 'mse_loss', inputs: { input: logits(), target: f32([3], [0, 1, 2]) } }, /must have the same shape/));
  it('refuses wrong dtypes', () => rejects({ op: 'nll_loss', inputs: { input: logits(), target: f32([2], [1, 0]) } }, /expected target to be an integer \(int64\) tensor/));
  it('refuses data that does not fill the shape', () => rejects({ op: 'softmax', inputs: { input: f32([2, 3], [1, 2]) } }, /shape \[2, 3\] needs 6 values, got 2/));
  it('refuses a tensor an earlier request moved to the engine, instead of never answering', async () => {
    const input = logits();
    await engine.evaluate({ op: 'softmax', inputs: { input } });
    await rejects({ op: 'softmax', inputs: { input } }, /input was moved to the engine by an earlier request/);
  });
  it('refuses unknown ops and options', async () => {
    await rejects({ op: 'crossentropy', inputs: {} }, /unknown op 'crossentropy'/);
    await rejects({ op: 'softmax', inputs: { input: logits() }, options: { axis: 1 } }, /unexpected keyword argument 'axis'/);
  });
  it('refuses a tensor too large for memory before allocating, naming its size', async () => {
    engine.dispose();
    engine = startEngine({ memoryBudgetBytes: 2 ** 30 });
    const big = { dtype: 'float32' as const, shape: [4096, 16384], data: new Float32Array(4096 * 16384) };
    await rejects({ op: 'cross_entropy', inputs: { input: big, target: i64([4096], new Array(4096).fill(0)) } }, /cross_entropy\(\): this call needs about 1\.8 GiB \(its largest intermediate holds 67108864 elements\) with gradients, more than the 1\.0 GiB/);
  });
  it('computes with NaN/Inf inputs and flags them', async () => {
    const r = await engine.evaluate({ op: 'softmax', inputs: { input: f32([1, 3], [0, NaN, Infinity]) } });
    assert.deepEqual(r.nonFinite, ['input']);
    assert.ok(Number.isNaN((r.output.data as Float32Array)[0]));
  });
  it('fails pending requests when the worker dies, then restarts on the next request', async () => {
    const pending = engine.evaluate({ op: 'softmax', inputs: { input: logits() } });
    await engine.terminate();
    await assert.rejects(pending, /engine stopped .* the next request starts it again/);
    const r = await engine.evaluate({ op: 'softmax', inputs: { input: f32([1, 2], [0, 0]) } });
    assert.deepEqual([...(r.output.data as Float32Array)], [0.5, 0.5]);
  });
  it('holds the run gate for every ONNX Runtime call of a training run, so its owner can end it between calls', async () => {
    // Ending the worker in the middle of an ORT call aborts this whole process (a notebook kernel's host does it).
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const gated = startEngine({ gate });
    const sleep = () => new Promise((resolve) => setTimeout(resolve, 1));
    try {
      const run = gated.train({ ...DEFAULT_TRAINING, steps: 1_000_000, hidden: 512, batchSize: 1000 }, () => undefined);
      let seen = false;
      for (const until = Date.now() + 30_000; !seen && Date.now() < until; await sleep()) seen = runsInProgress(gate) > 0;
      assert.ok(seen, 'a run in progress holds the gate');
      closeGate(gate);
      while (runsInProgress(gate) > 0) await sleep();
      await gated.terminate();
      await assert.rejects(run.done, /stopped/);
    } finally {
      gated.dispose();
    }
  });

  it('transfers owned buffers instead of copying them', async () => {
    const input = logits();
    await engine.evaluate({ op: 'softmax', inputs: { input } });
    assert.equal(input.data.byteLength, 0, 'the request buffer moved to the worker');
  });
});
