// What notebook cells see: the tensor library (`torch`, `F`, `nn`, `optim`: PyTorch's names, synchronous, every
// number computed by ONNX Runtime), `show`, `plot.*`, `train` and `console.log`:
//   const x = torch.tensor([[2, 1, 0.1]], { requires_grad: true }); const y = torch.tensor([0]);
//   const loss = F.cross_entropy(x, y, { label_smoothing: 0.1 }); loss.backward(); show(x.grad);
// `await` on any of it still works (a tensor is not a promise: awaiting it gives it back).
import type { EngineClient } from '../engine/client';
import { MIME, type CellOutputJson, type CurvePayload, type DistributionPayload, type TensorPayload } from '../protocol/notebook';
import { DEFAULT_TRAINING, type TrainingConfig } from '../protocol/training';
import { F, format as formatTensorValue, nn, optim, Tensor, torch, ValuesIndices } from '../tensor';
import { formatValue } from './display';
import { KernelInterruptedError } from './interrupt';
import { tensorFileApi } from './tensorFiles';

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
  return formatValue(value, (v) => (v instanceof Tensor || v instanceof ValuesIndices ? formatTensorValue(v) : undefined));
}

/** The numbers of a tensor or a (nested) list, flat, for charts. */
function values(v: unknown, what: string): number[] {
  if (v instanceof Tensor) return Array.from(v.data() as ArrayLike<number | bigint>, Number);
  if (Array.isArray(v)) return (v.flat(Infinity) as unknown[]).map((x) => (x instanceof Tensor ? Number(x.item()) : Number(x)));
  throw new TypeError(`${what}: expected a tensor or a list of numbers, got ${format(v)}`);
}

/**
 * The globals of a notebook's context, bound to `engine`, to the running cell's output sink, to the notebook's
 * folder and to whether Interrupt was asked (a training run stops at its next step, and the cell with it).
 */
export function notebookApi(engine: EngineClient, sink: () => CellSink, folder = process.cwd(), interrupted: () => boolean = () => false): Record<string, unknown> {
  const plot = {
    /** Bars over classes: plot.distribution({probs: p, target: q}, {labels, title}) or plot.distribution(p). */
    distribution(series: unknown, options: { labels?: string[]; title?: string } = {}): void {
      const named = series instanceof Tensor || Array.isArray(series) ? { values: series } : (series as Record<string, unknown>);
      const list = Object.entries(named).map(([name, v]) => ({ name, values: values(v, `plot.distribution(): series "${name}"`) }));
      const labels = options.labels ?? list[0].values.map((_, i) => String(i));
      rich(sink(), MIME.distribution, { version: 1, title: options.title, labels, series: list } satisfies DistributionPayload);
    },
    /** Lines: plot.curve(x, {name: ys, …}, {title, xTitle, yTitle, logY}). */
    curve(x: unknown, series: Record<string, unknown>, options: Omit<CurvePayload, 'version' | 'x' | 'series'> = {}): void {
      rich(sink(), MIME.curve, { version: 1, ...options, x: values(x, 'plot.curve(): x'), series: Object.entries(series).map(([name, y]) => ({ name, y: values(y, `plot.curve(): series "${name}"`) })) } satisfies CurvePayload);
    },
  };
  const show = (value: unknown, title?: string) => {
    if (value instanceof Tensor && value.ndim <= 2) {
      rich(sink(), MIME.tensor, { version: 1, title, shape: value.shape, data: values(value, 'show()') } satisfies TensorPayload);
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
    const watch = setInterval(() => interrupted() && run.stop(), 25);
    let done: Awaited<typeof run.done>;
    try {
      done = await run.done;
    } finally {
      clearInterval(watch);
    }
    if (interrupted()) throw new KernelInterruptedError();
    for (const names of [['loss', 'eval_loss'], ['accuracy', 'eval_accuracy']]) {
      const present = names.filter((n) => series[n]);
      if (!present.length) continue;
      // Eval metrics come every few steps: drawn on the train steps, holding their last value.
      plot.curve(series[present[0]].steps, Object.fromEntries(present.map((n) => [n, series[present[0]].steps.map((st) => valueAt(series[n], st))])), { title: names[0], xTitle: 'step' });
    }
    // What the run did, not how fast (a speed would change the saved outputs at every run).
    const steps = Object.values(series).reduce((n, s) => Math.max(n, s.steps.at(-1) ?? 0), 0);
    text(sink(), `${done.reason} after ${steps} steps\n`);
    return series;
  };
  const files = tensorFileApi(folder);
  return { torch: { ...torch, load: files.load }, safetensors: files.safetensors, F, nn, optim, show, plot, train };
}
