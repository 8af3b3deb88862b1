// Training steps per second of a softmax layer (D = 64, V = 1000, batch 256, SGD) on ORT — one graph per
// step, parameters fed back — against the same step in plain JS.
import * as ort from 'onnxruntime-node';
import { rng } from '../engine/training/data';
import { stepGraph, type StepSpec } from '../engine/training/step';
import { sessionFor } from '../engine/runtime/sessions';
import type { Report } from './timing';


const D = 64;
const V = 1000;
const B = 256;

function batch(random: () => number): { x: Float32Array; y: BigInt64Array } {
  return { x: Float32Array.from({ length: B * D }, () => random() * 2 - 1), y: BigInt64Array.from({ length: B }, () => BigInt(Math.floor(random() * V))) };
}

/** One SGD step of softmax regression in plain JS (forward, softmax − one-hot, Xᵀ·G, update). */
function jsStep(W: Float32Array, b: Float32Array, x: Float32Array, y: BigInt64Array, lr: number): number {
  const z = new Float32Array(B * V);
  let loss = 0;
  for (let n = 0; n < B; n++) {
    for (let v = 0; v < V; v++) z[n * V + v] = b[v];
    for (let d = 0; d < D; d++) {
      const xv = x[n * D + d];
      for (let v = 0; v < V; v++) z[n * V + v] += xv * W[d * V + v];
    }
    let m = -Infinity;
    for (let v = 0; v < V; v++) m = Math.max(m, z[n * V + v]);
    let s = 0;
    for (let v = 0; v < V; v++) s += Math.exp(z[n * V + v] - m);
    const t = Number(y[n]);
    loss += Math.log(s) + m - z[n * V + t];
    for (let v = 0; v < V; v++) z[n * V + v] = (Math.exp(z[n * V + v] - m) / s - (v === t ? 1 : 0)) / B;
  }
  for (let d = 0; d < D; d++) {
    for (let n = 0; n < B; n++) {
      const xv = x[n * D + d] * lr;
      for (let v = 0; v < V; v++) W[d * V + v] -= xv * z[n * V + v];
    }
  }
  for (let n = 0; n < B; n++) for (let v = 0; v < V; v++) b[v] -= lr * z[n * V + v];
  return loss / B;
}

export async function benchTraining(report: Report): Promise<void> {
  const spec: StepSpec = { model: { kind: 'softmax_regression', inputs: D, classes: V, hidden: 0, embedding: 0, context: 1 }, loss: { labelSmoothing: 0, focalGamma: 0 }, optimizer: 'sgd', momentum: 0, clipNorm: 0, batch: B };
  const session = await sessionFor(`bench:${JSON.stringify(spec)}`, () => stepGraph(spec));
  const random = rng(1);
  const batches = Array.from({ length: 16 }, () => batch(random));
  let W: Float32Array = new Float32Array(D * V);
  let b: Float32Array = new Float32Array(V);
  const steps = 1000;
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      const { x, y } = batches[i % batches.length];
      const out = await session.run({
        x: new ort.Tensor('float32', x, [B, D]),
        y: new ort.Tensor('int64', y, [B]),
        W: new ort.Tensor('float32', W, [D, V]),
        b: new ort.Tensor('float32', b, [1, V]),
        lr: new ort.Tensor('float32', Float32Array.of(0.1), []),
        t: new ort.Tensor('float32', Float32Array.of(i + 1), []),
      });
      W = out['new.W'].data as Float32Array;
      b = out['new.b'].data as Float32Array;
    }
  };
  await run(50);
  const t0 = performance.now();
  await run(steps);
  const engineMs = (performance.now() - t0) / steps;
  const Wj = new Float32Array(D * V);
  const bj = new Float32Array(V);
  const jsSteps = 20;
  const t1 = performance.now();
  for (let i = 0; i < jsSteps; i++) jsStep(Wj, bj, batches[i % batches.length].x, batches[i % batches.length].y, 0.1);
  const jsMs = (performance.now() - t1) / jsSteps;
  report(`train step softmax D=${D} V=${V} B=${B} (${(1000 / engineMs).toFixed(0)} steps/s)`, engineMs, 'plain JS', jsMs);
}
