// discrete_gaussian_kl on the engine against plain float64 JS: both directions' values, and their gradients
// w.r.t. mu and log_sigma against central differences of the JS value.
import * as assert from 'node:assert/strict';
import type { EngineClient } from '../../src/engine/client';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (values: number[]): Tensor => ({ dtype: 'float32', shape: [values.length], data: Float32Array.from(values) });
const X = Array.from({ length: 21 }, (_, i) => -5 + i * 0.5);
const bump = (c: number) => X.map((x) => Math.exp(-((x - c) ** 2) / 2));
const mix = bump(-2).map((v, i) => 0.5 * v + 0.5 * bump(2)[i]);
const P = mix.map((v) => v / mix.reduce((a, b) => a + b));

function kl(direction: 'forward' | 'reverse', mu: number, logSigma: number): number {
  const z = X.map((x) => -((x - mu) ** 2) / (2 * Math.exp(2 * logSigma)));
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  const logQ = z.map((v) => v - lse);
  return direction === 'forward' ? P.reduce((s, p, i) => s + p * (Math.log(p) - logQ[i]), 0) : logQ.reduce((s, lq, i) => s + Math.exp(lq) * (lq - Math.log(P[i])), 0);
}

describe('discrete_gaussian_kl', () => {
  let engine: EngineClient;
  before(() => (engine = startEngine()));
  after(() => engine.dispose());

  for (const direction of ['forward', 'reverse'] as const) {
    it(`${direction}: value and gradients w.r.t. mu and log_sigma`, async () => {
      const [mu, logSigma] = [0.7, 0.3];
      const r = await engine.evaluate({ op: 'discrete_gaussian_kl', inputs: { target: f32(P), support: f32(X), mu: f32([mu]), log_sigma: f32([logSigma]) }, options: { direction } });
      const value = (r.output.data as Float32Array)[0];
      assert.ok(Math.abs(value - kl(direction, mu, logSigma)) < 1e-5, `${value} vs ${kl(direction, mu, logSigma)}`);
      const h = 1e-4;
      const dMu = (kl(direction, mu + h, logSigma) - kl(direction, mu - h, logSigma)) / (2 * h);
      const dLogSigma = (kl(direction, mu, logSigma + h) - kl(direction, mu, logSigma - h)) / (2 * h);
      assert.ok(Math.abs((r.grad.mu.data as Float32Array)[0] - dMu) < 1e-4, `∂/∂μ ${r.grad.mu.data[0]} vs ${dMu}`);
      assert.ok(Math.abs((r.grad.log_sigma.data as Float32Array)[0] - dLogSigma) < 1e-4, `∂/∂log σ ${r.grad.log_sigma.data[0]} vs ${dLogSigma}`);
      const q = [...(r.extras.q.data as Float32Array)];
      assert.ok(Math.abs(q.reduce((a, b) => a + b) - 1) < 1e-5);
    });
  }

  it('refuses mismatched shapes and unknown directions, naming them', async () => {
    const base = () => ({ target: f32(P), support: f32(X), mu: f32([0]), log_sigma: f32([0]) }); // requests move their buffers
    await assert.rejects(engine.evaluate({ op: 'discrete_gaussian_kl', inputs: { ...base(), support: f32([1, 2]) } }), /support/);
    await assert.rejects(engine.evaluate({ op: 'discrete_gaussian_kl', inputs: { ...base(), mu: f32([0, 1]) } }), /mu must have shape \[1\]/);
    await assert.rejects(engine.evaluate({ op: 'discrete_gaussian_kl', inputs: base(), options: { direction: 'sideways' } }), /direction/);
  });
});
