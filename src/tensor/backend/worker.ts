// Runs in a worker_threads Worker: the ONNX Runtime thread of a SyncEngine. It holds the compiled sessions
// (by structural key) and every stored tensor (by id); each request gets exactly one reply on the port,
// followed by a notify on the shared signal, which is what the blocked caller waits for. The thread does
// nothing else, so it is synchronous throughout: it sleeps in Atomics.wait until the caller signals a request
// and takes it with receiveMessageOnPort (no event-loop turn between a request and its run). With a run gate
// (engine/runtime/runGate.ts) it computes only while it holds the gate, and nothing once it is closing.
import * as ort from 'onnxruntime-node';
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { SIGNAL_DEAD, SIGNAL_REPLIES, SIGNAL_REQUESTS, type EngineMemory, type FromTensorEngine, type RunRequest, type TensorEngineWorkerData, type ToTensorEngine, type WireTensor } from '../../protocol/tensorEngine';
import { enterGate, leaveGate } from '../../engine/runtime/runGate';
import { SyncSession } from './nativeSession';

const { port, signal, gate } = workerData as TensorEngineWorkerData & { port: MessagePort };
const flag = new Int32Array(signal);
// A failure outside any request (every request's own errors are answered): tell the blocked caller.
process.on('uncaughtException', () => {
  Atomics.store(flag, SIGNAL_DEAD, 1);
  Atomics.add(flag, SIGNAL_REPLIES, 1);
  Atomics.notify(flag, SIGNAL_REPLIES);
  process.exit(1);
});
const MAX_SESSIONS = 256;
const sessions = new Map<string, SyncSession>();
const stored = new Map<number, ort.Tensor>();
let storedBytes = 0;

function store(id: number, t: ort.Tensor): void {
  release(id);
  stored.set(id, t);
  storedBytes += (t.data as WireTensor['data']).byteLength;
}

function release(id: number): ort.Tensor | undefined {
  const t = stored.get(id);
  if (t) {
    stored.delete(id);
    storedBytes -= (t.data as WireTensor['data']).byteLength;
  }
  return t;
}

const memory = (): EngineMemory => ({ buffers: stored.size, bytes: storedBytes });

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

function session(request: RunRequest): SyncSession | undefined {
  let s = sessions.get(request.key);
  if (s) {
    sessions.delete(request.key);
  } else if (request.model) {
    s = new SyncSession(request.model, options);
  } else {
    return undefined;
  }
  sessions.set(request.key, s);
  if (sessions.size > MAX_SESSIONS) {
    const [oldest, evicted] = sessions.entries().next().value as [string, SyncSession];
    sessions.delete(oldest);
    evicted.release();
  }
  return s;
}

function run(request: RunRequest): Record<string, WireTensor> | undefined {
  const s = session(request);
  if (!s) return undefined;
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, feed] of Object.entries(request.feeds)) {
    if (feed.id === undefined) {
      feeds[name] = toOrt(feed.tensor!);
      continue;
    }
    if (feed.tensor) store(feed.id, toOrt(feed.tensor));
    const t = stored.get(feed.id);
    if (!t) throw new Error(`tensor ${feed.id} is not stored (freed too early)`);
    feeds[name] = t;
  }
  const wanted = [...new Set([...Object.keys(request.keep), ...request.fetch])];
  const results = wanted.length ? s.run(feeds, wanted) : {};
  for (const [name, id] of Object.entries(request.keep)) store(id, results[name]);
  const outputs: Record<string, WireTensor> = {};
  for (const name of request.fetch) outputs[name] = toWire(results[name], name in request.keep);
  return outputs;
}

function answer(request: ToTensorEngine): FromTensorEngine {
  for (const id of request.free) release(id);
  let outputs: Record<string, WireTensor> = {};
  let tensors: WireTensor[] = [];
  if (request.type === 'run') {
    const out = run(request);
    if (!out) return { ok: false, message: 'model not compiled', missingModel: true };
    outputs = out;
  } else if (request.type === 'read') {
    tensors = request.ids.map((id) => {
      const t = stored.get(id);
      if (!t) throw new Error(`tensor ${id} is not stored (freed too early)`);
      return toWire(t, true);
    });
  }
  // After the run, which may have read them: each buffer leaves this thread with its bytes (moved, not copied).
  const handedBack = request.handBack.map((id) => {
    const t = release(id);
    if (!t) return null;
    // A view of a larger buffer (bytes that arrived beside others) is copied: moving it would take its neighbours.
    const data = t.data as WireTensor['data'];
    return toWire(t, data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength);
  });
  return { ok: true, outputs, tensors, handedBack, memory: memory() };
}

function reply(request: ToTensorEngine): void {
  // Closing: the owner is being ended, and this thread with it; nothing more runs (and nobody awaits a reply).
  if (gate && !enterGate(gate)) return;
  let reply: FromTensorEngine;
  try {
    reply = answer(request);
  } catch (error) {
    reply = { ok: false, message: error instanceof Error ? error.message : String(error) };
  } finally {
    if (gate) leaveGate(gate);
  }
  const moved = reply.ok ? [...Object.values(reply.outputs), ...reply.tensors, ...reply.handedBack.filter((t) => t !== null)] : [];
  const buffers = [...new Set(moved.map((t) => t.data.buffer as ArrayBuffer))];
  port.postMessage(reply, buffers);
  Atomics.add(flag, SIGNAL_REPLIES, 1);
  Atomics.notify(flag, SIGNAL_REPLIES);
}

// The count is read before the port: a request posted after the read changes it, so the wait returns at once.
for (;;) {
  const requests = Atomics.load(flag, SIGNAL_REQUESTS);
  const message = receiveMessageOnPort(port);
  if (message) reply(message.message as ToTensorEngine);
  else Atomics.wait(flag, SIGNAL_REQUESTS, requests);
}
