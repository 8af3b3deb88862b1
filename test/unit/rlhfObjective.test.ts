// kl_regularized_objective on the engine against plain float64 JS: J = E_π[r] − β·KL(π‖π_ref), π* ∝ π_ref·e^{r/β},
// max J = β·log Σ π_ref·e^{r/β}, the implicit reward β·log(π/π_ref), and ∂J/∂logits, ∂J/∂β against central
// differences; at π = π* the gradient w.r.t. the logits vanishes (π* is the maximiser).
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (values: number[], shape = [values.length]): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(values) });
const values = (t: Tensor) => [...(t.data as Float32Array)];

const logSoftmax = (z: number[]) => {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};
function objective(logits: number[], refLogits: number[], r: number[], beta: number): number {
  const lp = logSoftmax(logits);
  const lr = logSoftmax(refLogits);
  return lp.reduce((s, l, i) => s + Math.exp(l) * (r[i] - beta * (l - lr[i])), 0);
}

const LOGITS = [0.3, -0.2, 1.1, 0.0, -0.7];
const REF = [0.5, 0.1, -0.3, 0.8, 0.0];
const R = [1.0, -0.5, 2.0, 0.3, -1.2];

describe('kl_regularized_objective', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  it('J, E_π[r], KL, π*, β·log Z and the implicit reward match float64', async () => {
    const beta = 0.7;
    const r = await engine.evaluate({ op: 'kl_regularized_objective', inputs: { logits: f32(LOGITS), ref_logits: f32(REF), rewards: f32(R), beta: f32([beta]) } });
    const lp = logSoftmax(LOGITS);
    const lr = logSoftmax(REF);
    const close = (a: number, b: number, what: string, tol = 1e-5) => assert.ok(Math.abs(a - b) < tol, `${what}: ${a} vs ${b}`);
    close(values(r.output)[0], objective(LOGITS, REF, R, beta), 'J');
    close(values(r.extras.expected_reward)[0], lp.reduce((s, l, i) => s + Math.exp(l) * R[i], 0), 'E[r]');
    close(values(r.extras.kl)[0], lp.reduce((s, l, i) => s + Math.exp(l) * (l - lr[i]), 0), 'KL');
    const star = logSoftmax(lr.map((l, i) => l + R[i] / beta));
    values(r.extras.optimal_logprobs).forEach((v, i) => close(v, star[i], `log π*[${i}]`));
    const logZ = Math.log(lr.reduce((s, l, i) => s + Math.exp(l + R[i] / beta), 0));
    close(values(r.extras.optimal_objective)[0], beta * logZ, 'β log Z');
    values(r.extras.implicit_rewards).forEach((v, i) => close(v, beta * (lp[i] - lr[i]), `implicit reward ${i}`));
    // ∂J/∂logits and ∂J/∂β (= −KL) against central differences of the float64 objective.
    const h = 1e-4;
    values(r.grad.logits).forEach((g, i) => {
      const at = (d: number) => objective(LOGITS.map((v, j) => (j === i ? v + d : v)), REF, R, beta);
      close(g, (at(h) - at(-h)) / (2 * h), `∂J/∂logits[${i}]`, 1e-4);
    });
    close(values(r.grad.beta)[0], (objective(LOGITS, REF, R, beta + h) - objective(LOGITS, REF, R, beta - h)) / (2 * h), '∂J/∂β', 1e-4);
  });

  it('at π = π* the objective equals β·log Z, the gradient w.r.t. the logits vanishes, and β·log(π*/π_ref) = r − β·log Z', async () => {
    const beta = 0.5;
    const first = await engine.evaluate({ op: 'kl_regularized_objective', inputs: { logits: f32(REF), ref_logits: f32(REF), rewards: f32(R), beta: f32([beta]) } });
    const star = values(first.extras.optimal_logprobs);
    const r = await engine.evaluate({ op: 'kl_regularized_objective', inputs: { logits: f32(star), ref_logits: f32(REF), rewards: f32(R), beta: f32([beta]) } });
    const bestJ = values(first.extras.optimal_objective)[0];
    assert.ok(Math.abs(values(r.output)[0] - bestJ) < 1e-5, `${values(r.output)[0]} vs ${bestJ}`);
    assert.ok(values(r.grad.logits).every((g) => Math.abs(g) < 1e-5), `${values(r.grad.logits)}`);
    values(r.extras.implicit_rewards).forEach((v, i) => assert.ok(Math.abs(v - (R[i] - bestJ)) < 1e-4, `${v} vs ${R[i] - bestJ}`));
    // Any other policy scores lower.
    assert.ok(objective(LOGITS, REF, R, beta) < bestJ);
  });

  it('one β per row: rows of a β sweep, from π_ref (large β) to the argmax of r (small β)', async () => {
    const betas = [100, 1, 0.01];
    const rows = betas.length;
    const rep = (v: number[]) => f32(betas.flatMap(() => v), [rows, v.length]);
    const r = await engine.evaluate({ op: 'kl_regularized_objective', inputs: { logits: rep(REF), ref_logits: rep(REF), rewards: rep(R), beta: f32(betas) } });
    const star = values(r.extras.optimal_logprobs).map(Math.exp);
    const ref = logSoftmax(REF).map(Math.exp);
    const row = (i: number) => star.slice(i * R.length, (i + 1) * R.length);
    row(0).forEach((p, i) => assert.ok(Math.abs(p - ref[i]) < 0.02, `β = 100: ${p} vs π_ref ${ref[i]}`));
    assert.ok(row(2)[2] > 0.999, `β = 0.01: π*(argmax r) = ${row(2)[2]}`);
    assert.deepEqual(r.output.shape, [rows]);
  });

  it('refuses a non-positive β and mismatched shapes, naming them', async () => {
    const base = () => ({ logits: f32(LOGITS), ref_logits: f32(REF), rewards: f32(R), beta: f32([0.5]) });
    await assert.rejects(engine.evaluate({ op: 'kl_regularized_objective', inputs: { ...base(), beta: f32([0]) } }), /beta must be positive, got 0/);
    await assert.rejects(engine.evaluate({ op: 'kl_regularized_objective', inputs: { ...base(), rewards: f32([1, 2]) } }), /rewards of shape \[2\]/);
    await assert.rejects(engine.evaluate({ op: 'kl_regularized_objective', inputs: { ...base(), beta: f32([1, 2]) } }), /beta must be one number or one per row/);
  });
});
