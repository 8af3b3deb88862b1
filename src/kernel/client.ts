// The host side of a kernel: starts the kernel worker on first use, runs cells, interrupts and restarts. An
// interrupt first asks the kernel to stop at its next engine call (the cell fails, state is kept); a cell that
// does not stop that way is ended by terminating the worker (state is lost, as on restart), never while a
// graph runs on ONNX Runtime. Nothing here blocks the caller's thread.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CellOutputJson, FromKernel, ToKernel } from '../protocol/notebook';
import { closeGate, runsInProgress } from '../engine/runtime/runGate';
import { gateOf, newControl, REQUESTED } from './interrupt';

export class KernelInterrupted extends Error {}

export class KernelClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(r: { outputs: CellOutputJson[]; ok: boolean }): void; reject(e: Error): void }>();
  private nextId = 1;
  private control = newControl();

  /** `folder`: the notebook's folder, where the cells' relative paths start (the current directory when omitted). */
  constructor(private readonly workerPath = path.join(__dirname, 'kernel-worker.js'), private readonly folder?: string) {}

  run(code: string, language: 'javascript' | 'typescript', name: string): Promise<{ outputs: CellOutputJson[]; ok: boolean }> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: 'run', id, code, language, name } satisfies ToKernel);
    });
  }

  /**
   * Stops whatever runs (even `while (true) {}`): softly at the next engine call, else by a fresh kernel. Only
   * the cells sent before it are concerned: one sent while it waits is not stopped by it.
   */
  async interrupt(graceMs = 1000): Promise<void> {
    if (!this.worker || this.pending.size === 0) return;
    const control = this.control;
    const cells = [...this.pending.keys()];
    const running = () => cells.some((id) => this.pending.has(id));
    Atomics.store(control, REQUESTED, 1);
    const started = Date.now();
    while (running() && this.control === control) {
      // A graph in flight finishes first; then the kernel stops at its next engine call.
      if (Date.now() - started > graceMs && runsInProgress(gateOf(control)) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (running() && this.control === control) await this.stop();
  }

  /** A fresh kernel: pending cells fail as interrupted; the worker ends between graphs. */
  private async stop(): Promise<void> {
    const w = this.worker;
    const control = this.control;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new KernelInterrupted('Interrupted: the kernel was stopped and will restart with a fresh state.'));
    this.pending.clear();
    if (!w) return;
    Atomics.store(control, REQUESTED, 1);
    // No ORT run starts once the gate is closing; the ones in progress end first.
    const gate = gateOf(control);
    closeGate(gate);
    for (let waited = 0; runsInProgress(gate) > 0 && waited < 60_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
    await w.terminate();
  }

  restart(): Promise<void> {
    return this.stop();
  }

  dispose(): void {
    void this.stop();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    this.control = newControl();
    const worker = new Worker(this.workerPath, { workerData: { control: this.control, folder: this.folder } });
    worker.unref();
    worker.on('message', (m: FromKernel) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      p?.resolve({ outputs: m.outputs, ok: m.ok });
    });
    const stopped = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const p of this.pending.values()) p.reject(new Error(`The notebook kernel stopped (${why}); run the cell again to start a fresh one.`));
      this.pending.clear();
    };
    worker.on('error', (e) => stopped(e.message));
    worker.on('exit', (code) => stopped(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
