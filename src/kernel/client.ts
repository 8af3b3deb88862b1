// The host side of a kernel: starts the kernel worker on first use, runs cells, interrupts (terminates the
// worker: state is lost, as when a Jupyter kernel is restarted) and restarts.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { CellOutputJson, FromKernel, ToKernel } from '../protocol/notebook';

export class KernelInterrupted extends Error {}

export class KernelClient {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve(r: { outputs: CellOutputJson[]; ok: boolean }): void; reject(e: Error): void }>();
  private nextId = 1;

  constructor(private readonly workerPath = path.join(__dirname, 'kernel-worker.js')) {}

  run(code: string, language: 'javascript' | 'typescript', name: string): Promise<{ outputs: CellOutputJson[]; ok: boolean }> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: 'run', id, code, language, name } satisfies ToKernel);
    });
  }

  /** Stops whatever runs (even `while (true) {}`); the next cell starts a fresh kernel. */
  async interrupt(): Promise<void> {
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) p.reject(new KernelInterrupted('Interrupted: the kernel was stopped and will restart with a fresh state.'));
    this.pending.clear();
    await w?.terminate();
  }

  restart(): Promise<void> {
    return this.interrupt();
  }

  dispose(): void {
    void this.interrupt();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath);
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
