// Preference, focal, contrastive, CTC and token ops on the engine worker: edge cases the golden cases do not
// cover (±1000 margins, robust DPO, reward metrics, all-ignored rows, infeasible CTC) and bad input.
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { OpRequest } from '../../src/protocol/engine';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (shape: number[], values: number[]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const i64 = (shape: number[], values: number[]): Tensor => ({ dtype: 'int64', shape, data: BigInt64Array.from(values.map(BigInt)) });
const values = (t: Tensor): number[] => [...(t.data as Float32Array)];
const negLogSigmoid = (z: number): number => Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

function close(actual: number[], expected: number[], tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `length ${actual.length} ≠ ${expected.length}`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol * Math.max(1, Math.abs(expected[i])), `[${i}] ${a} ≠ ${expected[i]}`));
}

/** policy chosen logps = margins, everything else 0: Δ = margin. */
function dpo(margins: number[], options: OpRequest['options']): OpRequest {
  const zeros = () => f32([margins.length], margins.map(() => 0));
  return {
    op: 'dpo_loss',
    inputs: { policy_chosen_logps: f32([margins.length], margins), policy_rejected_logps: zeros(), reference_chosen_logps: zeros(), reference_rejected_logps: zeros() },
    options,
  };
}

describe('preference, focal, contrastive, CTC and token ops', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  async function rejects(request: OpRequest, pattern: RegExp): Promise<void> {
    await assert.rejects(engine.evaluate(request), pattern);
    const ok = await engine.evaluate({ op: 'reward_model_loss', inputs: { chosen_rewards: f32([1], [0]), rejected_rewards: f32([1], [0]) } });
    close(values(ok.output), [Math.LN2]); // the worker still serves
  }

  it('binary_cross_entropy_with_logits with pos_weight evaluates at every small shape the playground sends, as in float64', async () => {
    // ℓ = −[p·y·log σ(x) + (1 − y)·log(1 − σ(x))]; ∂ℓ/∂x = (1 − y)·σ(x) − p·y·σ(−x)
    for (const [x, y, p] of [[1, 1, 1], [-2, 0.3, 3], [12, 0, 0.5], [-30, 1, 2]]) {
      const r = await engine.evaluate({ op: 'binary_cross_entropy_with_logits', inputs: { input: f32([1], [x]), target: f32([1], [y]) }, options: { pos_weight: f32([1], [p]) } });
      close(values(r.output), [p * y * negLogSigmoid(x) + (1 - y) * negLogSigmoid(-x)]);
      close(values(r.grad.input), [(1 - y) * sigmoid(x) - p * y * sigmoid(-x)]);
    }
  });

  it('dpo_loss sigmoid (cDPO) stays finite at ±1000 margins, with the exact gradient', async () => {
    const r = await engine.evaluate(dpo([1000, -1000], { beta: 1, label_smoothing: 0.1 }));
    close(values(r.output), [0.1 * 1000, 0.9 * 1000]);
    // d/dz [−0.9·log σ(z) − 0.1·log σ(−z)] = −0.9·σ(−z) + 0.1·σ(z)
    close(values(r.grad.policy_chosen_logps), [0.1, -0.9]);
    close(values(r.grad.reference_chosen_logps), [-0.1, 0.9]);
  });

  it('dpo_loss robust (TRL 1.x) matches [−(1−ε)·log σ(βΔ) + ε·log σ(−βΔ)] / (1 − 2ε), also at ±1000', async () => {
    const margins = [1000, -1000, 0.7, -2.5];
    const beta = 1;
    const eps = 0.1;
    const r = await engine.evaluate(dpo(margins, { beta, loss_type: 'robust', label_smoothing: eps }));
    const z = margins.map((m) => beta * m);
    close(values(r.output), z.map((v) => ((1 - eps) * negLogSigmoid(v) - eps * negLogSigmoid(-v)) / (1 - 2 * eps)));
    close(values(r.grad.policy_chosen_logps), z.map((v) => (beta * (-(1 - eps) * sigmoid(-v) - eps * sigmoid(v))) / (1 - 2 * eps)));
  });

  it('dpo_loss returns rewards, accuracy (ties count as wrong) and margins', async () => {
    const r = await engine.evaluate({
      op: 'dpo_loss',
      inputs: {
        policy_chosen_logps: f32([3], [-1, -5, -2]),
        policy_rejected_logps: f32([3], [-3, -1, -2]),
        reference_chosen_logps: f32([3], [-2, -2, -2]),
        reference_rejected_logps: f32([3], [-2, -2, -2]),
      },
      options: { beta: 0.5 },
    });
    close(values(r.extras.chosen_rewards), [0.5, -1.5, 0]);
    close(values(r.extras.rejected_rewards), [-0.5, 0.5, 0]);
    assert.deepEqual(values(r.extras.reward_accuracies), [1, 0, 0]);
    close(values(r.extras.reward_margins), [1, -2, 0]);
  });

  it('dpo_loss hinge and ipo stay finite at ±1000', async () => {
    for (const loss_type of ['hinge', 'ipo']) {
      const r = await engine.evaluate(dpo([1000, -1000], { beta: 0.1, loss_type }));
      assert.ok([...values(r.output), ...values(r.grad.policy_chosen_logps)].every(Number.isFinite), loss_type);
    }
  });

  it('reward_model_loss with margin and center_rewards_coefficient, as TRL', async () => {
    const c = [1.5, -0.25, 1000];
    const rj = [0.5, 0.75, -1000];
    const margin = 0.3;
    const center = 0.01;
    const r = await engine.evaluate({
      op: 'reward_model_loss',
      inputs: { chosen_rewards: f32([3], c), rejected_rewards: f32([3], rj) },
      options: { margin, center_rewards_coefficient: center },
    });
    const bt = c.reduce((s, ci, i) => s + negLogSigmoid(ci - rj[i] - margin), 0) / 3;
    const centered = c.reduce((s, ci, i) => s + (ci + rj[i]) ** 2, 0) / 3;
    close(values(r.output), [bt + center * centered]);
    const gradC = c.map((ci, i) => -sigmoid(-(ci - rj[i] - margin)) / 3 + (center * 2 * (ci + rj[i])) / 3);
    close(values(r.grad.chosen_rewards), gradC);
  });

  it('focal_loss with gamma 0 equals cross_entropy; ignored rows count for nothing; all ignored is NaN', async () => {
    const input = () => f32([3, 3], [1, 2, 3, 0, -1, 4, 2, 2, 2]);
    const focal = await engine.evaluate({ op: 'focal_loss', inputs: { input: input(), target: i64([3], [0, -100, 2]) }, options: { gamma: 0 } });
    const ce = await engine.evaluate({ op: 'cross_entropy', inputs: { input: input(), target: i64([3], [0, -100, 2]) } });
    close(values(focal.output), values(ce.output));
    close(values(focal.grad.input), values(ce.grad.input));
    assert.deepEqual(values(focal.grad.input).slice(3, 6), [0, 0, 0]);
    const none = await engine.evaluate({ op: 'focal_loss', inputs: { input: input(), target: i64([3], [-100, -100, -100]) } });
    assert.ok(Number.isNaN(values(none.output)[0]));
  });

  it('sigmoid_focal_loss stays finite at ±1e4 logits', async () => {
    const r = await engine.evaluate({ op: 'sigmoid_focal_loss', inputs: { inputs: f32([4], [1e4, -1e4, 1e4, -1e4]), targets: f32([4], [1, 0, 0, 1]) } });
    assert.ok([...values(r.output), ...values(r.grad.inputs)].every(Number.isFinite));
    close(values(r.output).slice(0, 2), [0, 0]);
  });

  it('info_nce of identical unit rows at temperature 1 is the log-softmax of cosines', async () => {
    const q = [1, 0, 0, 1];
    const r = await engine.evaluate({ op: 'info_nce', inputs: { query: f32([2, 2], q), key: f32([2, 2], q) }, options: { temperature: 1 } });
    close(values(r.output), [-Math.log(Math.E / (Math.E + 1))]);
    // Each query's distribution over the keys: softmax of the cosines [[1, 0], [0, 1]].
    close(values(r.extras.logits), q);
    close(values(r.extras.probabilities), [Math.E / (Math.E + 1), 1 / (Math.E + 1), 1 / (Math.E + 1), Math.E / (Math.E + 1)]);
  });

  it('top_k_accuracy leaves out ignore_index positions', async () => {
    // argmax per row: 2, 0, 1, 1; second best: 1, 1, 2, 0
    const input = f32([4, 3], [0, 1, 2, 5, 4, 3, 0, 9, 8, 7, 8, 1]);
    const target = [2, 1, -100, 2];
    const top1 = await engine.evaluate({ op: 'top_k_accuracy', inputs: { input, target: i64([4], target) } });
    close(values(top1.output), [1 / 3]);
    const top2 = await engine.evaluate({ op: 'top_k_accuracy', inputs: { input: f32([4, 3], [0, 1, 2, 5, 4, 3, 0, 9, 8, 7, 8, 1]), target: i64([4], target) }, options: { k: 2 } });
    close(values(top2.output), [2 / 3]);
  });

  it('sequence_cross_entropy "sequence" skips a row with no valid token, which gets no gradient', async () => {
    const logits = () => f32([2, 2, 2], [0, 1, 2, 0, 5, 5, 1, 1]);
    const seq = await engine.evaluate({ op: 'sequence_cross_entropy', inputs: { input: logits(), target: i64([2, 2], [1, 0, -100, -100]) }, options: { normalize: 'sequence' } });
    const nll = (a: number, b: number, y: number) => Math.log(Math.exp(a) + Math.exp(b)) - (y ? b : a);
    close(values(seq.output), [(nll(0, 1, 1) + nll(2, 0, 0)) / 2]);
    assert.deepEqual(values(seq.grad.input).slice(4), [0, 0, 0, 0]);
  });

  it('perplexity is exp of the token-mean NLL; every token ignored gives NaN as torch', async () => {
    const uniform = await engine.evaluate({ op: 'perplexity', inputs: { input: f32([1, 2, 4], new Array(8).fill(0)), target: i64([1, 2], [3, -100]) } });
    close(values(uniform.output), [4]);
    const none = await engine.evaluate({ op: 'perplexity', inputs: { input: f32([1, 2, 4], new Array(8).fill(0)), target: i64([1, 2], [-100, -100]) } });
    assert.ok(Number.isNaN(values(none.output)[0]));
  });

  it('causal_lm_loss gives the last position no gradient', async () => {
    const r = await engine.evaluate({ op: 'causal_lm_loss', inputs: { logits: f32([1, 3, 2], [1, 2, 3, 4, 5, 6]), input_ids: i64([1, 3], [0, 1, 0]) } });
    assert.deepEqual(values(r.grad.logits).slice(4), [0, 0]);
    assert.ok(values(r.grad.logits).slice(0, 4).every((g) => g !== 0));
  });

  it('ctc_loss: an infeasible sample is inf, or 0 with a zero gradient under zero_infinity', async () => {
    // Sample 1 needs 3 frames for the labels [1, 1] (a blank between repeats) but has 2.
    const request = (zero_infinity: boolean): OpRequest => ({
      op: 'ctc_loss',
      inputs: {
        log_probs: f32([3, 2, 3], new Array(18).fill(Math.log(1 / 3))),
        targets: i64([2, 2], [1, 2, 1, 1]),
        input_lengths: i64([2], [3, 2]),
        target_lengths: i64([2], [2, 2]),
      },
      options: { reduction: 'none', zero_infinity },
    });
    const inf = await engine.evaluate(request(false));
    assert.equal(values(inf.output)[1], Infinity);
    const zeroed = await engine.evaluate(request(true));
    // Sample 0: 5 of the 27 uniform paths collapse to "1 2" (012, 102, 120, 112, 122).
    close(values(zeroed.output), [-Math.log(5 / 27), 0]);
    assert.equal(values(zeroed.output)[1], 0);
    const grad = values(zeroed.grad.log_probs);
    for (let t = 0; t < 3; t++) assert.deepEqual(grad.slice(t * 6 + 3, t * 6 + 6), [0, 0, 0], `frame ${t}, sample 1`);
  });

  it('refuses bad preference options and shapes, naming them', async () => {
    await rejects(dpo([1], { loss_type: 'kto' }), /"kto" is not a valid value for loss_type/);
    await rejects(dpo([1], { label_smoothing: 0.5 }), /label_smoothing must be in \[0, 0\.5\), got 0\.5/);
    await rejects(dpo([1], { beta: 0 }), /beta must be positive, got 0/);
    await rejects({ op: 'reward_model_loss', inputs: { chosen_rewards: f32([2], [1, 2]), rejected_rewards: f32([3], [1, 2, 3]) } }, /chosen_rewards of shape \[2\] and rejected_rewards of shape \[3\]/);
  });

  it('refuses bad focal, contrastive and token inputs, naming them', async () => {
    await rejects({ op: 'focal_loss', inputs: { input: f32([2, 3], [0, 0, 0, 0, 0, 0]), target: i64([2], [0, 3]) } }, /Target 3 is out of bounds for 3 classes/);
    await rejects({ op: 'sigmoid_focal_loss', inputs: { inputs: f32([2], [0, 0]), targets: f32([3], [0, 0, 0]) } }, /must have the same shape/);
    await rejects({ op: 'info_nce', inputs: { query: f32([1, 2], [1, 0]), key: f32([1, 2], [1, 0]) }, options: { temperature: 0 } }, /temperature must be positive, got 0/);
    await rejects({ op: 'top_k_accuracy', inputs: { input: f32([1, 3], [0, 0, 0]), target: i64([1], [0]) }, options: { k: 4 } }, /k must be an integer in \[1, 3\], got 4/);
    await rejects({ op: 'causal_lm_loss', inputs: { logits: f32([1, 1, 2], [0, 0]), input_ids: i64([1, 1], [0]) } }, /at least 2 positions to shift, got T = 1/);
    await rejects({ op: 'sequence_cross_entropy', inputs: { input: f32([1, 2, 2], [0, 0, 0, 0]), target: i64([1, 2], [0, -1]) } }, /Target -1 is out of bounds for 2 classes/);
  });

  it('refuses bad CTC inputs, naming them', async () => {
    const base = () => ({ log_probs: f32([2, 1, 3], new Array(6).fill(-1)), targets: i64([1, 2], [1, 2]), input_lengths: i64([1], [2]), target_lengths: i64([1], [2]) });
    await rejects({ op: 'ctc_loss', inputs: { ...base(), targets: i64([1, 2], [1, 0]) } }, /targets\[0\]\[1\] = 0 must be a class in \[0, 3\) other than blank \(0\)/);
    await rejects({ op: 'ctc_loss', inputs: { ...base(), input_lengths: i64([1], [3]) } }, /input_lengths\[0\] = 3 must be in \[1, 2\]/);
    await rejects({ op: 'ctc_loss', inputs: { ...base(), target_lengths: i64([1], [3]) } }, /target_lengths\[0\] = 3 must be in \[0, 2\]/);
    await rejects({ op: 'ctc_loss', inputs: { ...base(), log_probs: f32([2, 3], new Array(6).fill(-1)) } }, /expected log_probs of shape \[T, N, C\], got \[2, 3\]/);
  });
});
