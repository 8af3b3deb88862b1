// naive_softmax / naive_log_softmax on the engine: equal to the stable ops for moderate logits, and they
// really overflow in float32 where log-sum-exp does not (what the playground's "naive vs stable" shows).
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (shape: number[], values: number[]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const values = (t: Tensor): number[] => [...(t.data as Float32Array)];

describe('naive softmax (no max subtraction)', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());
  const run = async (op: string, logits: number[]) => values((await engine.evaluate({ op, inputs: { input: f32([1, logits.length], logits) } })).output);

  it('equals softmax / log_softmax for moderate logits, with the same gradient', async () => {
    const z = [2, 1, 0.1, -1];
    const stable = await run('log_softmax', z);
    (await run('naive_log_softmax', z)).forEach((v, i) => assert.ok(Math.abs(v - stable[i]) < 1e-6, `${v} vs ${stable[i]}`));
    const p = await run('softmax', z);
    (await run('naive_softmax', z)).forEach((v, i) => assert.ok(Math.abs(v - p[i]) < 1e-6));
    const grad = async (op: string) => values((await engine.evaluate({ op, inputs: { input: f32([1, 4], z) } })).grad.input);
    const expected = await grad('log_softmax');
    (await grad('naive_log_softmax')).forEach((g, i) => assert.ok(Math.abs(g - expected[i]) < 1e-5, `${g} vs ${expected[i]}`));
  });

  it('overflows at ±1000 where log_softmax stays finite', async () => {
    const z = [1000, 0, -1000];
    assert.deepEqual(await run('log_softmax', z), [0, -1000, -2000]);
    const naive = await run('naive_log_softmax', z);
    assert.deepEqual(naive, [NaN, -Infinity, -Infinity], 'exp(1000) = inf: inf / inf = NaN, then log(1 / inf) = log 0 = −inf');
    const under = await run('naive_log_softmax', [-1000, -1001]);
    assert.ok(under.every((v) => Number.isNaN(v)), `0 / 0 = NaN: ${under}`);
    assert.deepEqual(await run('log_softmax', [-1000, -1001]).then((v) => v.map((x) => +x.toFixed(4))), [-0.3133, -1.3133]);
  });
});
