// clip_grad_norm_ and clip_grad_value_ on the engine: the ∞-norm (which JSON golden files cannot carry) against
// float64 here, the direction kept by norm clipping and changed by value clipping, and PyTorch's messages.
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (values: number[]): Tensor => ({ dtype: 'float32', shape: [values.length], data: Float32Array.from(values) });
const values = (t: Tensor) => [...(t.data as Float32Array)];
const G = [0.3, -2.5, 1.2, 0.7];

describe('gradient clipping ops', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  it('norm_type inf: total norm max |g|, scaled by max_norm / (max |g| + 1e-6)', async () => {
    const r = await engine.evaluate({ op: 'clip_grad_norm_', inputs: { grads: f32(G) }, options: { max_norm: 0.5, norm_type: Infinity } });
    const coef = 0.5 / (2.5 + 1e-6);
    assert.ok(Math.abs(values(r.extras.total_norm)[0] - 2.5) < 1e-6);
    values(r.output).forEach((v, i) => assert.ok(Math.abs(v - G[i] * coef) < 1e-6, `${v} vs ${G[i] * coef}`));
  });

  it('norm clipping keeps the direction; value clipping changes it', async () => {
    const g = [3, 0.4];
    const [byNorm, byValue] = await Promise.all([
      engine.evaluate({ op: 'clip_grad_norm_', inputs: { grads: f32(g) }, options: { max_norm: 1 } }),
      engine.evaluate({ op: 'clip_grad_value_', inputs: { grads: f32(g) }, options: { clip_value: 1 } }),
    ]);
    const angle = (v: number[]) => Math.atan2(v[1], v[0]);
    assert.ok(Math.abs(angle(values(byNorm.output)) - angle(g)) < 1e-6);
    assert.ok(Math.abs(Math.hypot(...values(byNorm.output)) - 1) < 1e-5);
    assert.deepEqual(values(byValue.output).map((v) => +v.toFixed(6)), [1, 0.4]);
    assert.ok(angle(values(byValue.output)) - angle(g) > 0.2, 'the small component now weighs more');
  });

  it('leaves a gradient already within max_norm unchanged (the coefficient is clamped to 1)', async () => {
    const r = await engine.evaluate({ op: 'clip_grad_norm_', inputs: { grads: f32([3, 4]) }, options: { max_norm: 10 } });
    assert.deepEqual(values(r.output), [3, 4]);
    assert.equal(values(r.extras.clip_coef)[0], 1);
  });

  it('error_if_nonfinite: PyTorch\'s message for a non-finite total norm; off by default (scaled by it)', async () => {
    const bad = () => f32([1, Infinity]);
    await assert.rejects(engine.evaluate({ op: 'clip_grad_norm_', inputs: { grads: bad() }, options: { max_norm: 1, error_if_nonfinite: true } }), /The total norm of order 2\.0 for gradients from `parameters` is non-finite, so it cannot be clipped/);
    const r = await engine.evaluate({ op: 'clip_grad_norm_', inputs: { grads: bad() }, options: { max_norm: 1 } });
    assert.equal(values(r.extras.total_norm)[0], Infinity);
  });

  it('names a missing max_norm or clip_value, and a bad norm_type', async () => {
    await assert.rejects(engine.evaluate({ op: 'clip_grad_norm_', inputs: { grads: f32(G) }, options: {} }), /clip_grad_norm_\(\) missing 1 required positional argument: 'max_norm'/);
    await assert.rejects(engine.evaluate({ op: 'clip_grad_value_', inputs: { grads: f32(G) }, options: {} }), /clip_grad_value_\(\) missing 1 required positional argument: 'clip_value'/);
    await assert.rejects(engine.evaluate({ op: 'clip_grad_norm_', inputs: { grads: f32(G) }, options: { max_norm: 1, norm_type: 0 } }), /norm_type must be positive/);
  });
});
