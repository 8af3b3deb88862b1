// Realizing lazy tensors: the recorded nodes a read needs are traced into one ONNX graph through the engine's
// graph builder (src/engine/graph), whose tape also gives the gradients of backward(). Graphs are cached by
// structure (ops, attributes, input dtypes and shapes — never values), so a loop of identical steps compiles
// once and then only feeds new inputs.
import { Graph, type Value } from '../engine/graph/graph';
import { add } from '../engine/graph/math';
import { detach } from '../engine/graph/shape';
import { encodeModel } from '../engine/onnx/model';
import { memoryBudget } from '../engine/tensors';
import type { Feed, WireTensor } from '../protocol/tensorEngine';
import { EngineFailure, type SyncEngine } from './backend/syncEngine';
import { ITEM_SIZE } from './dtype';
import { Node } from './node';
import { emit } from './primitives';
import { engine, storageId } from './runtime';

/** What a leaf requiring grad hands its gradient to (a Tensor). */
export interface GradOwner {
  grad: unknown;
  gradNode(): Node | undefined;
  setGradNode(node: Node): void;
}

class Trace {
  readonly order: Node[] = [];
  readonly index = new Map<Node, number>();
  readonly parts: string[];
  readonly inputs: Node[] = [];
  readonly pending: Node[] = [];

  constructor(private readonly grad: boolean) {
    this.parts = [grad ? 'bwd' : 'fwd'];
  }

  isInput(n: Node): boolean {
    if (n.isLeaf) return !n.pending;
    return (n.storage !== undefined || n.host !== undefined) && !(this.grad && n.requiresGrad);
  }

  private children(n: Node): readonly Node[] {
    if (this.isInput(n)) return [];
    return n.isLeaf ? [n.pending!] : n.inputs;
  }

