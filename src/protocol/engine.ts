// Messages between an engine client (extension host, CLI, notebook kernel) and the engine worker. Types only.
import type { Tensor } from './tensor';
import type { MetricsMessage, StartTrainingMessage, TrainingDoneMessage } from './training';

/** A scalar/string/boolean option, or a tensor option such as `weight` / `pos_weight`. */
export type OptionValue = number | string | boolean | null | Tensor;

/** One op call, named and parameterised as in PyTorch/TRL (`cross_entropy`, `{ignore_index: -100}`). */
export interface OpRequest {
  op: string;
  inputs: Record<string, Tensor>;
  options?: Record<string, OptionValue>;
  /** Compute d(output.sum())/d(each float input). Default true. */
  grad?: boolean;
  /**
   * Inputs whose memory the caller gives up, as with JAX's `donate_argnames`: the engine may write results
   * over them. Only SharedArrayBuffer-backed inputs need it (a transferred ArrayBuffer is given up already);
   * other shared inputs are copied and left as they were. Donated logits of a large cross_entropy are scored
   * by two threads at once and receive the gradient in place.
   */
  donate?: string[];
}

/** Result of an op: output, gradients by input name, extra outputs (e.g. `chosen_rewards`). */
export interface OpResult {
  output: Tensor;
  grad: Record<string, Tensor>;
  extras: Record<string, Tensor>;
  /** Names of inputs that held NaN/Inf; the op still ran. */
  nonFinite: string[];
  /** Inputs PyTorch accepts but that are likely mistakes (e.g. probability targets not summing to 1). */
  warnings?: string[];
}

/** host → worker: evaluate one op; reply with a ResultMessage or ErrorMessage of the same id. */
export interface EvaluateMessage {
  type: 'evaluate';
  id: number;
  request: OpRequest;
}

/** worker → host: the op's result; tensor buffers are transferred. */
export interface ResultMessage {
  type: 'result';
  id: number;
  result: OpResult;
}

/** worker → host: the op was refused or failed; `message` is PyTorch-style and names the bad values. */
export interface ErrorMessage {
  type: 'error';
  id: number;
  message: string;
}

export type ToEngineWorker = EvaluateMessage | StartTrainingMessage;
export type FromEngineWorker = ResultMessage | ErrorMessage | MetricsMessage | TrainingDoneMessage;

/** Settings the engine worker starts with (its workerData). */
export interface EngineWorkerData {
  /** Largest working set one request may need, in bytes; default 60% of the machine's memory. */
  memoryBudgetBytes?: number;
  /** The run gate its ORT calls hold (engine/runtime/runGate.ts), when its owner may be ended from outside. */
  gate?: Int32Array;
}

/**
 * engine worker → its rows helper thread: score chunks of `logits` [N, C] (shared memory) with the row-chunked
 * cross_entropy, claiming chunk indices from `next` until none is left, then reply with a RowsDoneMessage.
 * Every array is a view of a SharedArrayBuffer; `logits` receives the gradient rows when `wantGrad`.
 */
export interface RowsJobMessage {
  type: 'rows';
  logits: Float32Array;
  C: number;
  chunkRows: number;
  wantGrad: boolean;
  /** [N]: class indices, ignored rows already replaced by a valid index (their scale is 0). */
  target: BigInt64Array;
  /** [N]: each row's gradient scale. */
  scale: Float32Array;
  /** [N] outputs: scaled loss, Σx (non-finite flag), gradient entry at the target. */
  loss: Float32Array;
  rowSum: Float32Array;
  atTarget: Float32Array;
  /** [1]: the next chunk index to claim (Atomics.add). */
  next: Int32Array;
}

/** rows helper → engine worker: the job's chunks are all claimed and the helper's are written (or it failed). */
export interface RowsDoneMessage {
  type: 'rowsDone';
  error?: string;
}
