// Training on the engine: one step against a float64 JS reference (SGD, momentum, Adam, clipping,
// accumulation denominators), and whole runs through the worker whose loss must fall.
import * as assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../../src/engine/onnx/model';
import { stepGraph, type StepSpec } from '../../src/engine/training/step';
import { DEFAULT_TRAINING, type MetricBatch, type TrainingConfig } from '../../src/protocol/training';
import { startEngine } from '../engineWorker';

const D = 3;
const C = 4;
const X = [0.5, -1, 2, 1.5, 0.25, -0.5, -2, 1, 0.75, 0.1, 0.2, -0.3];
const Y = [2, 0, 3, 1];
const W0 = [0.1, -0.2, 0.3, 0.05, -0.1, 0.2, 0.0, 0.15, 0.25, -0.05, 0.1, -0.3];
const B0 = [0.01, -0.02, 0.03, 0];

/** d(mean CE)/d(W, b) of softmax regression, in float64. */
function reference(rows: number[]): { gW: number[]; gb: number[]; loss: number } {
  const gW = new Array(D * C).fill(0);
  const gb = new Array(C).fill(0);
  let loss = 0;
  for (const n of rows) {
    const z = Array.from({ length: C }, (_, c) => B0[c] + [0, 1, 2].reduce((s, d) => s + X[n * D + d] * W0[d * C + c], 0));
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const total = e.reduce((a, b) => a + b);
    loss += Math.log(total) + m - z[Y[n]];
    e.forEach((v, c) => {
      const d = v / total - (c === Y[n] ? 1 : 0);
      gb[c] += d / rows.length;
      for (let k = 0; k < D; k++) gW[k * C + c] += (X[n * D + k] * d) / rows.length;
    });
  }
  return { gW, gb, loss: loss / rows.length };
}

async function step(spec: Partial<StepSpec>, lr: number, rows = [0, 1, 2, 3], state: Record<string, number[]> = {}, t = 1) {
  const s: StepSpec = { model: { kind: 'softmax_regression', inputs: D, classes: C, hidden: 0, embedding: 0, context: 1 }, loss: { labelSmoothing: 0, focalGamma: 0 }, optimizer: 'sgd', momentum: 0.9, clipNorm: 0, batch: rows.length, ...spec };
  const session = await ort.InferenceSession.create(encodeModel(stepGraph(s)), { logSeverityLevel: 3 });
  const f32 = (v: number[], shape: number[]) => new ort.Tensor('float32', Float32Array.from(v), shape);
  const feeds: Record<string, ort.Tensor> = {
    x: f32(rows.flatMap((n) => X.slice(n * D, n * D + D)), [rows.length, D]),
    y: new ort.Tensor('int64', BigInt64Array.from(rows.map((n) => BigInt(Y[n]))), [rows.length]),
    W: f32(W0, [D, C]),
    b: f32(B0, [1, C]),
    lr: f32([lr], []),
    t: f32([t], []),
  };
  for (const [name, v] of Object.entries(state)) feeds[name] = f32(v, name.endsWith('.W') ? [D, C] : [1, C]);
  const out = await session.run(feeds);
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Array.from(v.data as Float32Array)]));
}

const close = (a: number[], b: number[], tol = 1e-6) => a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])), `[${i}] ${v} vs ${b[i]}`));

