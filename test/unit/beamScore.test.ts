// beam_score on the engine against plain float64 JS: Σ log p over each hypothesis' length / length^α, the
// padding beyond a length ignored, ∂score/∂logprobs = 1/length^α on the counted tokens, and which hypothesis wins.
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (values: number[], shape = [values.length]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const i64 = (values: number[]): Tensor => ({ dtype: 'int64', shape: [values.length], data: BigInt64Array.from(values.map(BigInt)) });
const HYPOTHESES = [[-0.4, -0.6], [-0.2, -0.3, -0.25, -0.3, -0.2, -0.35], [-0.1, -0.9, -0.2, -0.1]];
const T = 6;
const padded = HYPOTHESES.flatMap((h) => [...h, ...Array(T - h.length).fill(-99)]);
const lengths = HYPOTHESES.map((h) => h.length);
const score = (h: number[], alpha: number) => h.reduce((a, b) => a + b, 0) / h.length ** alpha;

describe('beam_score', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  for (const alpha of [0, 0.6, 1]) {
    it(`length_penalty ${alpha}: scores, gradients and the winner match float64`, async () => {
      const r = await engine.evaluate({ op: 'beam_score', inputs: { logprobs: f32(padded, [3, T]), lengths: i64(lengths) }, options: { length_penalty: alpha } });
      const got = [...(r.output.data as Float32Array)];
      const want = HYPOTHESES.map((h) => score(h, alpha));
      got.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-5, `${v} vs ${want[i]}`));
      assert.equal(got.indexOf(Math.max(...got)), want.indexOf(Math.max(...want)));
      const grad = [...(r.grad.logprobs.data as Float32Array)];
      grad.forEach((g, k) => {
        const [b, t] = [Math.floor(k / T), k % T];
        const expected = t < lengths[b] ? 1 / lengths[b] ** alpha : 0;
        assert.ok(Math.abs(g - expected) < 1e-6, `∂/∂logprobs[${b}][${t}] ${g} vs ${expected}`);
      });
    });
  }

  it('raw sums pick the short hypothesis; the mean picks the long one', async () => {
    const winner = async (alpha: number) => {
      const r = await engine.evaluate({ op: 'beam_score', inputs: { logprobs: f32(padded, [3, T]), lengths: i64(lengths) }, options: { length_penalty: alpha } });
      const s = [...(r.output.data as Float32Array)];
      return s.indexOf(Math.max(...s));
    };
    assert.equal(await winner(0), 0);
    assert.equal(await winner(1), 1);
  });

  it('refuses lengths outside 1..T, naming them', async () => {
    await assert.rejects(engine.evaluate({ op: 'beam_score', inputs: { logprobs: f32(padded, [3, T]), lengths: i64([2, 7, 4]) } }), /lengths\[1\] is 7; a hypothesis has 1 to 6 tokens/);
    await assert.rejects(engine.evaluate({ op: 'beam_score', inputs: { logprobs: f32(padded, [3, T]), lengths: i64([2, 3]) } }), /lengths must have shape \[3\]/);
  });
});
