// The SyncEngine notebook tensors compute on, storage ids of the buffers it holds for them, and autograd mode.
import * as path from 'node:path';
import { SyncEngine } from './backend/syncEngine';

let current: SyncEngine | undefined;

/** The engine tensors run on; the first use starts one whose ORT thread is tensor-worker.js beside this bundle. */
export function engine(): SyncEngine {
  return (current ??= new SyncEngine({ workerPath: path.join(__dirname, 'tensor-worker.js') }));
}

/** Makes tensors compute on `e` (a kernel's own engine, a test's). Buffers stored on the previous one are lost. */
export function useEngine(e: SyncEngine): void {
  if (current && current !== e) current.dispose();
  current = e;
}

let nextId = 1;
export function storageId(): number {
  return nextId++;
}

/** Frees a node's engine buffer once the node is garbage. */
const storages = new FinalizationRegistry<{ id: number; on: SyncEngine }>(({ id, on }) => on.free(id));
export function ownStorage(owner: object, id: number): void {
  storages.register(owner, { id, on: engine() });
}

let gradEnabled = true;

export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** torch.no_grad(() => …): ops inside record no gradient history. Returns fn's result. */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}
