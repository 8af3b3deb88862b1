// The class-index cross-entropy shared by every op and plan: the ops that are the same loss agree, ignore_index
// is applied wherever it is accepted, and the row-chunked plan (LLM-sized logits) matches a float64 reference
// in values and gradients and flags non-finite logits.
import * as assert from 'node:assert/strict';
import type { Tensor } from '../../src/protocol/tensor';
import { startEngine } from '../engineWorker';

const f32 = (shape: number[], data: ArrayLike<number>): Tensor => ({ dtype: 'float32', shape, data: Float32Array.from(data) });
const i64 = (shape: number[], data: number[]): Tensor => ({ dtype: 'int64', shape, data: BigInt64Array.from(data.map(BigInt)) });

/** A deterministic pseudo-random stream in [−2, 2). */
function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}

/** float64 −log softmax(x_n)[y_n] and softmax rows of logits [N, C]. */
function reference(x: Float32Array, N: number, C: number, y: number[]): { nll: number[]; softmax: Float64Array } {
  const nll: number[] = [];
  const softmax = new Float64Array(N * C);
  for (let n = 0; n < N; n++) {
    let m = -Infinity;
    for (let c = 0; c < C; c++) m = Math.max(m, x[n * C + c]);
    let total = 0;
    for (let c = 0; c < C; c++) total += Math.exp(x[n * C + c] - m);
    for (let c = 0; c < C; c++) softmax[n * C + c] = Math.exp(x[n * C + c] - m) / total;
    nll.push(y[n] < 0 ? 0 : Math.log(total) + m - x[n * C + y[n]]);
  }
  return { nll, softmax };
}

