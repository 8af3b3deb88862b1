// What notebook cells see: a PyTorch-like `torch` and `F` (every engine op under its PyTorch name, computed
// on the engine), `show`, `plot.*`, and `console.log`. Results carry values and gradients:
//   const x = torch.tensor([[2, 1, 0.1]]); const y = torch.tensor([0]);
//   const loss = await F.cross_entropy(x, y, { label_smoothing: 0.1 }); loss.backward(); show(x.grad);
import type { EngineClient } from '../engine/client';
import { OP_DEFINITIONS } from '../engine/ops/registry';
import type { OptionValue } from '../protocol/engine';
import { MIME, type CellOutputJson, type CurvePayload, type DistributionPayload, type TensorPayload } from '../protocol/notebook';
import type { DType, Tensor } from '../protocol/tensor';
import { DEFAULT_TRAINING, type TrainingConfig } from '../protocol/training';
import { formatValue } from './display';

/** A tensor in a cell: values, shape, dtype, and after backward() its gradient. */
export class LTensor implements Tensor {
  grad?: LTensor;
  /** Extra outputs of the op that made it (e.g. chosen_rewards of dpo_loss). */
  extras: Record<string, LTensor> = {};
  private gradients?: Map<LTensor, Tensor>;

  constructor(readonly dtype: DType, readonly shape: number[], readonly data: Float32Array | Float64Array | BigInt64Array) {}

  tolist(): unknown {
    const flat = Array.from(this.data as ArrayLike<number | bigint>, Number);
    const nest = (offset: number, dim: number): unknown => {
      if (dim === this.shape.length) return flat[offset];
      const stride = this.shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: this.shape[dim] }, (_, i) => nest(offset + i * stride, dim + 1));
    };
    return nest(0, 0);
  }

  item(): number {
    if (this.data.length !== 1) throw new Error(`a Tensor with ${this.data.length} elements cannot be converted to a scalar`);
    return Number(this.data[0]);
  }

  /** Sets `.grad` of every float input of the op that produced this tensor (d(output.sum())/d input). */
  backward(): void {
    if (!this.gradients) throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
    for (const [input, g] of this.gradients) input.grad = new LTensor(g.dtype, g.shape, g.data);
  }

  /** @internal */
  attachGradients(gradients: Map<LTensor, Tensor>): void {
    this.gradients = gradients;
  }

  toString(): string {
    return `tensor(${JSON.stringify(this.tolist())}${this.dtype === 'float32' ? '' : `, dtype=torch.${this.dtype}`})`;
  }
}

function shapeOf(value: unknown): number[] {
  return Array.isArray(value) ? [value.length, ...(value.length ? shapeOf(value[0]) : [])] : [];
}

function tensor(value: unknown, options: { dtype?: DType } = {}): LTensor {
  if (value instanceof LTensor) return value;
  const shape = shapeOf(value);
  const flat = (Array.isArray(value) ? (value as unknown[]).flat(Infinity) : [value]) as number[];
  if (flat.length !== shape.reduce((a, b) => a * b, 1)) throw new Error(`expected a rectangular nested list of shape [${shape.join(', ')}]`);
  if (!flat.every((v) => typeof v === 'number')) throw new Error('torch.tensor() takes numbers (or nested lists of numbers)');
  // As in PyTorch: all integers → int64, otherwise float32.
  const dtype = options.dtype ?? (flat.every(Number.isInteger) ? 'int64' : 'float32');
  const data = dtype === 'int64' ? BigInt64Array.from(flat, (v) => BigInt(Math.trunc(v))) : dtype === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat);
  return new LTensor(dtype, shape, data);
}

/** The value of `s` at `step`, or the last one before it (eval metrics are recorded every few steps). */
function valueAt(s: { steps: number[]; values: number[] }, step: number): number | null {
  let v: number | null = null;
  for (let i = 0; i < s.steps.length && s.steps[i] <= step; i++) v = s.values[i];
  return v;
}

export interface CellSink {
  outputs: CellOutputJson[];
}

function rich(sink: CellSink, mime: string, payload: unknown): void {
  sink.outputs.push({ items: [{ mime, data: payload }] });
}

export function text(sink: CellSink, value: string, mime = 'application/vnd.code.notebook.stdout'): void {
  const last = sink.outputs.at(-1);
  if (last?.items.length === 1 && last.items[0].mime === mime) last.items[0].data += value;
  else sink.outputs.push({ items: [{ mime, data: value }] });
}

export function format(value: unknown): string {
  return formatValue(value, (v) => (v instanceof LTensor ? v.toString() : undefined));
}