  /** Adds `root` and everything it needs (post-order, iteratively: chains may be long); returns its index. */
  visit(root: Node): number {
    const stack: [Node, number][] = [[root, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const n = top[0];
      if (this.index.has(n)) {
        stack.pop();
        continue;
      }
      const kids = this.children(n);
      if (top[1] < kids.length) {
        const kid = kids[top[1]++];
        if (!this.index.has(kid)) stack.push([kid, 0]);
        continue;
      }
      stack.pop();
      this.add(n, kids);
    }
    return this.index.get(root)!;
  }

  private add(n: Node, kids: readonly Node[]): void {
    this.index.set(n, this.order.length);
    this.order.push(n);
    const g = this.grad && n.isLeaf && n.requiresGrad ? 'g' : '';
    if (this.isInput(n)) {
      this.inputs.push(n);
      this.parts.push(`i${n.dtype}[${n.shape}]${g}`);
    } else if (n.isLeaf) {
      // A replaced value no tensor holds any more is computed on the way, not stored.
      if (n.holders > 0) this.pending.push(n);
      this.parts.push(`${n.holders > 0 ? 'p' : 'q'}${this.index.get(kids[0])}${g}`);
    } else {
      this.parts.push(`${n.op}${n.attrsKey}(${kids.map((c) => this.index.get(c)).join(',')})`);
    }
  }

  /** Bytes the run may hold at once: forward values die after their last use; with gradients all are kept. */
  peakBytes(): number {
    const bytes = (n: Node) => n.numel * ITEM_SIZE[n.dtype];
    if (this.grad) return 3 * this.order.reduce((s, n) => s + bytes(n), 0);
    const lastUse = new Map<Node, number>();
    this.order.forEach((n, k) => (n.isLeaf ? (n.pending ? [n.pending] : []) : n.inputs).forEach((i) => lastUse.set(i, k)));
    let live = 0;
    let peak = 0;
    this.order.forEach((n, k) => {
      live += bytes(n);
      peak = Math.max(peak, live);
      for (const i of n.isLeaf ? [] : n.inputs) if (lastUse.get(i) === k && !this.isInput(i)) live -= bytes(i);
    });
    return peak;
  }
}

interface GradSpec {
  root: number;
  seed?: number;
  /**
   * Per tensor receiving a gradient: its leaves (their gradients summed; an in-place update gives a parameter a
   * new leaf), and the index of its current .grad (to add to), or −1.
   */
  wrt: number[][];
  old: number[];
}

interface Plan {
  model: Uint8Array;
  sentTo?: SyncEngine;
}

const MAX_PLANS = 512;
const plans = new Map<string, Plan>();

function build(t: Trace, roots: number[], grad: GradSpec | undefined): Uint8Array {
  const g = new Graph();
  const values: Value[] = [];
  let inputCount = 0;
  t.order.forEach((n, k) => {
    if (t.isInput(n)) values[k] = g.input(`in${inputCount++}`, n.dtype, n.shape);
    else if (n.isLeaf) values[k] = detach(values[t.index.get(n.pending!)!]);
    else values[k] = emit(g, n.op, n.inputs.map((i) => values[t.index.get(i)!]), n.attrs);
  });
  roots.forEach((k, j) => g.output(`out${j}`, values[k]));
  t.pending.forEach((n, j) => g.output(`pend${j}`, values[t.index.get(n)!]));
  if (grad) {
    const grads = g.gradients(values[grad.root], grad.wrt.flat().map((k) => values[k]), grad.seed === undefined ? undefined : values[grad.seed]);
    let next = 0;
    grad.wrt.forEach((leaves, j) => {
      const d = leaves.map(() => grads[next++]).reduce((a, b) => add(a, b));
      g.output(`grad${j}`, grad.old[j] >= 0 ? add(values[grad.old[j]], d) : d);
    });
  }
  return encodeModel(g.toGraphDef('tensors'));
}

function sizeText(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Values this small travel with every run that needs them instead of being stored on the engine. */
const SMALL = 64;

/**
 * Runs the trace; each root is stored on the engine (`keep`), brought here (`fetch`), or both. With `later`
 * the run is posted (the caller goes on while ORT computes) and `later` gets the fetched outputs once it is
 * done; otherwise they are returned.
 */
function run(t: Trace, roots: number[], keep: boolean[], fetch: boolean[], grad?: GradSpec, later?: (outputs: Record<string, WireTensor>) => void): Record<string, WireTensor> & { ids: Record<string, number> } {
  const key = t.parts.join(';') + `|${roots}|${grad ? `${grad.root},${grad.seed},${grad.wrt.map((l) => l.join('+'))},${grad.old}` : ''}`;
  let plan = plans.get(key);
  if (plan) {
    plans.delete(key);
  } else {
    const need = t.peakBytes();
    if (need > memoryBudget()) {
      const biggest = t.order.reduce((a, b) => (b.numel > a.numel ? b : a));
      throw new RangeError(`this computation needs about ${sizeText(need)} (its largest tensor has shape [${biggest.shape.join(', ')}]), more than the ${sizeText(memoryBudget())} the engine may use`);
    }
    plan = { model: build(t, roots, grad) };
  }
  plans.set(key, plan);
  if (plans.size > MAX_PLANS) plans.delete(plans.keys().next().value as string);

  const e = engine();
  // Runs still out may hand old values back here: where an input is is known once they are done.
  if (later) engineCall(() => e.room(t.inputs.flatMap((n) => (n.storage === undefined ? [] : [n.storage]))));
  else awaitEngine();
  const feeds: Record<string, Feed> = {};
  const uploaded: [Node, number][] = [];
  t.inputs.forEach((n, k) => {
    if (n.storage !== undefined) {
      feeds[`in${k}`] = { id: n.storage };
    } else if (n.numel <= SMALL || n.holders === 0) {
      // Small, or held by no tensor (an old value read on the way): sent for this run only.
      feeds[`in${k}`] = { tensor: { dtype: n.dtype, shape: [...n.shape], data: n.host! } };
    } else {
      const id = storageId();
      feeds[`in${k}`] = { id, tensor: { dtype: n.dtype, shape: [...n.shape], data: n.host! } };
      uploaded.push([n, id]);
    }
  });
  const kept: Record<string, number> = {};
  roots.forEach((_, j) => keep[j] && (kept[`out${j}`] = storageId()));
  t.pending.forEach((_, j) => (kept[`pend${j}`] = storageId()));
  grad?.wrt.forEach((_, j) => (kept[`grad${j}`] = storageId()));
  const fetched = roots.map((_, j) => `out${j}`).filter((_, j) => fetch[j]);
  let outputs: Record<string, WireTensor> = {};
  if (later) {
    engineCall(() => e.post({ key, model: plan.model, feeds, keep: kept, fetch: fetched }, later));
  } else {
    outputs = engineCall(() => {
      try {
        return e.run({ key, model: plan.sentTo === e ? undefined : plan.model, feeds, keep: kept, fetch: fetched });
      } catch (error) {
        if (!(error instanceof EngineFailure && (error as { missingModel?: boolean }).missingModel)) throw error;
        return e.run({ key, model: plan.model, feeds, keep: kept, fetch: fetched });
      }
    });
  }
  plan.sentTo = e;
  for (const [n, id] of uploaded) n.setStorage(id);
  return Object.assign(outputs, { ids: kept });
}

/** Only the engine's own failures are reworded; anything else (an interrupt from the kernel) passes as it is. */
function engineCall<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw error instanceof EngineFailure ? engineError(error) : error;
  }
}