describe('class-index cross-entropy', () => {
  const engine = startEngine();
  after(() => engine.dispose());

  it('linear_cross_entropy leaves out targets equal to ignore_index (mean over the counted rows, no gradient from them)', async () => {
    const [N, D, C] = [3, 4, 128];
    const x = noise(N * D, 1);
    const W = noise(C * D, 2);
    const b = new Float32Array(C);
    const y = [5, -100, 77];
    const r = await engine.evaluate({
      op: 'linear_cross_entropy',
      inputs: { input: f32([N, D], x), weight: f32([C, D], W), bias: f32([C], b), target: i64([N], y) },
    });
    const z = new Float32Array(N * C);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let d = 0; d < D; d++) z[n * C + c] += x[n * D + d] * W[c * D + d];
    const { nll } = reference(z, N, C, y);
    assert.ok(Math.abs((r.output.data as Float32Array)[0] - (nll[0] + nll[2]) / 2) < 1e-5, `loss ${r.output.data[0]} vs ${(nll[0] + nll[2]) / 2}`);
    const gx = r.grad.input.data as Float32Array;
    for (let d = 0; d < D; d++) assert.equal(gx[D + d], 0, `the ignored row has gradient ${gx[D + d]}`);
    const none = await engine.evaluate({
      op: 'linear_cross_entropy',
      inputs: { input: f32([N, D], x), weight: f32([C, D], W), bias: f32([C], b), target: i64([N], [5, 3, 77]) },
      options: { reduction: 'none', ignore_index: 3 },
    });
    assert.equal((none.output.data as Float32Array)[1], 0);
  });

  it('cross_entropy, nll_loss, focal_loss (γ = 0), sequence_cross_entropy and linear_cross_entropy give one loss', async () => {
    const [B, T, V] = [2, 3, 7];
    const logits = noise(B * T * V, 3);
    const y = [1, -100, 6, 0, 3, -100];
    const { nll } = reference(logits, B * T, V, y);
    const expected = nll.reduce((s, v) => s + v, 0) / 4;
    const flat = () => ({ input: f32([B * T, V], logits), target: i64([B * T], y) });
    const logProbs = Float32Array.from(logits, (v, i) => {
      const n = Math.floor(i / V);
      const row = Array.from(logits.subarray(n * V, n * V + V));
      const m = Math.max(...row);
      return v - m - Math.log(row.reduce((s, u) => s + Math.exp(u - m), 0));
    });
    const eye = Float32Array.from({ length: V * V }, (_, i) => (i % (V + 1) === 0 ? 1 : 0));
    const results = await Promise.all([
      engine.evaluate({ op: 'cross_entropy', inputs: flat() }),
      engine.evaluate({ op: 'nll_loss', inputs: { input: f32([B * T, V], logProbs), target: flat().target } }),
      engine.evaluate({ op: 'focal_loss', inputs: flat(), options: { gamma: 0 } }),
      engine.evaluate({ op: 'sequence_cross_entropy', inputs: { input: f32([B, T, V], logits), target: i64([B, T], y) } }),
      engine.evaluate({ op: 'linear_cross_entropy', inputs: { ...flat(), weight: f32([V, V], eye), bias: f32([V], new Float32Array(V)) } }),
    ]);
    results.forEach((r, i) => assert.ok(Math.abs((r.output.data as Float32Array)[0] - expected) < 1e-5, `op ${i}: ${r.output.data[0]} vs ${expected}`));
    const grads = [results[0].grad.input, results[2].grad.input, results[3].grad.input, results[4].grad.input].map((t) => t.data as Float32Array);
    for (const g of grads.slice(1)) g.forEach((v, i) => assert.ok(Math.abs(v - grads[0][i]) < 1e-6, `gradient [${i}] ${v} vs ${grads[0][i]}`));
  });

  describe('row-chunked plan ([64, 65536] logits)', () => {
    const [N, C] = [64, 65536];
    const x = noise(N * C, 4);
    const y = Array.from({ length: N }, (_, n) => (n % 9 === 4 ? -100 : (n * 7919) % C));

    it('matches float64 for mean and none, with class weights, and writes (softmax − one-hot)·scale', async () => {
      const { nll, softmax } = reference(x, N, C, y);
      const w = Float32Array.from({ length: C }, (_, c) => 0.5 + (c % 3) * 0.25);
      const counted = y.map((t) => (t < 0 ? 0 : w[t]));
      const total = counted.reduce((s, v) => s + v, 0);
      const mean = nll.reduce((s, v, n) => s + v * counted[n], 0) / total;
      const r = await engine.evaluate({ op: 'cross_entropy', inputs: { input: f32([N, C], x), target: i64([N], y) }, options: { weight: f32([C], w) } });
      assert.ok(Math.abs((r.output.data as Float32Array)[0] - mean) < 1e-5, `mean ${r.output.data[0]} vs ${mean}`);
      const g = r.grad.input.data as Float32Array;
      for (let n = 0; n < N; n++) {
        for (const c of [0, 1, y[n] < 0 ? 2 : y[n], C - 1]) {
          const want = (counted[n] / total) * (softmax[n * C + c] - (c === y[n] ? 1 : 0));
          assert.ok(Math.abs(g[n * C + c] - want) < 1e-7, `grad [${n}, ${c}] ${g[n * C + c]} vs ${want}`);
        }
      }
      const none = await engine.evaluate({ op: 'cross_entropy', inputs: { input: f32([N, C], x), target: i64([N], y) }, options: { reduction: 'none' }, grad: false });
      nll.forEach((v, n) => assert.ok(Math.abs((none.output.data as Float32Array)[n] - v) < 1e-4, `row ${n}: ${none.output.data[n]} vs ${v}`));
      assert.deepEqual(none.nonFinite, []);
    });

    it('at [1024, 50257] (the gradient written over the transferred logits) every loss and gradient entry matches float64', async function () {
      this.timeout(120_000);
      const [M, V] = [1024, 50257];
      const logits = noise(M * V, 5).map((v) => v * 4);
      const targets = Array.from({ length: M }, (_, n) => (n % 97 === 3 ? -100 : (n * 104729) % V));
      const r = await engine.evaluate({ op: 'cross_entropy', inputs: { input: f32([M, V], logits), target: i64([M], targets) }, options: { reduction: 'sum' } });
      const g = r.grad.input.data as Float32Array;
      let expected = 0;
      let worst = 0;
      for (let n = 0; n < M; n++) {
        const row = logits.subarray(n * V, (n + 1) * V);
        let m = -Infinity;
        for (let c = 0; c < V; c++) m = Math.max(m, row[c]);
        let total = 0;
        for (let c = 0; c < V; c++) total += Math.exp(row[c] - m);
        const counted = targets[n] >= 0;
        if (counted) expected += Math.log(total) + m - row[targets[n]];
        for (let c = 0; c < V; c++) {
          const want = counted ? Math.exp(row[c] - m) / total - (c === targets[n] ? 1 : 0) : 0;
          worst = Math.max(worst, Math.abs(g[n * V + c] - want));
        }
      }
      const got = (r.output.data as Float32Array)[0];
      assert.ok(Math.abs(got - expected) / expected < 1e-5, `loss ${got} vs float64 ${expected}`);
      assert.ok(worst < 1e-6, `largest gradient error ${worst}`);
    });

    it('leaves logits in a SharedArrayBuffer intact (they are still the caller\'s) and writes the gradient elsewhere', async () => {
      const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
      shared.set(x);
      const r = await engine.evaluate({ op: 'cross_entropy', inputs: { input: { dtype: 'float32', shape: [N, C], data: shared }, target: i64([N], y) } });
      const changed = shared.findIndex((v, i) => !Object.is(v, x[i]));
      assert.equal(changed, -1, `logit [${Math.floor(changed / C)}, ${changed % C}] was overwritten: ${shared[changed]} instead of ${x[changed]}`);
      const g = r.grad.input.data as Float32Array;
      assert.notEqual(g.buffer, shared.buffer);
      const { softmax } = reference(x, N, C, y);
      const counted = y.filter((t) => t >= 0).length;
      for (let n = 0; n < N; n++) {
        for (const c of [0, y[n] < 0 ? 1 : y[n], C - 1]) {
          const want = y[n] < 0 ? 0 : (softmax[n * C + c] - (c === y[n] ? 1 : 0)) / counted;
          assert.ok(Math.abs(g[n * C + c] - want) < 1e-7, `grad [${n}, ${c}] ${g[n * C + c]} vs ${want}`);
        }
      }
    });

    it('donated logits in a SharedArrayBuffer (scored by two threads) get the gradient in place, matching float64', async () => {
      const { nll, softmax } = reference(x, N, C, y);
      const w = Float32Array.from({ length: C }, (_, c) => 0.5 + (c % 3) * 0.25);
      const counted = y.map((t) => (t < 0 ? 0 : w[t]));
      const total = counted.reduce((s, v) => s + v, 0);
      const mean = nll.reduce((s, v, n) => s + v * counted[n], 0) / total;
      const shared = new Float32Array(new SharedArrayBuffer(x.byteLength));
      shared.set(x);
      const r = await engine.evaluate({ op: 'cross_entropy', inputs: { input: { dtype: 'float32', shape: [N, C], data: shared }, target: i64([N], y) }, options: { weight: f32([C], w) }, donate: ['input'] });
      assert.ok(Math.abs((r.output.data as Float32Array)[0] - mean) < 1e-5, `mean ${r.output.data[0]} vs ${mean}`);
      const g = r.grad.input.data as Float32Array;
      assert.equal(g.buffer instanceof SharedArrayBuffer, true, 'the gradient is written over the donated logits');
      let worst = 0;
      for (let i = 0; i < N * C; i++) {
        const n = Math.floor(i / C);
        worst = Math.max(worst, Math.abs(shared[i] - (counted[n] / total) * (softmax[i] - (i % C === y[n] ? 1 : 0))));
      }
      assert.ok(worst < 1e-7, `largest gradient error ${worst}`);
      assert.deepEqual(r.nonFinite, []);
      const again = new Float32Array(new SharedArrayBuffer(x.byteLength));
      again.set(x);
      again[37 * C + 1234] = NaN;
      const none = await engine.evaluate({ op: 'cross_entropy', inputs: { input: { dtype: 'float32', shape: [N, C], data: again }, target: i64([N], y) }, options: { reduction: 'none' }, grad: false, donate: ['input'] });
      nll.forEach((v, n) => n !== 37 && assert.ok(Math.abs((none.output.data as Float32Array)[n] - v) < 1e-4, `row ${n}: ${none.output.data[n]} vs ${v}`));
      assert.deepEqual(none.nonFinite, ['input']);
      await assert.rejects(engine.evaluate({ op: 'cross_entropy', inputs: { input: f32([2, 3], [1, 2, 3, 4, 5, 6]), target: i64([2], [0, 1]) }, donate: ['logits'] }), /cross_entropy\(\): donate must list input names \(input, target\), got \["logits"\]/);
    });

    it('flags NaN and Inf in the logits (and stays finite-flag-free without them)', async () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const withBad = Float32Array.from(x);
        withBad[37 * C + 1234] = bad;
        const r = await engine.evaluate({ op: 'cross_entropy', inputs: { input: f32([N, C], withBad), target: i64([N], y) }, grad: false });
        assert.deepEqual(r.nonFinite, ['input'], `a ${bad} logit`);
      }
    });
  });
});
