// SyncEngine: runs ONNX models synchronously from the calling thread. ONNX Runtime's node `session.run` is
// asynchronous, so the sessions live on a worker thread of their own (worker.ts, bundled as
// dist/tensor-worker.js); every call here posts one request on a MessagePort and blocks the caller with
// Atomics.wait until the worker signals its reply, which is then taken with receiveMessageOnPort.
//
// Interface (all the notebook kernel needs):
//   const engine = new SyncEngine({ workerPath });          // starts the ORT thread lazily, on the first run
//   engine.run({ key, model?, feeds, keep, fetch })          // → { outputs } (see RunRequest in protocol)
//   engine.room(ids)                                         // before building a posted run's feeds
//   engine.post({ key, model, feeds, keep, fetch }, done?)   // the same run without waiting: see below
//   engine.sync()                                            // waits for posted runs (throws a failure)
//   engine.read(ids)                                         // → WireTensor[] of stored buffers
//   engine.free(id)                                          // queued; sent with the next request
//   engine.handBack(id, receive)                             // queued; released after the next run,
//                                                            //   its bytes given to `receive`
//   engine.memory()                                          // → { buffers, bytes } the ORT thread holds
//   engine.dispose()
// Stored tensors are the engine's device memory: outputs named in `keep` stay on the ORT thread under the
// caller's ids and can be fed to later runs by id.
//
// Posting: a run whose results stay on the engine (a training step's backward) need not be waited for; the
// caller goes on recording the next step while ORT computes, and may post it before this one is done, so the
// ORT thread always finds the next step waiting. At most two posted runs are out. Their replies are taken in
// order, delivering their hand-backs and their fetched outputs to `done` and throwing a failure: by
// `room(ids)` (called before a posted run's feeds are made: it takes the oldest reply when two are out, and
// every reply when a buffer in `ids` is being handed back by a run still out), by `sync`, and by every other
// request first (its effects land before anything later is sent or read).
//
// Blocking: the caller's thread is parked in Atomics.wait while a model runs (a notebook kernel worker, a CLI,
// a plain node test — never VS Code's extension host). Terminating the caller's worker (Interrupt, Restart
// Kernel) ends the wait at once, and the ORT thread, a nested worker, is terminated with it (a `gate` keeps
// that from happening in the middle of a run). `waitSliceMs` bounds each wait; `onWait` is called between
// slices (e.g. to check an interrupt flag and throw; the ORT thread is then stopped, its stored tensors lost,
// and the next request starts a new one). The ORT thread answers every request, failures included; if it dies
// (its uncaught-error hook sets SIGNAL_DEAD) the wait ends with an EngineFailure and the next request starts a
// new thread.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { SIGNAL_DEAD, SIGNAL_LENGTH, SIGNAL_REPLIES, SIGNAL_REQUESTS, type EngineMemory, type FromTensorEngine, type RunRequest, type TensorEngineWorkerData, type ToTensorEngine, type WireTensor } from '../../protocol/tensorEngine';

export interface SyncEngineOptions {
  /** The bundled ORT thread script; defaults to tensor-worker.js beside this bundle. */
  workerPath?: string;
  waitSliceMs?: number;
  onWait?: () => void;
  /** The run gate the ORT thread holds while it computes (engine/runtime/runGate.ts), for whoever may end this thread. */
  gate?: Int32Array;
}

type HandBacks = Map<number, (tensor: WireTensor | null) => void>;

interface Posted {
  handBack: HandBacks;
  done?: (outputs: Record<string, WireTensor>) => void;
}

