// Interrupting a kernel that may be blocked in the tensor engine. Host and kernel share two Int32 flags:
// [REQUESTED] is set by the host's Interrupt; [IN_ENGINE] is 1 while the kernel waits for ONNX Runtime. The
// kernel checks the request before every engine call and throws KernelInterruptedError inside the cell, so
// the cell ends with an error and the kernel keeps its state. A cell that never calls the engine (a plain
// JS loop) is stopped by terminating the worker — only while no graph runs, since ending ORT's thread in the
// middle of a run takes the whole process down.
import { SyncEngine } from '../tensor';
import type { SyncEngineOptions } from '../tensor/backend/syncEngine';
import type { RunRequest, WireTensor } from '../protocol/tensorEngine';

export const REQUESTED = 0;
export const IN_ENGINE = 1;

export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

export class KernelInterruptedError extends Error {
  constructor() {
    super('Interrupted: the cell was stopped; the kernel keeps its variables.');
    this.name = 'KeyboardInterrupt';
  }
}

/** A SyncEngine that refuses new work once an interrupt is requested, and says when it is busy. */
export class InterruptibleEngine extends SyncEngine {
  constructor(private readonly control: Int32Array, options: SyncEngineOptions = {}) {
    super(options);
  }

  override run(request: Omit<RunRequest, 'type' | 'free' | 'handBack'>): Record<string, WireTensor> {
    return this.busy(() => super.run(request));
  }

  override read(ids: number[]): WireTensor[] {
    return this.busy(() => super.read(ids));
  }

  private busy<T>(call: () => T): T {
    // Busy first, then the check (the host sets the request, then reads busy): never both missed.
    Atomics.store(this.control, IN_ENGINE, 1);
    try {
      if (Atomics.load(this.control, REQUESTED)) throw new KernelInterruptedError();
      return call();
    } finally {
      Atomics.store(this.control, IN_ENGINE, 0);
    }
  }
}
