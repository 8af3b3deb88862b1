// A node of the lazy tensor graph: an op over input nodes (recorded, not yet computed) or a leaf holding data.
// Nodes never change once made, except for gaining a value when realized; in-place ops give their tensor a new
// node instead. `storage` is the id of the node's value on the engine; `host` its bytes on this side.
// `holders` counts the tensors whose value the node is (runtime.ts: hold/release): a stored value no tensor
// holds any more leaves the engine, its bytes kept here for anything recorded from it that is read later.
import type { EngineData } from '../protocol/tensorEngine';
import type { DType } from './dtype';
import { ownStorage } from './runtime';

/**
 * Where a node's value is and how many tensors hold it, apart from the node: a dropped tensor's finalizer
 * keeps this until it runs (when the cell ends), never the node, so the graph recorded behind a dropped
 * tensor, and the old values it reads, are garbage as soon as nothing else reaches them.
 */
export class ValueSlot {
  storage?: number;
  host?: EngineData;
  holders = 0;
}

export class Node {
  /** JSON of `attrs`: part of the structural cache key. */
  readonly attrsKey: string;
  readonly slot = new ValueSlot();
  /** Leaves only: the value this leaf takes when next computed (what an in-place op left). */
  pending?: Node;
  /** Leaves that require grad: the tensor whose `.grad` receives the gradient. */
  gradOwner?: { grad: unknown };
  /** A backward() went through this node without retain_graph: another one through it is refused if it saves tensors. */
  graphFreed = false;
  /** Whether PyTorch's backward node for this op saves tensors (set with the tensor's grad_fn name). */
  savesTensors = true;

  constructor(
    readonly op: string,
    readonly inputs: readonly Node[],
    readonly attrs: unknown,
    readonly dtype: DType,
    readonly shape: readonly number[],
    readonly requiresGrad: boolean,
  ) {
    this.attrsKey = attrs === undefined ? '' : JSON.stringify(attrs);
  }

  get storage(): number | undefined {
    return this.slot.storage;
  }

  set storage(id: number | undefined) {
    this.slot.storage = id;
  }

  get host(): EngineData | undefined {
    return this.slot.host;
  }

  set host(data: EngineData | undefined) {
    this.slot.host = data;
  }

  get holders(): number {
    return this.slot.holders;
  }

  get isLeaf(): boolean {
    return this.op === 'leaf';
  }

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  setStorage(id: number): void {
    this.storage = id;
    ownStorage(this, id);
  }

  static leaf(dtype: DType, shape: readonly number[], host: EngineData | undefined, requiresGrad = false): Node {
    const n = new Node('leaf', [], undefined, dtype, shape, requiresGrad);
    n.host = host;
    return n;
  }
}