/** The globals of a notebook's context, bound to `engine` and to the running cell's output sink. */
export function notebookApi(engine: EngineClient, sink: () => CellSink): Record<string, unknown> {
  const F: Record<string, (...args: unknown[]) => Promise<LTensor>> = {};
  for (const [name, op] of OP_DEFINITIONS) {
    const inputNames = Object.keys(op.inputs);
    F[name] = async (...args: unknown[]) => {
      const last = args.at(-1);
      const hasOptions = args.length > inputNames.length || (last && typeof last === 'object' && !(last instanceof LTensor) && !Array.isArray(last));
      const options = (hasOptions ? args.pop() : {}) as Record<string, unknown>;
      const inputs = new Map<string, LTensor>();
      inputNames.forEach((input, i) => {
        if (args[i] === undefined) throw new Error(`${name}() missing required argument '${input}'`);
        // A plain list for a float argument is taken as float32 (PyTorch would need torch.tensor(..., dtype=float)).
        inputs.set(input, args[i] instanceof LTensor ? args[i] : tensor(args[i], { dtype: op.inputs[input] === 'float' ? 'float32' : undefined }));
      });
      const opts: Record<string, OptionValue> = {};
      for (const [k, v] of Object.entries(options)) opts[k] = v instanceof LTensor || Array.isArray(v) ? tensor(v, { dtype: 'float32' }) : (v as OptionValue);
      const copy = (t: LTensor): Tensor => ({ dtype: t.dtype, shape: t.shape, data: t.data.slice() });
      const r = await engine.evaluate({ op: name, inputs: Object.fromEntries([...inputs].map(([k, t]) => [k, copy(t)])), options: Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, v instanceof LTensor ? copy(v) : v])) });
      const out = new LTensor(r.output.dtype, r.output.shape, r.output.data);
      out.attachGradients(new Map([...inputs].filter(([k]) => r.grad[k]).map(([k, t]) => [t, r.grad[k]])));
      for (const [k, t] of Object.entries(r.extras)) out.extras[k] = new LTensor(t.dtype, t.shape, t.data);
      if (r.nonFinite.length) text(sink(), `warning: ${r.nonFinite.join(', ')} contained NaN or Inf\n`, 'application/vnd.code.notebook.stderr');
      return out;
    };
  }
  const values = (v: unknown): number[] => (v instanceof LTensor ? Array.from(v.data as ArrayLike<number | bigint>, Number) : (v as number[]));
  const plot = {
    /** Bars over classes: plot.distribution({probs: p, target: q}, {labels, title}) or plot.distribution(p). */
    distribution(series: unknown, options: { labels?: string[]; title?: string } = {}): void {
      const named = series instanceof LTensor || Array.isArray(series) ? { values: series } : (series as Record<string, unknown>);
      const list = Object.entries(named).map(([name, v]) => ({ name, values: values(v) }));
      const labels = options.labels ?? list[0].values.map((_, i) => String(i));
      rich(sink(), MIME.distribution, { version: 1, title: options.title, labels, series: list } satisfies DistributionPayload);
    },
    /** Lines: plot.curve(x, {name: ys, …}, {title, xTitle, yTitle, logY}). */
    curve(x: unknown, series: Record<string, unknown>, options: Omit<CurvePayload, 'version' | 'x' | 'series'> = {}): void {
      rich(sink(), MIME.curve, { version: 1, ...options, x: values(x), series: Object.entries(series).map(([name, y]) => ({ name, y: values(y) })) } satisfies CurvePayload);
    },
  };
  const show = (value: unknown, title?: string) => {
    if (value instanceof LTensor && value.shape.length <= 2) {
      rich(sink(), MIME.tensor, { version: 1, title, shape: value.shape, data: values(value) } satisfies TensorPayload);
    } else text(sink(), `${format(value)}\n`);
  };
  /**
   * Trains a model on the engine and shows its curves: `await train({ model: 'mlp', steps: 300 })`.
   * Options are TrainingConfig fields (defaults: an MLP on two moons); returns the metric series.
   */
  const train = async (config: Partial<TrainingConfig> = {}) => {
    const series: Record<string, { steps: number[]; values: number[] }> = {};
    const run = engine.train({ ...DEFAULT_TRAINING, ...config }, (batch) => {
      for (const [name, m] of Object.entries(batch.metrics)) {
        const s = (series[name] ??= { steps: [], values: [] });
        s.steps.push(...m.steps);
        s.values.push(...m.values);
      }
    });
    const done = await run.done;
    for (const names of [['loss', 'eval_loss'], ['accuracy', 'eval_accuracy']]) {
      const present = names.filter((n) => series[n]);
      if (!present.length) continue;
      // Eval metrics come every few steps: drawn on the train steps, holding their last value.
      plot.curve(series[present[0]].steps, Object.fromEntries(present.map((n) => [n, series[present[0]].steps.map((st) => valueAt(series[n], st))])), { title: names[0], xTitle: 'step' });
    }
    text(sink(), `${done.reason} at ${done.stepsPerSecond.toFixed(0)} steps/s\n`);
    return series;
  };
  const torch = {
    tensor,
    float32: 'float32',
    float64: 'float64',
    int64: 'int64',
    long: 'int64',
    nn: { functional: F },
  };
  return { torch, F, show, plot, train };
}