/** Posted runs out at once: the one ORT computes and the next, waiting for it. */
const MAX_POSTED = 2;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A failure inside the engine (not the user's op): the ORT thread's message, or that it stopped. */
export class EngineFailure extends Error {}

export class SyncEngine {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private flag = new Int32Array(new SharedArrayBuffer(SIGNAL_LENGTH * 4));
  private pendingFree: number[] = [];
  private pendingHandBack: HandBacks = new Map();
  /** Posted runs whose replies are not taken yet, oldest first: their hand-backs and what receives their outputs. */
  private posted: Posted[] = [];
  private readonly workerPath: string;

  constructor(private readonly options: SyncEngineOptions = {}) {
    this.workerPath = options.workerPath ?? path.join(__dirname, 'tensor-worker.js');
  }

  /** Runs a model; throws EngineFailure with `missingModel` set when the key must be sent again with its model. */
  run(request: Omit<RunRequest, 'type' | 'free' | 'handBack'>): Record<string, WireTensor> {
    const reply = this.call({ type: 'run', ...request });
    if (!reply.ok) {
      const failure = new EngineFailure(reply.message);
      (failure as EngineFailure & { missingModel?: boolean }).missingModel = reply.missingModel;
      throw failure;
    }
    return reply.outputs;
  }

  /**
   * Before making the feeds of a posted run that feeds the stored buffers `ids`: takes the oldest reply when
   * two posted runs are out, and every reply when one of `ids` is being handed back by a run still out.
   */
  room(ids: readonly number[]): void {
    if (this.posted.length >= MAX_POSTED) this.takeOldest();
    if (ids.some((id) => this.posted.some((p) => p.handBack.has(id)))) this.sync();
  }

  /**
   * Runs a model without waiting (`model` is always sent: the ORT thread may have evicted it by the time it
   * runs); `done` gets the fetched outputs when the reply is taken. Call `room` before making its feeds.
   */
  post(request: Omit<RunRequest, 'type' | 'free' | 'handBack'> & { model: Uint8Array }, done?: (outputs: Record<string, WireTensor>) => void): void {
    if (this.posted.length >= MAX_POSTED) this.takeOldest();
    const port = this.ensure();
    const { free, handBack } = this.takeQueued(true);
    this.send(port, { type: 'run', ...request, free, handBack: [...handBack.keys()] });
    this.posted.push({ handBack, done });
  }

  /** Whether a posted run's reply is still to be taken. */
  get inFlight(): boolean {
    return this.posted.length > 0;
  }

  /** Takes the replies of the posted runs: their hand-backs and outputs are delivered; a failure is thrown. */
  sync(): void {
    while (this.posted.length) this.takeOldest();
  }

  private takeOldest(): void {
    const posted = this.posted.shift()!;
    let reply: FromTensorEngine;
    try {
      reply = this.receive(this.port!);
    } catch (error) {
      for (const receive of posted.handBack.values()) receive(null); // the ORT thread is gone, and the buffers with it
      throw error;
    }
    this.delivered(reply, posted.handBack);
    if (reply.ok) {
      posted.done?.(reply.outputs);
      return;
    }
    // The runs posted after it may read what it did not make: their replies go with its failure.
    const failure = new EngineFailure(reply.message);
    while (this.posted.length) {
      try {
        this.takeOldest();
      } catch {
        // the first failure is the one to report
      }
    }
    throw failure;
  }

  read(ids: number[]): WireTensor[] {
    const reply = this.call({ type: 'read', ids });
    if (!reply.ok) throw new EngineFailure(reply.message);
    return reply.tensors;
  }

  /** The buffers the ORT thread holds, once every queued release is done (0 before it starts). */
  memory(): EngineMemory {
    if (!this.worker) return { buffers: 0, bytes: 0 };
    const reply = this.call({ type: 'stats' });
    if (!reply.ok) throw new EngineFailure(reply.message);
    return reply.memory;
  }

  /** Releases a stored buffer (with the next request). */
  free(id: number): void {
    this.pendingFree.push(id);
  }

  /**
   * Releases a stored buffer whose value may still be read: after the next run (which may use it),
   * its bytes move to this thread and are given to `receive` (null if the engine no longer had it).
   */
  handBack(id: number, receive: (tensor: WireTensor | null) => void): void {
    this.pendingHandBack.set(id, receive);
  }

  /** Ends the ORT thread once a posted run is done (ending it in the middle of a run takes the process down). */
  dispose(): void {
    try {
      this.sync();
    } catch {
      // its failure has nobody left to report to
    }
    this.stop();
  }

  private stop(): void {
    for (const posted of this.posted) for (const receive of posted.handBack.values()) receive(null);
    this.posted = [];
    void this.worker?.terminate();
    this.worker = undefined;
    this.port?.close();
    this.port = undefined;
  }

  private call(body: DistributiveOmit<ToTensorEngine, 'free' | 'handBack'>): FromTensorEngine {
    this.sync();
    const port = this.ensure();
    // Hand-backs wait for a run: the next one is usually the one that reads them (an optimizer's old values).
    const { free, handBack } = this.takeQueued(body.type === 'run');
    this.send(port, { ...body, free, handBack: [...handBack.keys()] } as ToTensorEngine);
    let reply: FromTensorEngine;
    try {
      reply = this.receive(port);
    } catch (error) {
      for (const [id, receive] of handBack) this.pendingHandBack.set(id, receive);
      throw error;
    }
    this.delivered(reply, handBack);
    return reply;
  }

  private takeQueued(run: boolean): { free: number[]; handBack: HandBacks } {
    const free = this.pendingFree;
    this.pendingFree = [];
    if (!run) return { free, handBack: new Map() };
    const handBack = this.pendingHandBack;
    this.pendingHandBack = new Map();
    return { free, handBack };
  }

  private delivered(reply: FromTensorEngine, handBack: HandBacks): void {
    if (reply.ok) {
      [...handBack.values()].forEach((receive, k) => receive(reply.handedBack[k]));
    } else {
      // Not done on a failed request: they go with the next one.
      for (const [id, receive] of handBack) this.pendingHandBack.set(id, receive);
    }
  }

  private send(port: MessagePort, request: ToTensorEngine): void {
    port.postMessage(request);
    Atomics.add(this.flag, SIGNAL_REQUESTS, 1);
    Atomics.notify(this.flag, SIGNAL_REQUESTS);
  }

  /** The next reply, in the order the requests were sent. */
  private receive(port: MessagePort): FromTensorEngine {
    const slice = this.options.waitSliceMs ?? 1000;
    for (;;) {
      // The count is read before the port: a reply posted after the read changes it, so the wait returns at once.
      const replies = Atomics.load(this.flag, SIGNAL_REPLIES);
      const message = receiveMessageOnPort(port);
      if (message) return message.message as FromTensorEngine;
      if (Atomics.load(this.flag, SIGNAL_DEAD)) {
        this.stop();
        throw new EngineFailure('The tensor engine stopped before answering; the next computation starts it again.');
      }
      const state = Atomics.wait(this.flag, SIGNAL_REPLIES, replies, slice);
      if (state === 'timed-out' && this.options.onWait) {
        try {
          this.options.onWait();
        } catch (error) {
          this.stop(); // its reply would answer the next request: this thread's buffers are gone with it
          throw error;
        }
      }
    }
  }

  private ensure(): MessagePort {
    if (!this.worker) {
      // A new ORT thread holds nothing: what was queued for the last one is void.
      this.pendingFree = [];
      for (const receive of this.pendingHandBack.values()) receive(null);
      this.pendingHandBack.clear();
    }
    if (this.worker && this.port) return this.port;
    if (!existsSync(this.workerPath)) throw new EngineFailure(`${this.workerPath} is missing: run \`npm run build\` first`);
    this.flag = new Int32Array(new SharedArrayBuffer(SIGNAL_LENGTH * 4));
    const { port1, port2 } = new MessageChannel();
    const signal = this.flag.buffer as SharedArrayBuffer;
    const data: TensorEngineWorkerData = { port: port2, signal, gate: this.options.gate };
    const worker = new Worker(this.workerPath, { workerData: data, transferList: [port2] });
    worker.unref();
    this.worker = worker;
    this.port = port1;
    return port1;
  }
}
