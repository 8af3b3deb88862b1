// The panel's side of the engine: request/reply by id over postMessage, and a "latest only" scheduler so
// that dragging a slider never queues stale requests (one in flight; only the newest waits).
import type { FromPanel, OpResultMessage } from '../../protocol/panel';
import type { TensorJson } from '../../protocol/tensor';

export interface OpReply {
  output: number[];
  shape: number[];
  grad: Record<string, number[]>;
  extras: Record<string, number[]>;
}

type Option = number | string | boolean | TensorJson;

export const f32 = (data: number[], shape = [data.length]): TensorJson => ({ dtype: 'float32', shape, data });
export const i64 = (data: number[], shape = [data.length]): TensorJson => ({ dtype: 'int64', shape, data });

export class EngineBridge {
  private next = 1;
  private readonly pending = new Map<number, { resolve(r: OpReply): void; reject(e: Error): void }>();

  constructor(private readonly post: (m: FromPanel) => void) {
    window.addEventListener('message', (event: MessageEvent<OpResultMessage>) => {
      const m = event.data;
      const p = m?.type === 'result' ? this.pending.get(m.id) : undefined;
      if (!p) return;
      this.pending.delete(m.id);
      if (m.error || !m.output) return p.reject(new Error(m.error ?? 'no output'));
      const flat = (ts: Record<string, TensorJson> = {}) => Object.fromEntries(Object.entries(ts).map(([k, t]) => [k, t.data]));
      p.resolve({ output: m.output.data, shape: m.output.shape, grad: flat(m.grad), extras: flat(m.extras) });
    });
  }

  compute(op: string, inputs: Record<string, TensorJson>, options: Record<string, Option> = {}): Promise<OpReply> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post({ type: 'compute', id, op, inputs, options });
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
