// Runs in a worker_threads Worker: the ONNX Runtime thread of a SyncEngine. It holds the compiled sessions
// (by structural key) and every stored tensor (by id); each request gets exactly one reply on the port,
// followed by a notify on the shared signal, which is what the blocked caller waits for.
import * as ort from 'onnxruntime-node';
import { workerData, type MessagePort } from 'node:worker_threads';
import type { FromTensorEngine, RunRequest, TensorEngineWorkerData, ToTensorEngine, WireTensor } from '../../protocol/tensorEngine';

const { port, signal } = workerData as TensorEngineWorkerData & { port: MessagePort };
const flag = new Int32Array(signal);
// A failure outside any request (every request's own errors are answered): tell the blocked caller.
process.on('uncaughtException', () => {
  Atomics.store(flag, 0, 2);
  Atomics.notify(flag, 0);
  process.exit(1);
});
const MAX_SESSIONS = 256;
const sessions = new Map<string, ort.InferenceSession>();
const stored = new Map<number, ort.Tensor>();

const options: ort.InferenceSession.SessionOptions = {
  logSeverityLevel: 3,
  graphOptimizationLevel: 'all',
  executionProviders: ['cpu'],
  // As in the engine's sessions: idle intra-op threads sleep rather than spin on a shared 2-core machine.
  // ORT 1.30's EliminateIdentity rewrites some graphs whose Identity chains end in graph outputs into invalid
  // ones ("Node input 'Sub_17' is not a graph input…"): the parameter-update outputs of a training step do.
  extra: { session: { intra_op: { allow_spinning: '0' } }, optimization: { disable_specified_optimizers: 'EliminateIdentity' } },
};

function toOrt(t: WireTensor): ort.Tensor {
  return new ort.Tensor(t.dtype, t.data, t.shape);
}

/** The reply form of `t`; `copy` when `t` stays stored here (the reply's buffers are transferred away). */
function toWire(t: ort.Tensor, copy: boolean): WireTensor {
  const data = t.data as WireTensor['data'];
  return { dtype: t.type as WireTensor['dtype'], shape: [...t.dims], data: copy ? data.slice() : data };
}

async function session(request: RunRequest): Promise<ort.InferenceSession | undefined> {
  let s = sessions.get(request.key);
  if (s) {
    sessions.delete(request.key);
  } else if (request.model) {
    s = await ort.InferenceSession.create(request.model, options);
  } else {
    return undefined;
  }
  sessions.set(request.key, s);
  if (sessions.size > MAX_SESSIONS) {
    const [oldest, evicted] = sessions.entries().next().value as [string, ort.InferenceSession];
    sessions.delete(oldest);
    void evicted.release();
  }
  return s;
}

async function run(request: RunRequest): Promise<FromTensorEngine> {
  const s = await session(request);
  if (!s) return { ok: false, message: 'model not compiled', missingModel: true };
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, feed] of Object.entries(request.feeds)) {
    if (feed.tensor) stored.set(feed.id, toOrt(feed.tensor));
    const t = stored.get(feed.id);
    if (!t) throw new Error(`tensor ${feed.id} is not stored (freed too early)`);
    feeds[name] = t;
  }
  const wanted = [...new Set([...Object.keys(request.keep), ...request.fetch])];
  const results = wanted.length ? await s.run(feeds, wanted) : {};
  for (const [name, id] of Object.entries(request.keep)) stored.set(id, results[name]);
  const outputs: Record<string, WireTensor> = {};
  for (const name of request.fetch) outputs[name] = toWire(results[name], name in request.keep);
  return { ok: true, outputs, tensors: [] };
}

async function answer(request: ToTensorEngine): Promise<FromTensorEngine> {
  for (const id of request.free) stored.delete(id);
  if (request.type === 'run') return run(request);
  const tensors = request.ids.map((id) => {
    const t = stored.get(id);
    if (!t) throw new Error(`tensor ${id} is not stored (freed too early)`);
    return toWire(t, true);
  });
  return { ok: true, outputs: {}, tensors };
}

port.on('message', async (request: ToTensorEngine) => {
  let reply: FromTensorEngine;
  try {
    reply = await answer(request);
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  const buffers = reply.ok ? [...Object.values(reply.outputs), ...reply.tensors].map((t) => t.data.buffer as ArrayBuffer) : [];
  port.postMessage(reply, buffers);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
