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

/**
 * A graph input: a buffer the ORT thread already holds (`id`), new bytes it stores under `id` before the run
 * (`id` and `tensor`), or bytes for this run only (`tensor` alone: small values, never stored).
 */
export interface Feed {
  id?: number;
  tensor?: WireTensor;
}

/**
 * caller → ORT thread: run the model cached under `key` (compiling `model` first when given), feeding `feeds`
 * by graph input name; store the outputs named in `keep` under their ids and send back the ones in `fetch`.
 * `free` lists ids the caller no longer references (released before the run); `handBack` ids whose owner let
 * go but whose value may still be read: released after the run, their bytes sent back (moved, not copied).
 */
export interface RunRequest {
  type: 'run';
  key: string;
  model?: Uint8Array;
  feeds: Record<string, Feed>;
  keep: Record<string, number>;
  fetch: string[];
  free: number[];
  handBack: number[];
}

/** caller → ORT thread: send back the stored buffers `ids` (in that order). */
export interface ReadRequest {
  type: 'read';
  ids: number[];
  free: number[];
  handBack: number[];
}

/** caller → ORT thread: only release (`free`, `handBack`: none are sent) and report what is stored. */
export interface StatsRequest {
  type: 'stats';
  free: number[];
  handBack: number[];
}

export type ToTensorEngine = RunRequest | ReadRequest | StatsRequest;

/** What the ORT thread holds after a request: stored buffers and their bytes. */
export interface EngineMemory {
  buffers: number;
  bytes: number;
}

/**
 * ORT thread → caller. `missingModel`: the key is not compiled there (evicted); resend with `model`.
 * `handedBack`: the bytes of the request's `handBack` ids, in order (null for an id no longer stored).
 */
export type FromTensorEngine =
  | { ok: true; outputs: Record<string, WireTensor>; tensors: WireTensor[]; handedBack: (WireTensor | null)[]; memory: EngineMemory }
  | { ok: false; message: string; missingModel?: boolean };

/** Index in the signal of the count of replies posted: the ORT thread adds 1 (and notifies) after each. */
export const SIGNAL_REPLIES = 0;
/** Index in the signal of the count of requests posted: the caller adds 1 (and notifies) after each. */
export const SIGNAL_REQUESTS = 1;
/** Index in the signal set to 1 (with a notify on SIGNAL_REPLIES) if the ORT thread died. */
export const SIGNAL_DEAD = 2;
export const SIGNAL_LENGTH = 3;

/** What the ORT thread is started with (workerData). */
export interface TensorEngineWorkerData {
  /** A worker_threads MessagePort: requests arrive and replies leave on it. */
  port: unknown;
  /** Int32Array[SIGNAL_LENGTH] over it: SIGNAL_REPLIES, SIGNAL_REQUESTS, SIGNAL_DEAD. */
  signal: SharedArrayBuffer;
  /** Optional: the run gate (engine/runtime/runGate.ts) of whoever may end this thread's owner. */
  gate?: Int32Array;
}