describe('training step graph (against float64 JS)', () => {
  it('SGD: W − lr·∂L/∂W with ∂L/∂z = softmax − one-hot, and the loss and grad norm', async () => {
    const ref = reference([0, 1, 2, 3]);
    const out = await step({}, 0.5);
    close(out['new.W'], W0.map((w, i) => w - 0.5 * ref.gW[i]));
    close(out['new.b'], B0.map((b, i) => b - 0.5 * ref.gb[i]));
    close(out.loss, [ref.loss]);
    close(out.grad_norm, [Math.hypot(...ref.gW, ...ref.gb)]);
  });

  it('momentum: v = μ·v + g, p −= lr·v', async () => {
    const ref = reference([0, 1, 2, 3]);
    const v0 = W0.map((_, i) => 0.01 * i);
    const out = await step({ optimizer: 'momentum' }, 0.1, [0, 1, 2, 3], { 'v.W': v0, 'v.b': [0, 0, 0, 0] });
    const v = v0.map((x, i) => 0.9 * x + ref.gW[i]);
    close(out['new.v.W'], v);
    close(out['new.W'], W0.map((w, i) => w - 0.1 * v[i]));
  });

  it('Adam: bias-corrected moments at step t', async () => {
    const ref = reference([0, 1, 2, 3]);
    const t = 3;
    const m0 = W0.map(() => 0.02);
    const v0 = W0.map(() => 0.001);
    const out = await step({ optimizer: 'adam' }, 0.01, [0, 1, 2, 3], { 'm.W': m0, 'v.W': v0, 'm.b': [0, 0, 0, 0], 'v.b': [0, 0, 0, 0] }, t);
    const m = m0.map((x, i) => 0.9 * x + 0.1 * ref.gW[i]);
    const v = v0.map((x, i) => 0.999 * x + 0.001 * ref.gW[i] ** 2);
    const w = W0.map((p, i) => p - (0.01 * (m[i] / (1 - 0.9 ** t))) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8));
    close(out['new.W'], w, 1e-5);
  });

  it('global-norm clipping scales every gradient by clip / ‖g‖', async () => {
    const ref = reference([0, 1, 2, 3]);
    const norm = Math.hypot(...ref.gW, ...ref.gb);
    const out = await step({ clipNorm: norm / 4 }, 1);
    close(out['new.W'], W0.map((w, i) => w - ref.gW[i] / 4), 1e-5);
    close(out.grad_norm, [norm]); // reported before clipping
  });

  it('accumulating two micro-batches divides by the tokens of both (the global denominator)', async () => {
    const both = reference([0, 1, 2, 3]);
    const first = reference([0, 1]);
    const second = reference([2, 3]);
    // Equal micro-batches: the global mean is the mean of the two local means…
    close(both.gW, first.gW.map((g, i) => (g + second.gW[i]) / 2), 1e-12);
    // …and the step over the accumulated batch applies exactly that gradient.
    const out = await step({}, 1, [0, 1, 2, 3]);
    close(out['new.W'], W0.map((w, i) => w - both.gW[i]));
  });
});

describe('training runs on the engine worker', () => {
  const engine = startEngine();
  after(() => engine.dispose());

  async function train(config: Partial<TrainingConfig>): Promise<{ batches: MetricBatch[]; series: (name: string) => number[]; stepsPerSecond: number }> {
    const batches: MetricBatch[] = [];
    const run = engine.train({ ...DEFAULT_TRAINING, ...config }, (b) => batches.push(b));
    const done = await run.done;
    const series = (name: string) => batches.flatMap((b) => b.metrics[name]?.values ?? []);
    return { batches, series, stepsPerSecond: done.stepsPerSecond };
  }

  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

  it('an MLP on two moons: the loss falls and the eval accuracy rises above 85%', async () => {
    const { series, batches } = await train({ steps: 400 });
    const loss = series('loss');
    assert.equal(loss.length, 400);
    assert.ok(mean(loss.slice(-40)) < 0.5 * mean(loss.slice(0, 40)), `loss ${mean(loss.slice(0, 40))} → ${mean(loss.slice(-40))}`);
    assert.ok(series('eval_accuracy').at(-1)! > 0.85, `eval accuracy ${series('eval_accuracy').at(-1)}`);
    assert.ok(batches.length < 400, 'metrics arrive in batches, not one message per step');
  });

  it('a character MLP on text: the loss falls below the uniform log V', async () => {
    const text = 'the quick brown fox jumps over the lazy dog. '.repeat(40);
    const { series } = await train({ model: 'char_mlp', dataset: { kind: 'text', text, context: 3 }, steps: 300, lr: 0.02, batchSize: 64 });
    const loss = series('loss');
    assert.ok(loss.at(-1)! < Math.log(28) / 2, `final loss ${loss.at(-1)}`);
  });

  it('stops on request between steps', async () => {
    const run = engine.train({ ...DEFAULT_TRAINING, steps: 1_000_000 }, () => undefined);
    setTimeout(() => run.stop(), 300);
    assert.equal((await run.done).reason, 'stopped');
  });

  it('refuses a model that does not fit the data, and keeps serving', async () => {
    await assert.rejects(train({ model: 'char_bigram' }), /model char_bigram cannot train on toy2d data/);
    const ok = await engine.evaluate({ op: 'softmax', inputs: { input: { dtype: 'float32', shape: [2], data: Float32Array.from([0, 0]) } } });
    assert.deepEqual([...(ok.output.data as Float32Array)], [0.5, 0.5]);
  });
});
