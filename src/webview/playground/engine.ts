// The panel's side of the engine: request/reply by id over postMessage, and a "latest only" scheduler so
// that dragging a slider never queues stale requests (one in flight; only the newest waits).
import type { FromPanel, OpResultMessage, PanelInput, PanelTensor } from '../../protocol/panel';
import type { TensorJson } from '../../protocol/tensor';

export interface OpReply {
  output: number[];
  grad: Record<string, number[]>;
  extras: Record<string, number[]>;
}

type Option = number | string | boolean | TensorJson;

/** One op of a batch; an input may be `ref(i)` or `ref(i, extra)`, the output or an extra of the batch's i-th op. */
export interface Request {
  op: string;
  inputs: Record<string, PanelInput>;
  options?: Record<string, Option>;
}

export const f32 = (data: number[], shape = [data.length]): TensorJson => ({ dtype: 'float32', shape, data });
export const i64 = (data: number[], shape = [data.length]): TensorJson => ({ dtype: 'int64', shape, data });
export const ref = (index: number, extra?: string): PanelInput => (extra === undefined ? { ref: index } : { ref: index, extra });

const numbers = (t: PanelTensor): number[] => t.data.map(Number); // 'NaN', 'Infinity', '-Infinity' → numbers

export class EngineBridge {
  private next = 1;
  private readonly pending = new Map<number, { resolve(r: OpReply[]): void; reject(e: Error): void }>();

  constructor(private readonly post: (m: FromPanel) => void) {
    window.addEventListener('message', (event: MessageEvent<OpResultMessage>) => {
      const m = event.data;
      const p = m?.type === 'result' ? this.pending.get(m.id) : undefined;
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error || !m.results) return p.reject(new Error(m.error ?? 'no output'));
      const flat = (ts: Record<string, PanelTensor>) => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, numbers(t)]));
      p.resolve(m.results.map((r) => ({ output: numbers(r.output), grad: flat(r.grad), extras: flat(r.extras) })));
    });
  }

  /** Runs the ops in order on the engine, in one round trip. */
  computeAll(requests: Request[]): Promise<OpReply[]> {
    const id = this.next++;
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const measured = (r: OpReply[]) => (performance.measure('engine round trip', { start }), resolve(r));
      this.pending.set(id, { resolve: measured, reject });
      this.post({ type: 'compute', id, requests: requests.map((r) => ({ op: r.op, inputs: r.inputs, options: r.options ?? {} })) });
    });
  }
}

/**
 * Runs `update` whenever the returned function is called, but never two at once: calls made while one
 * runs collapse into a single rerun with the newest state (no stale requests queue up while dragging).
 * `painted` gets the time from the oldest unanswered input to the frame after its charts were drawn.
 */
export function latestOnly(update: () => Promise<void>, painted: (latencyMs: number) => void): () => void {
  let running = false;
  let dirty = false;
  let since: number | undefined;
  const run = async () => {
    running = true;
    dirty = false;
    try {
      await update();
    } finally {
      running = false;
      if (dirty) void run();
      else if (since !== undefined) {
        const start = since;
        since = undefined;
        requestAnimationFrame(() => painted(performance.now() - start));
      }
    }
  };
  return () => {
    since ??= performance.now();
    if (running) dirty = true;
    else void run();
  };
}
