// Interrupting a kernel that may be blocked in the tensor engine. Host and kernel share two Int32 flags:
// [REQUESTED] is set by the host's Interrupt; [GATE] is the kernel's run gate (engine/runtime/runGate.ts):
// every thread running ONNX Runtime for the kernel holds it while it computes — the tensor engine's thread
// (also while the kernel records the next step of a posted backward), the engine worker of train() and its
// helper. The kernel checks the request before every engine call (and a training run between its steps) and
// throws KeyboardInterrupt inside the cell, so the cell ends with an error and the kernel keeps its state. A
// cell that does not stop that way (a plain JS loop) is stopped by terminating the worker, once the host has
// closed the gate and the runs in progress have ended: never in the middle of a run, since ending an ORT
// thread then takes the whole process down.
import { SyncEngine } from '../tensor';
import type { SyncEngineOptions } from '../tensor/backend/syncEngine';
import type { RunRequest, WireTensor } from '../protocol/tensorEngine';

export const REQUESTED = 0;
export const GATE = 1;

export function newControl(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
}

/** The run gate inside `control`, as the kernel's tensor engine and engine worker take it. */
export function gateOf(control: Int32Array): Int32Array {
  return new Int32Array(control.buffer, GATE * Int32Array.BYTES_PER_ELEMENT, 1);
}

export class KernelInterruptedError extends Error {
  constructor() {
    super('Interrupted: the cell was stopped; the kernel keeps its variables.');
    this.name = 'KeyboardInterrupt';
  }
}

/** A SyncEngine that refuses new work once an interrupt is requested; its ORT thread holds the run gate. */
export class InterruptibleEngine extends SyncEngine {
  constructor(private readonly control: Int32Array, options: SyncEngineOptions = {}) {
    super({ ...options, gate: gateOf(control) });
  }

  override run(request: Omit<RunRequest, 'type' | 'free' | 'handBack'>): Record<string, WireTensor> {
    this.check();
    return super.run(request);
  }

  override post(request: Omit<RunRequest, 'type' | 'free' | 'handBack'> & { model: Uint8Array }, done?: (outputs: Record<string, WireTensor>) => void): void {
    this.check();
    super.post(request, done);
  }

  override read(ids: number[]): WireTensor[] {
    this.check();
    return super.read(ids);
  }

  private check(): void {
    if (Atomics.load(this.control, REQUESTED)) throw new KernelInterruptedError();
  }
}
