// The run gate: one Int32 in shared memory that every thread running ONNX Runtime for one owner (a notebook
// kernel: its tensor engine thread, its engine worker and that worker's helper) holds while it runs, so that
// whoever ends the owner can wait for the runs in progress: ending a thread in the middle of an ORT call
// takes the whole process down (onnxruntime-node aborts). The value counts the runs in progress; closing sets
// GATE_CLOSING, after which no run starts (enter fails and the caller never runs), and the closer waits for
// the count to reach 0 before it terminates the owner.
export const GATE_CLOSING = 1 << 30;

/** Takes the gate for one run; false once it is closing (the thread is about to be ended: run nothing). */
export function enterGate(gate: Int32Array): boolean {
  for (;;) {
    const v = Atomics.load(gate, 0);
    if (v & GATE_CLOSING) return false;
    if (Atomics.compareExchange(gate, 0, v, v + 1) === v) return true;
  }
}

export function leaveGate(gate: Int32Array): void {
  Atomics.sub(gate, 0, 1);
}

/** Closes the gate: no run starts after this. */
export function closeGate(gate: Int32Array): void {
  Atomics.or(gate, 0, GATE_CLOSING);
}

/** Runs holding the gate now. */
export function runsInProgress(gate: Int32Array): number {
  return Atomics.load(gate, 0) & ~GATE_CLOSING;
}

let threadGate: Int32Array | undefined;

/** The gate this thread's ORT calls hold (set once by a worker from its workerData). */
export function useRunGate(gate: Int32Array | undefined): void {
  threadGate = gate;
}

export function runGate(): Int32Array | undefined {
  return threadGate;
}

/** `call` (an ORT call) holding this thread's gate; once the gate is closing it never runs and never settles. */
export async function gated<T>(call: () => Promise<T>): Promise<T> {
  const gate = threadGate;
  if (!gate) return call();
  if (!enterGate(gate)) return new Promise<T>(() => undefined);
  try {
    return await call();
  } finally {
    leaveGate(gate);
  }
}
