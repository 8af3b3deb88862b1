// Messages between a SyncEngine (the thread that runs tensor code and blocks on each request) and its ONNX
// Runtime thread. Types only. Tensors produced by a run stay on the ORT thread under numeric ids ("device
// memory"), so a training loop moves no parameter bytes; only what the caller reads comes back.

/** Element types a tensor engine buffer may hold (bool travels as a Uint8Array of 0/1). */
export type EngineDType = 'float32' | 'float64' | 'int64' | 'bool';

export type EngineData = Float32Array | Float64Array | BigInt64Array | Uint8Array;

/** A tensor's bytes as they cross the thread boundary (row-major). */
export interface WireTensor {
  dtype: EngineDType;
  shape: number[];
  data: EngineData;
}

/** A graph input: a buffer the ORT thread already holds, or new bytes it stores under `id` before the run. */
export interface Feed {
  id: number;
  tensor?: WireTensor;
}

/**
 * caller → ORT thread: run the model cached under `key` (compiling `model` first when given), feeding `feeds`
 * by graph input name; store the outputs named in `keep` under their ids and send back the ones in `fetch`.
 * `free` lists ids the caller no longer references (released before the run).
 */
export interface RunRequest {
  type: 'run';
  key: string;
  model?: Uint8Array;
  feeds: Record<string, Feed>;
  keep: Record<string, number>;
  fetch: string[];
  free: number[];
}

/** caller → ORT thread: send back the stored buffers `ids` (in that order). */
export interface ReadRequest {
  type: 'read';
  ids: number[];
  free: number[];
}

export type ToTensorEngine = RunRequest | ReadRequest;

/** ORT thread → caller. `missingModel`: the key is not compiled there (evicted); resend with `model`. */
export type FromTensorEngine =
  | { ok: true; outputs: Record<string, WireTensor>; tensors: WireTensor[] }
  | { ok: false; message: string; missingModel?: boolean };

/** What the ORT thread is started with (workerData). */
export interface TensorEngineWorkerData {
  /** A worker_threads MessagePort: requests arrive and replies leave on it. */
  port: unknown;
  /** Int32Array over it: [0] is set to 1 and notified when a reply has been posted. */
  signal: SharedArrayBuffer;
}
