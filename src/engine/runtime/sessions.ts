// ONNX Runtime sessions, cached by graph signature. Node only; loaded by the engine worker and the CLI,
// never by the extension host (session.run blocks its thread).
import * as ort from 'onnxruntime-node';
import type { Tensor } from '../../protocol/tensor';
import { encodeModel, type GraphDef } from '../onnx/model';
import { gated } from './runGate';

const MAX_CACHED = 64;
const cache = new Map<string, Promise<ort.InferenceSession>>();

const options: ort.InferenceSession.SessionOptions = {
  logSeverityLevel: 3,
  graphOptimizationLevel: 'all',
  executionProviders: ['cpu'],
  // Idle intra-op threads sleep instead of spinning: on 2 cores a spinning thread takes the core that VS Code
  // (or the other intra-op thread) needs. Measured with another process busy: a training step took 4.8 ms
  // spinning, 2.1 ms not; on a quiet machine the two are equal within noise.
  extra: { session: { intra_op: { allow_spinning: '0' } } },
};

/**
 * The session for `signature`, creating it from `build()` on first use. Least recently used ones are released.
 * `intraOpThreads` 1: the session computes on the calling thread alone, for a plan that puts its own threads to
 * work (ONNX Runtime's default is one thread per core).
 */
export async function sessionFor(signature: string, build: () => GraphDef, intraOpThreads?: number): Promise<ort.InferenceSession> {
  const key = intraOpThreads === undefined ? signature : `${signature}@${intraOpThreads}`;
  let session = cache.get(key);
  if (session) {
    cache.delete(key);
  } else {
    const model = encodeModel(build());
    session = gated(() => ort.InferenceSession.create(model, intraOpThreads === undefined ? options : { ...options, intraOpNumThreads: intraOpThreads })).then(guard);
    session.catch(() => cache.delete(key));
  }
  cache.set(key, session);
  if (cache.size > MAX_CACHED) {
    const [oldest, evicted] = cache.entries().next().value as [string, Promise<ort.InferenceSession>];
    cache.delete(oldest);
    evicted.then((s) => s.release()).catch(() => undefined);
  }
  return session;
}

/** Every run of `session` holds this thread's run gate (runGate.ts). */
function guard(session: ort.InferenceSession): ort.InferenceSession {
  const run = session.run.bind(session) as (...args: unknown[]) => Promise<ort.InferenceSession.ReturnType>;
  (session as { run: unknown }).run = (...args: unknown[]) => gated(() => run(...args));
  return session;
}

export function toOrt(t: Tensor): ort.Tensor {
  return new ort.Tensor(t.dtype, t.data, t.shape);
}

export function fromOrt(t: ort.Tensor): Tensor {
  return { dtype: t.type as Tensor['dtype'], shape: [...t.dims], data: t.data as Tensor['data'] };
}

/** Runs `session` on named tensors and returns every output as a plain Tensor. */
export async function run(session: ort.InferenceSession, feeds: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = toOrt(t);
  const results = await session.run(ortFeeds);
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(results)) out[name] = fromOrt(t);
  return out;
}
