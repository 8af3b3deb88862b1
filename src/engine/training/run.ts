// A training run in the engine worker: one step graph per optimizer step on ORT (or one gradient graph per
// micro-batch and an update graph when accumulating), state fed back, metrics sent in batches about every
// 50 ms, a stop honoured between steps, and never more than one batch ahead of what the host has taken.
import * as ort from 'onnxruntime-node';
import { TRAINING_CONTROL, type MetricBatch, type TrainingConfig } from '../../protocol/training';
import { sessionFor } from '../runtime/sessions';
import { rng, toy2d, type Batch, type Dataset } from './data';
import { globalDenominator } from './loss';
import { paramSpecs, takesTokens, type ModelShape } from './model';
import { evalGraph, gradientGraph, stateNames, stepGraph, updateGraph, type StepSpec } from './step';
import { characters, DEFAULT_SEQUENCE_LENGTH } from './text';

const EMIT_EVERY_MS = 50;
/** Positions (examples, or sequences × T) an evaluation reads at most. */
const EVAL_POSITIONS = 1024;

/** Linear warmup to `lr`, then cosine decay to lr·minLrRatio at the last step. */
export function learningRate(c: TrainingConfig, step: number): number {
  if (step <= c.warmupSteps) return (c.lr * step) / Math.max(1, c.warmupSteps);
  const progress = (step - c.warmupSteps) / Math.max(1, c.steps - c.warmupSteps);
  const floor = c.lr * c.minLrRatio;
  return floor + (c.lr - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
}

function sequenceLength(c: TrainingConfig): number {
  return c.dataset.kind === 'text' ? (c.dataset.sequenceLength ?? DEFAULT_SEQUENCE_LENGTH) : 1;
}

export function datasetFor(c: TrainingConfig): Dataset {
  if (c.dataset.kind === 'toy2d') return toy2d(c.dataset.shape, c.dataset.classes, c.dataset.samples, c.seed);
  return characters(c.dataset.text, c.model === 'char_bigram' ? 1 : c.dataset.context, sequenceLength(c));
}

const positiveInteger = (v: unknown) => Number.isInteger(v) && (v as number) >= 1;

export function stepSpecFor(c: TrainingConfig, data: Dataset): StepSpec {
  const model: ModelShape = { kind: c.model, inputs: data.inputs, classes: data.classes, hidden: c.hidden, embedding: c.embedding, context: c.dataset.kind === 'text' && c.model === 'char_mlp' ? c.dataset.context : 1 };
  if (takesTokens(c.model) !== (c.dataset.kind === 'text')) throw new Error(`model ${c.model} cannot train on ${c.dataset.kind} data`);
  if (c.classWeights.length && c.classWeights.length !== data.classes) throw new Error(`classWeights needs ${data.classes} values, got ${c.classWeights.length}`);
  if (c.reduction !== 'token' && c.reduction !== 'sequence') throw new Error(`reduction must be 'token' or 'sequence', got ${JSON.stringify(c.reduction)}`);
  for (const [name, value] of [['batchSize', c.batchSize], ['gradAccumulation', c.gradAccumulation], ['sequenceLength', sequenceLength(c)]] as const) {
    if (!positiveInteger(value)) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return {
    model,
    loss: { labelSmoothing: c.labelSmoothing, focalGamma: c.focalGamma, classWeights: c.classWeights.length ? c.classWeights : undefined, reduction: c.reduction },
    optimizer: c.optimizer,
    momentum: c.momentum,
    clipNorm: c.clipNorm,
    batch: c.batchSize,
    sequenceLength: sequenceLength(c),
  };
}

function tensor(data: Float32Array | BigInt64Array, shape: number[]): ort.Tensor {
  return new ort.Tensor(data instanceof Float32Array ? 'float32' : 'int64', data, shape);
}

const scalar = (v: number) => new ort.Tensor('float32', Float32Array.of(v), []);
const first = (out: ort.InferenceSession.OnnxValueMapType, name: string) => (out[name].data as Float32Array)[0];

/** One optimizer step's loss, grad norm and metric sums over its counted positions. */
interface StepResult {
  loss: number;
  gradNorm: number;
  nll: number;
  tokens: number;
  correct: number;
  top5: number;
}

export class TrainingRun {
  private readonly random: () => number;
  readonly params: Record<string, Float32Array> = {};
  private readonly state: Record<string, Float32Array> = {};
  private readonly shapes: Record<string, number[]> = {};

  /** `control`: the host's stop flag and count of batches taken (TRAINING_CONTROL), in shared memory. */
  constructor(
    readonly config: TrainingConfig,
    private readonly emit: (batch: MetricBatch) => void,
    private readonly control: Int32Array,
  ) {
    this.random = rng(config.seed + 1);
  }

  private get stopped(): boolean {
    return Atomics.load(this.control, TRAINING_CONTROL.stop) !== 0;
  }

  /** Waits until the host has taken every batch sent (or stops the run): the next one is then the only one in progress. */
  private async keepPace(sent: number): Promise<void> {
    while (Atomics.load(this.control, TRAINING_CONTROL.taken) < sent && !this.stopped) await new Promise((resolve) => setTimeout(resolve, 2));
  }

  private batchFeeds(batch: Batch): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = { x: tensor(batch.x, batch.xShape), y: tensor(batch.y, batch.yShape) };
    for (const [name, v] of Object.entries(this.params)) feeds[name] = tensor(v, this.shapes[name]);
    return feeds;
  }

  private optimizerFeeds(lr: number, t: number): Record<string, ort.Tensor> {
    const feeds: Record<string, ort.Tensor> = { lr: scalar(lr), t: scalar(t) };
    for (const [name, v] of Object.entries(this.state)) feeds[name] = tensor(v, this.shapes[name.slice(name.indexOf('.') + 1)]);
    return feeds;
  }

  /** Takes the updated parameters and optimizer state of a step's outputs. */
  private adopt(out: ort.InferenceSession.OnnxValueMapType): void {
    for (const name of Object.keys(this.params)) this.params[name] = out[`new.${name}`].data as Float32Array;
    for (const name of Object.keys(this.state)) this.state[name] = out[`new.${name}`].data as Float32Array;
  }

  /** A step on one batch: one graph. */
  private async oneBatch(spec: StepSpec, data: Dataset): Promise<(lr: number, t: number) => Promise<StepResult>> {
    const session = await sessionFor(`train:${JSON.stringify(spec)}`, () => stepGraph(spec));
    return async (lr, t) => {
      const out = await session.run({ ...this.batchFeeds(data.train.sample(spec.batch, this.random)), ...this.optimizerFeeds(lr, t) });
      this.adopt(out);
      const sums = { nll: first(out, 'nll'), tokens: first(out, 'tokens'), correct: first(out, 'correct'), top5: first(out, 'top5') };
      return { loss: first(out, 'loss'), gradNorm: first(out, 'grad_norm'), ...sums };
    };
  }

  /** A step over `micro` micro-batches: their gradients under the global denominator, added, then one update. */
  private async accumulated(spec: StepSpec, data: Dataset, micro: number): Promise<(lr: number, t: number) => Promise<StepResult>> {
    const signature = JSON.stringify(spec);
    const gradient = await sessionFor(`gradient:${signature}`, () => gradientGraph(spec));
    const update = await sessionFor(`update:${signature}`, () => updateGraph(spec));
    return async (lr, t) => {
      const batches = Array.from({ length: micro }, () => data.train.sample(spec.batch, this.random));
      const denominator = scalar(globalDenominator(spec.loss, batches.map((b) => b.y), spec.sequenceLength ?? 1));
      const grads: Record<string, Float32Array> = {};
      const result: StepResult = { loss: 0, gradNorm: 0, nll: 0, tokens: 0, correct: 0, top5: 0 };
      for (const batch of batches) {
        const out = await gradient.run({ ...this.batchFeeds(batch), denominator });
        for (const name of Object.keys(this.params)) {
          const g = out[`grad.${name}`].data as Float32Array;
          const total = (grads[name] ??= new Float32Array(g.length));
          for (let i = 0; i < g.length; i++) total[i] += g[i];
        }
        result.loss += first(out, 'loss');
        result.nll += first(out, 'nll');
        result.tokens += first(out, 'tokens');
        result.correct += first(out, 'correct');
        result.top5 += first(out, 'top5');
      }
      const feeds = this.optimizerFeeds(lr, t);
      for (const [name, v] of Object.entries(this.params)) {
        feeds[name] = tensor(v, this.shapes[name]);
        feeds[`grad.${name}`] = tensor(grads[name], this.shapes[name]);
      }
      const out = await update.run(feeds);
      this.adopt(out);
      result.gradNorm = first(out, 'grad_norm');
      return result;
    };
  }

  async run(): Promise<{ reason: 'completed' | 'stopped'; stepsPerSecond: number }> {
    const c = this.config;
    const data = datasetFor(c);
    const spec = stepSpecFor(c, data);
    const step = c.gradAccumulation === 1 ? await this.oneBatch(spec, data) : await this.accumulated(spec, data, c.gradAccumulation);
    const evalSpec = { ...spec, batch: Math.min(Math.max(1, Math.floor(EVAL_POSITIONS / (spec.sequenceLength ?? 1))), data.eval.count) };
    const evaluate = await sessionFor(`eval:${JSON.stringify(evalSpec)}`, () => evalGraph(evalSpec));
    const evalBatch = data.eval.first(evalSpec.batch);
    const init = rng(c.seed);
    for (const p of paramSpecs(spec.model)) {
      this.shapes[p.name] = p.shape;
      this.params[p.name] = Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => (init() * 2 - 1) * p.scale);
      for (const s of stateNames(c.optimizer)) this.state[`${s}.${p.name}`] = new Float32Array(this.params[p.name].length);
    }
    let pending: MetricBatch = { steps: [], metrics: {} };
    const record = (name: string, s: number, v: number) => {
      const m = (pending.metrics[name] ??= { steps: [], values: [] });
      m.steps.push(s);
      m.values.push(v);
    };
    let lastEmit = performance.now();
    const started = performance.now();
    let done = 0;
    let sent = 0;
    for (let t = 1; t <= c.steps && !this.stopped; t++) {
      const lr = learningRate(c, t);
      const r = await step(lr, t);
      pending.steps.push(t);
      record('loss', t, r.loss);
      record('perplexity', t, Math.exp(r.nll / r.tokens));
      record('accuracy', t, r.correct / r.tokens);
      record('top5_accuracy', t, r.top5 / r.tokens);
      record('grad_norm', t, r.gradNorm);
      record('lr', t, lr);
      if (c.evalEvery > 0 && (t % c.evalEvery === 0 || t === c.steps)) {
        const e = await evaluate.run(this.batchFeeds(evalBatch));
        record('eval_loss', t, first(e, 'loss'));
        record('eval_accuracy', t, first(e, 'correct') / first(e, 'tokens'));
      }
      done = t;
      if (performance.now() - lastEmit >= EMIT_EVERY_MS) {
        this.emit(pending);
        pending = { steps: [], metrics: {} };
        await new Promise((resolve) => setImmediate(resolve)); // let evaluate requests in
        await this.keepPace(++sent);
        lastEmit = performance.now();
      }
    }
    if (pending.steps.length) this.emit(pending);
    const seconds = (performance.now() - started) / 1000;
    return { reason: this.stopped ? 'stopped' : 'completed', stepsPerSecond: done / Math.max(seconds, 1e-9) };
  }
}