/** Waits for the runs posted to the engine (backwards still computing); a failure of theirs is thrown, reworded. */
export function awaitEngine(): void {
  engineCall(() => engine().sync());
}

function engineError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`the engine failed to compute this tensor: ${message.split('\n')[0].replace(/\[ONNXRuntimeError\][^:]*:\s*/, '')}`);
}

/** Computes `nodes` (keeping their values on the engine); `fetch` also brings their bytes here. */
export function realize(nodes: readonly Node[], fetch: boolean): void {
  const compute = nodes.filter((n) => (n.isLeaf ? n.pending !== undefined : n.storage === undefined));
  if (compute.length) {
    const t = new Trace(false);
    const roots = compute.map((n) => t.visit(n));
    // A value brought here is kept on the engine too, unless it is small enough to send again when needed.
    const out = run(t, roots, compute.map((n) => !fetch || n.numel > SMALL), compute.map(() => fetch));
    compute.forEach((n, j) => settle(n, out.ids[`out${j}`], out[`out${j}`]));
    t.pending.forEach((n, j) => settle(n, out.ids[`pend${j}`]));
  }
  let unread = fetch ? [...new Set(nodes)].filter((n) => !n.host) : [];
  if (unread.length && engine().inFlight) {
    // A posted run (a backward) may bring some of them.
    awaitEngine();
    unread = unread.filter((n) => !n.host);
  }
  if (unread.length) engineCall(() => engine().read(unread.map((n) => n.storage!))).forEach((w, j) => (unread[j].host = w.data));
}

function settle(n: Node, id: number | undefined, wire?: WireTensor): void {
  if (n.pending) {
    n.pending = undefined;
  } else if (n.storage !== undefined || n.host) {
    if (id !== undefined) engine().free(id); // computed twice in one run (a root that was also pending): one copy is enough
    return;
  }
  if (wire) n.host = wire.data;
  if (id !== undefined) n.setStorage(id);
}

/**
 * The leaves requiring grad that `root` depends on through ops with gradients (not through detach, a stored
 * in-place result or anything not requiring grad), grouped by the tensor whose .grad receives their gradient;
 * and the ops passed on the way.
 */
function gradLeaves(root: Node): { owners: Map<GradOwner, Node[]>; ops: Node[] } {
  const owners = new Map<GradOwner, Node[]>();
  const ops: Node[] = [];
  const seen = new Set<Node>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n) || !n.requiresGrad) continue;
    seen.add(n);
    if (!n.isLeaf) {
      if (n.graphFreed && n.savesTensors) throw new Error(SECOND_BACKWARD);
      ops.push(n);
      stack.push(...n.inputs);
    } else if (n.gradOwner) {
      const owner = n.gradOwner as GradOwner;
      (owners.get(owner) ?? owners.set(owner, []).get(owner)!).push(n);
    }
  }
  return { owners, ops };
}

const SECOND_BACKWARD =
  'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.';

/**
 * root.backward(seed, retainGraph): accumulates d(root·seed)/d(leaf) into the .grad of every leaf that
 * requires grad. Without `retainGraph` the graph is freed as PyTorch frees it: a second backward through any
 * of its ops that saved tensors is refused (values stay readable).
 */
export function backward(root: Node, seed?: Node, retainGraph = false): void {
  const found = gradLeaves(root);
  const t = new Trace(true);
  const r = t.visit(root);
  const s = seed && t.visit(seed);
  const groups = [...found.owners];
  const owners = groups.map(([o]) => o);
  const old = owners.map((o) => {
    const g = o.gradNode();
    return g ? t.visit(g) : -1;
  });
  const wrt = groups.map(([, leaves]) => leaves.map((n) => t.index.get(n)!).sort((a, b) => a - b));
  // Posted: the caller goes on (recording the next step) while ORT computes. The root's value stays on the
  // engine until the run is done; a scalar loss then comes here with its reply, and leaves the engine.
  const small = root.numel <= SMALL;
  const out = run(t, [r], [true], [small], { root: r, seed: s, wrt, old }, (outputs) => {
    if (!small || root.slot.storage !== out.ids.out0) return;
    root.host = outputs.out0.data;
    root.storage = undefined;
    engine().free(out.ids.out0);
  });
  settle(root, out.ids.out0);
  t.pending.forEach((n, j) => settle(n, out.ids[`pend${j}`]));
  owners.forEach((o, j) => {
    const n = groups[j][1][0];
    const g = Node.leaf(n.dtype, n.shape, undefined);
    g.setStorage(out.ids[`grad${j}`]);
    o.setGradNode(g);
  });
  if (!retainGraph) for (const n of found.ops) n.graphFreed = true;
}
