// linear_cross_entropy against the backprop of a linear softmax layer in float64:
// ∂L/∂z = (softmax(z) − onehot(y))/N, ∂L/∂W = (∂L/∂z)ᵀ·x, ∂L/∂b = Σ_n ∂L/∂z_n, ∂L/∂x = (∂L/∂z)·W.
import * as assert from 'node:assert/strict';
import { startEngine } from '../engineWorker';

describe('linear_cross_entropy', () => {
  const engine = startEngine();
  after(() => engine.dispose());

  it('matches the hand-derived gradients of x → z = x·Wᵀ + b → softmax → CE', async () => {
    const [N, D, C] = [2, 3, 4];
    const x = [0.5, -1, 2, 1, 0.25, -0.5];
    const W = [0.1, -0.2, 0.3, 0.05, -0.1, 0.2, 0, 0.15, 0.25, -0.05, 0.1, -0.3];
    const b = [0.01, -0.02, 0.03, 0];
    const y = [2, 0];
    const r = await engine.evaluate({
      op: 'linear_cross_entropy',
      inputs: {
        input: { dtype: 'float32', shape: [N, D], data: Float32Array.from(x) },
        weight: { dtype: 'float32', shape: [C, D], data: Float32Array.from(W) },
        bias: { dtype: 'float32', shape: [C], data: Float32Array.from(b) },
        target: { dtype: 'int64', shape: [N], data: BigInt64Array.from(y.map(BigInt)) },
      },
    });
    const dz: number[][] = [];
    let loss = 0;
    for (let n = 0; n < N; n++) {
      const z = Array.from({ length: C }, (_, c) => b[c] + [0, 1, 2].reduce((s, d) => s + x[n * D + d] * W[c * D + d], 0));
      const m = Math.max(...z);
      const total = z.reduce((s, v) => s + Math.exp(v - m), 0);
      loss += Math.log(total) + m - z[y[n]];
      dz.push(z.map((v, c) => (Math.exp(v - m) / total - (c === y[n] ? 1 : 0)) / N));
      z.forEach((v, c) => assert.ok(Math.abs((r.extras.logits.data as Float32Array)[n * C + c] - v) < 1e-6));
    }
    const close = (a: ArrayLike<number>, b: number[]) => b.forEach((v, i) => assert.ok(Math.abs(a[i] - v) < 1e-6, `[${i}] ${a[i]} vs ${v}`));
    close(r.output.data as Float32Array, [loss / N]);
    close(r.grad.weight.data as Float32Array, Array.from({ length: C * D }, (_, i) => dz.reduce((s, row, n) => s + row[Math.floor(i / D)] * x[n * D + (i % D)], 0)));
    close(r.grad.bias.data as Float32Array, Array.from({ length: C }, (_, c) => dz.reduce((s, row) => s + row[c], 0)));
    close(r.grad.input.data as Float32Array, Array.from({ length: N * D }, (_, i) => dz[Math.floor(i / D)].reduce((s, g, c) => s + g * W[c * D + (i % D)], 0)));
  });
});
