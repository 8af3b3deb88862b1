// A training run in the engine worker: one step graph per optimizer step on ORT, state fed back, metrics
// sent in batches about every 50 ms, and a stop honoured between steps.
import * as ort from 'onnxruntime-node';
import type { MetricBatch, TrainingConfig } from '../../protocol/training';
import { sessionFor } from '../runtime/sessions';
import { characters, rng, sampleBatch, toy2d, type Dataset, type Examples } from './data';
import { paramSpecs, takesTokens, type ModelShape } from './model';
import { evalGraph, stateNames, stepGraph, type StepSpec } from './step';

const EMIT_EVERY_MS = 50;
const EVAL_EXAMPLES = 1024;

/** Linear warmup to `lr`, then cosine decay to lr·minLrRatio at the last step. */
export function learningRate(c: TrainingConfig, step: number): number {
  if (step <= c.warmupSteps) return (c.lr * step) / Math.max(1, c.warmupSteps);
  const progress = (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps);
  const floor = c.lr * c.minLrRatio;
  return floor + (c.lr - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

export function datasetFor(c: TrainingConfig): Dataset {
  if (c.dataset.kind === 'toy2d') return toy2d(c.dataset.shape, c.dataset.classes, c.dataset.samples, c.seed);
  return characters(c.dataset.text, c.model === 'char_bigram' ? 1 : c.dataset.context, c.seed);
}

export function stepSpecFor(c: TrainingConfig, data: Dataset): StepSpec {
  const model: ModelShape = { kind: c.model, inputs: data.inputs, classes: data.classes, hidden: c.hidden, embedding: c.embedding, context: c.dataset.kind === 'text' && c.model === 'char_mlp' ? c.dataset.context : 1 };
  if (takesTokens(c.model) !== (c.dataset.kind === 'text')) throw new Error(`model ${c.model} cannot train on ${c.dataset.kind} data`);
  if (c.classWeights.length && c.classWeights.length !== data.classes) throw new Error(`classWeights needs ${data.classes} values, got ${c.classWeights.length}`);
  return {
    model,
    loss: { labelSmoothing: c.labelSmoothing, focalGamma: c.focalGamma, classWeights: c.classWeights.length ? c.classWeights : undefined },
    optimizer: c.optimizer,
    momentum: c.momentum,
    clipNorm: c.clipNorm,
    batch: c.batchSize * c.gradAccumulation,
  };
}

function tensor(data: Float32Array | BigInt64Array, shape: number[]): ort.Tensor {
  return new ort.Tensor(data instanceof Float32Array ? 'float32' : 'int64', data, shape);
}

export class TrainingRun {
  private stopped = false;
  private readonly random: () => number;
  readonly params: Record<string, Float32Array> = {};
  private readonly state: Record<string, Float32Array> = {};

  constructor(readonly config: TrainingConfig, private readonly emit: (batch: MetricBatch) => void) {
    this.random = rng(config.seed + 1);
  }

  stop(): void {
    this.stopped = true;
  }

  async run(): Promise<{ reason: 'completed' | 'stopped'; stepsPerSecond: number }> {
    const c = this.config;
    const data = datasetFor(c);
    const spec = stepSpecFor(c, data);
    const signature = JSON.stringify(spec);
    const step = await sessionFor(`train:${signature}`, () => stepGraph(spec));
    const evalSpec = { ...spec, batch: Math.min(EVAL_EXAMPLES, data.eval.count) };
    const evaluate = await sessionFor(`eval:${JSON.stringify(evalSpec)}`, () => evalGraph(evalSpec));
    const init = rng(c.seed);
    const shapes: Record<string, number[]> = {};
    for (const p of paramSpecs(spec.model)) {
      shapes[p.name] = p.shape;
      this.params[p.name] = Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => (init() * 2 - 1) * p.scale);
      for (const s of stateNames(c.optimizer)) this.state[`${s}.${p.name}`] = new Float32Array(this.params[p.name].length);
    }
    const xShape = (n: number, e: Examples) => [n, e.width];
    let pending: MetricBatch = { steps: [], metrics: {} };
    const record = (name: string, s: number, v: number) => {
      const m = (pending.metrics[name] ??= { steps: [], values: [] });
      m.steps.push(s);
      m.values.push(v);
    };
    let lastEmit = performance.now();
    const started = performance.now();
    let done = 0;
    for (let t = 1; t <= c.steps && !this.stopped; t++) {
      const lr = learningRate(c, t);
      const batch = sampleBatch(data.train, spec.batch, this.random);
      const feeds: Record<string, ort.Tensor> = {
        x: tensor(batch.x, xShape(spec.batch, data.train)),
        y: tensor(batch.y, [spec.batch]),
        lr: new ort.Tensor('float32', Float32Array.of(lr), []),
        t: new ort.Tensor('float32', Float32Array.of(t), []),
      };
      for (const [name, v] of Object.entries(this.params)) feeds[name] = tensor(v, shapes[name]);
      for (const [name, v] of Object.entries(this.state)) feeds[name] = tensor(v, shapes[name.slice(name.indexOf('.') + 1)]);
      const out = await step.run(feeds);
      for (const name of Object.keys(this.params)) this.params[name] = out[`new.${name}`].data as Float32Array;
      for (const name of Object.keys(this.state)) this.state[name] = out[`new.${name}`].data as Float32Array;
      const loss = (out.loss.data as Float32Array)[0];
      pending.steps.push(t);
      record('loss', t, loss);
      record('perplexity', t, Math.exp(loss));
      record('accuracy', t, (out.correct.data as Float32Array)[0] / spec.batch);
      record('top5_accuracy', t, (out.top5.data as Float32Array)[0] / spec.batch);
      record('grad_norm', t, (out.grad_norm.data as Float32Array)[0]);
      record('lr', t, lr);
      if (c.evalEvery > 0 && (t % c.evalEvery === 0 || t === c.steps)) {
        const feedsEval: Record<string, ort.Tensor> = {
          x: tensor(data.eval.x.slice(0, evalSpec.batch * data.eval.width) as Float32Array, xShape(evalSpec.batch, data.eval)),
          y: tensor(data.eval.y.slice(0, evalSpec.batch), [evalSpec.batch]),
        };
        for (const [name, v] of Object.entries(this.params)) feedsEval[name] = tensor(v, shapes[name]);
        const e = await evaluate.run(feedsEval);
        record('eval_loss', t, (e.loss.data as Float32Array)[0]);
        record('eval_accuracy', t, (e.correct.data as Float32Array)[0] / evalSpec.batch);
      }
      done = t;
      if (performance.now() - lastEmit >= EMIT_EVERY_MS) {
        this.emit(pending);
        pending = { steps: [], metrics: {} };
        lastEmit = performance.now();
        await new Promise((resolve) => setImmediate(resolve)); // let a stop request in
      }
    }
    if (pending.steps.length) this.emit(pending);
    const seconds = (performance.now() - started) / 1000;
    return { reason: this.stopped ? 'stopped' : 'completed', stepsPerSecond: done / Math.max(seconds, 1e-9) };
  }
}
