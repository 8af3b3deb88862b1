// multi_task_gradient on the engine: what it refuses, each refusal naming the argument and the bad value, and a
// refused request costing nothing to the requests beside it.
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (values: number[], shape = [values.length]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const grads = () => f32([0.5, -1, 2, 0.25, 3, 4], [3, 2]);
const request = (grads: Tensor, weights: Tensor, options: Record<string, number | string> = {}) => ({ op: 'multi_task_gradient', inputs: { grads, weights }, options });

describe('multi_task_gradient refuses bad input by name', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  it('grads must be [K, ...]: a 1-D gradient is named with its shape', async () => {
    await assert.rejects(engine.evaluate(request(f32([1, 2, 3]), f32([1, 1, 1]))), /multi_task_gradient\(\): grads must be \[K, \.\.\.\], one gradient per task, got shape \[3\]/);
  });

  it('weights need one value per task: [2] for 3 tasks, and a [3, 1] weight, are named with their shapes', async () => {
    await assert.rejects(engine.evaluate(request(grads(), f32([1, 1]))), /weights must have one value per task \(shape \[3\]\), got shape \[2\]/);
    await assert.rejects(engine.evaluate(request(grads(), f32([1, 1, 1], [3, 1]))), /weights must have one value per task \(shape \[3\]\), got shape \[3, 1\]/);
  });

  it('a NaN or infinite weight is named with its index and value; a negative one reverses its task', async () => {
    await assert.rejects(engine.evaluate(request(grads(), f32([1, 1, NaN]))), /multi_task_gradient\(\): weights must be finite, got weights\[2\] = NaN/);
    const reversed = await engine.evaluate(request(grads(), f32([1, -0.5, 1])));
    [0.5 - 1 + 3, -1 - 0.125 + 4].forEach((want, i) => assert.ok(Math.abs((reversed.output.data as Float32Array)[i] - want) < 1e-6));
    await assert.rejects(engine.evaluate(request(grads(), f32([Infinity, 1, 1]))), /got weights\[0\] = Infinity/);
  });

  it('an unknown strategy is named with the allowed ones; a negative eps with its value', async () => {
    await assert.rejects(engine.evaluate(request(grads(), f32([1, 1, 1]), { strategy: 'mean' })), /"mean" is not a valid value for strategy; expected one of 'weighted', 'normalized', 'adaptive'/);
    await assert.rejects(engine.evaluate(request(grads(), f32([1, 1, 1]), { strategy: 'adaptive', eps: -0.1 })), /multi_task_gradient\(\): eps must be non-negative, got -0\.1/);
  });

  it("strategy='normalized' names the task whose gradient is all zero and points to 'adaptive'", async () => {
    await assert.rejects(engine.evaluate(request(f32([1, 2, 0, 0, 3, 4], [3, 2]), f32([1, 1, 1]), { strategy: 'normalized' })), /task 1 has an all-zero gradient, which strategy='normalized' cannot scale to unit length \(use strategy='adaptive' with eps > 0\)/);
  });

  it('a refused request beside good ones costs them nothing: the good ones give Σ c_k·g_k', async () => {
    const [bad, weighted, adaptive] = await Promise.allSettled([
      engine.evaluate(request(grads(), f32([1, 1]))),
      engine.evaluate(request(grads(), f32([1, 2, 0.5]))),
      engine.evaluate(request(grads(), f32([1, 1, 1]), { strategy: 'adaptive', eps: 0.1 })),
    ]);
    assert.equal(bad.status, 'rejected');
    assert.ok(weighted.status === 'fulfilled' && adaptive.status === 'fulfilled');
    const rows = [[0.5, -1], [2, 0.25], [3, 4]];
    const combine = (c: number[]) => [0, 1].map((j) => rows.reduce((s, r, k) => s + c[k] * r[j], 0));
    const got = (r: typeof weighted) => [...((r as PromiseFulfilledResult<{ output: Tensor }>).value.output.data as Float32Array)];
    const near = (a: number[], b: number[]) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `${a} vs ${b}`));
    near(got(weighted), combine([1, 2, 0.5]));
    near(got(adaptive), combine(rows.map((r) => 1 / (Math.hypot(...r) + 0.1))));
  });
});
