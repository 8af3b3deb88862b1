// The engine's front door for the extension host, the CLI and the notebook kernel: starts the engine
// worker on first use, matches replies to requests, and restarts the worker after it dies. Never loads
// onnxruntime-node itself.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineWorkerData, FromEngineWorker, OpRequest, OpResult, ToEngineWorker } from '../protocol/engine';
import { requestBuffers } from './transfer';
import { TRAINING_CONTROL, type MetricBatch, type MetricsMessage, type TrainingConfig, type TrainingDoneMessage } from '../protocol/training';

interface Pending {
  resolve(result: OpResult): void;
  reject(error: Error): void;
}

interface PendingRun {
  onMetrics(batch: MetricBatch): void;
  resolve(done: TrainingDoneMessage): void;
  reject(error: Error): void;
}

/** A training run started by EngineClient.train. */
export interface TrainingHandle {
  /** Resolves when the run completes or is stopped; rejects if it fails or the worker dies. */
  done: Promise<TrainingDoneMessage>;
  stop(): void;
}

export interface EngineClientOptions {
  /** The bundled worker script; defaults to engine-worker.js beside this bundle. */
  workerPath?: string;
  /** Largest working set one request may need; larger requests are refused before allocating. */
  memoryBudgetBytes?: number;
  /** The run gate its worker's ORT calls hold (runtime/runGate.ts): for an owner that may be ended from outside. */
  gate?: Int32Array;
}

/** Thrown for every request in flight when the worker stops; the next request starts a new worker. */
export class EngineStoppedError extends Error {}

export class EngineClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly runs = new Map<number, PendingRun>();
  private nextId = 1;
  private readonly workerPath: string;
  private readonly workerData: EngineWorkerData;

  constructor(options: EngineClientOptions = {}) {
    this.workerPath = options.workerPath ?? path.join(__dirname, 'engine-worker.js');
    this.workerData = { memoryBudgetBytes: options.memoryBudgetBytes, gate: options.gate };
  }

  /**
   * Evaluates one op. Tensor buffers the request wholly owns are transferred to the worker (they become
   * detached here); pass copies to keep them.
   */
  evaluate(request: OpRequest): Promise<OpResult> {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<OpResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref(); // keep the process alive while a reply is owed
      const message: ToEngineWorker = { type: 'evaluate', id, request };
      try {
        const moved = detachedInputs(request);
        if (moved.length) throw new Error(`${request.op}(): ${moved.join(', ')} ${moved.length > 1 ? 'were' : 'was'} moved to the engine by an earlier request (its buffer is detached); pass a copy, e.g. data.slice()`);
        worker.postMessage(message, requestBuffers(request));
      } catch (error) {
        this.pending.delete(id);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }

  /**
   * Trains a model on the engine; `onMetrics` receives metric batches (not one call per step). The run
   * computes at most one batch beyond those `onMetrics` has taken: it returns, or the promise it returns
   * settles. stop() takes effect at the worker's next step, however busy either thread is.
   */
  train(config: TrainingConfig, onMetrics: (batch: MetricBatch) => void | Promise<void>): TrainingHandle {
    const worker = this.ensureWorker();
    const id = this.nextId++;
    const control = new Int32Array(new SharedArrayBuffer(TRAINING_CONTROL.slots * Int32Array.BYTES_PER_ELEMENT));
    let received = 0;
    let taken = Promise.resolve(); // batches count as taken in order: a later one waits for those before it
    const take = (batch: MetricBatch) => {
      const n = ++received;
      const settled = Promise.resolve(onMetrics(batch)).catch(() => undefined);
      taken = taken.then(() => settled).then(() => void Atomics.store(control, TRAINING_CONTROL.taken, n));
    };
    const done = new Promise<TrainingDoneMessage>((resolve, reject) => this.runs.set(id, { onMetrics: take, resolve, reject }));
    worker.ref();
    worker.postMessage({ type: 'train', id, config, control: control.buffer as SharedArrayBuffer } satisfies ToEngineWorker);
    return { done, stop: () => void Atomics.store(control, TRAINING_CONTROL.stop, 1) };
  }

  /** True while a worker is running (it starts lazily on the first request). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Stops the worker (as a crash would); pending requests fail. For tests and for dispose. */
  async terminate(): Promise<void> {
    await this.worker?.terminate();
  }

  dispose(): void {
    void this.terminate();
  }

  private onRunMessage(worker: Worker, reply: MetricsMessage | TrainingDoneMessage): void {
    const run = this.runs.get(reply.id);
    if (!run) return;
    if (reply.type === 'metrics') return run.onMetrics(reply.batch);
    this.runs.delete(reply.id);
    if (this.pending.size === 0 && this.runs.size === 0) worker.unref();
    if (reply.reason === 'failed') run.reject(new Error(reply.message ?? 'training failed'));
    else run.resolve(reply);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { workerData: this.workerData });
    worker.unref();
    worker.on('message', (reply: FromEngineWorker) => {
      if (reply.type === 'metrics' || reply.type === 'trainingDone') return this.onRunMessage(worker, reply);
      const pending = this.pending.get(reply.id);
      if (!pending) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0 && this.runs.size === 0) worker.unref();
      if (reply.type === 'result') pending.resolve(reply.result);
      else pending.reject(new Error(reply.message));
    });
    const stopped = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      const error = new EngineStoppedError(`The Loss Lab engine stopped (${reason}) before answering; the next request starts it again.`);
      for (const p of [...this.pending.values(), ...this.runs.values()]) p.reject(error);
      this.pending.clear();
      this.runs.clear();
    };
    worker.on('error', (error) => stopped(error.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}

/** Names of tensors whose buffers an earlier request transferred away (posting them would never be answered). */
function detachedInputs(request: OpRequest): string[] {
  const all = { ...request.inputs, ...request.options };
  return Object.entries(all).filter(([, t]) => {
    const data = (t as { data?: unknown } | undefined)?.data;
    return ArrayBuffer.isView(data) && data.buffer instanceof ArrayBuffer && data.buffer.byteLength === 0 && (t as { shape: number[] }).shape.reduce((a, b) => a * b, 1) > 0;
  }).map(([name]) => name);
}
