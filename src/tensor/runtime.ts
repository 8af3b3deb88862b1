// The SyncEngine notebook tensors compute on, storage ids of the buffers it holds for them (and who owns
// them), and autograd mode.
import * as path from 'node:path';
import type { EngineMemory } from '../protocol/tensorEngine';
import { SyncEngine } from './backend/syncEngine';
import type { Node, ValueSlot } from './node';

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

/**
 * Ownership of engine buffers. A stored value belongs to the tensors that hold its node; JS cannot say when
 * a tensor becomes garbage inside a running cell (finalizers wait for the cell to end), so a tensor lets go
 * explicitly when its value is replaced (in-place ops, optimizer steps, a .grad emptied or replaced). The
 * last one to let go releases the buffer: after the next run (which may still read it) its bytes move here,
 * so a node recorded from the old value and read later still has it, and the engine holds only what live
 * tensors hold. A node held by nobody that is computed along the way is not stored at all.
 */
export function hold(n: Node): void {
  n.slot.holders++;
}

/** A tensor lets go of the value in `v` (its node's slot: the node itself may be garbage by now). */
export function release(v: ValueSlot): void {
  if (--v.holders > 0) return;
  const id = v.storage;
  if (id === undefined) return;
  const e = engine();
  if (v.host) {
    v.storage = undefined;
    e.free(id);
    return;
  }
  e.handBack(id, (tensor) => {
    if (v.storage !== id) return;
    v.storage = undefined;
    if (tensor) v.host = tensor.data;
  });
}

/** The buffers and bytes the engine holds for tensors now (queued releases done first). */
export function engineMemory(): EngineMemory {
  return engine().memory();
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
