// torch.load(path) and safetensors.load_file(path) in notebook cells: paths relative to the notebook's folder,
// read by the tensor-file readers in a helper thread while the kernel thread waits (Atomics.wait, then
// receiveMessageOnPort), so a cell gets its tensors without an await, as cells get everything else.
// Dicts become plain objects (batch.logits), lists and tuples arrays, tensors the notebook library's tensors.
// (synckit does this generically, but its worker preloads a file beside its own module, which bundling breaks.)
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { Loaded, LoadKind } from '../tensorfile/load';
import type { LoadRequest } from '../tensorfile/loadWorker';
import { fromData, Tensor } from '../tensor/tensor';

/** A reader thread started on first use; each call blocks this thread until its answer is there. */
function syncReader(workerPath: string): (file: string, kind: LoadKind) => Loaded {
  let worker: Worker | undefined;
  return (file, kind) => {
    if (!worker) {
      worker = new Worker(workerPath);
      worker.unref();
    }
    const { port1, port2 } = new MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    worker.postMessage({ file, kind, port: port2, done } satisfies LoadRequest, [port2]);
    if (Atomics.wait(done, 0, 0, 30 * 60_000) === 'timed-out') throw new Error(`${path.basename(file)}: no answer from the file reader in 30 minutes`);
    const answer = receiveMessageOnPort(port1)?.message as { value?: Loaded; error?: string } | undefined;
    port1.close();
    if (!answer) throw new Error(`${path.basename(file)}: the file reader stopped without an answer`);
    if (answer.error !== undefined) throw new Error(answer.error);
    return answer.value as Loaded;
  };
}

function toValue(v: Loaded): unknown {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), toValue(x)]));
  if (Array.isArray(v)) return v.map(toValue);
  if (v && typeof v === 'object' && 'data' in v) return fromData(v.dtype, v.shape, v.data);
  return v;
}

export function tensorFileApi(folder: string, workerPath = path.join(__dirname, 'tensorfile-worker.js')) {
  let read: ((file: string, kind: LoadKind) => Loaded) | undefined;
  const load = (what: string, file: unknown, kind: LoadKind): unknown => {
    if (typeof file !== 'string' || file === '') throw new TypeError(`${what}(): expected a file path (a string), got ${file === '' ? "''" : typeof file}`);
    read ??= syncReader(workerPath);
    try {
      return toValue(read(path.resolve(folder, file), kind));
    } catch (error) {
      // The readers' messages name the file and the entry; the helper thread's stack is of no use in a cell.
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(/cannot open \(ENOENT\)/.test(message) ? `${what}(): no such file: '${file}' (relative to ${folder})` : message);
    }
  };
  return {
    /** torch.load(path): a torch.save file's tensors, dicts, lists and plain values; never runs its pickle. */
    load: (file: unknown, _options?: unknown) => load('torch.load', file, 'torch'),
    safetensors: {
      /** safetensors.load_file(path): { name: tensor } of a .safetensors file. */
      load_file: (file: unknown) => load('safetensors.load_file', file, 'safetensors') as Record<string, Tensor>,
    },
  };
}
