// Tensor: what a notebook cell holds. A tensor is a lazy node of a graph (ops/*.ts record nodes and check
// shapes eagerly, so errors point at the op that is wrong); reading a value (item, tolist, printing,
// backward) compiles what it needs into one ONNX graph and runs it on ORT (compile.ts). Methods live by
// theme in ops/*.ts and are added to this class's prototype; this file holds the core: properties, reading
// values, autograd and in-place updates.
import { inspect } from 'node:util';
import type { EngineData } from '../protocol/tensorEngine';
import { backward as runBackward, realize } from './compile';
import { dtypeOf, isFloat, type DType } from './dtype';
import { formatTensor } from './format';
import { Node, type ValueSlot } from './node';
import { normDim } from './ops/args';
import { hold, isGradEnabled, release } from './runtime';

/** Tensors that are garbage let go of their node's value (at the latest when the cell that dropped them ends). */
const holdings = new FinalizationRegistry<{ slot?: ValueSlot }>((held) => held.slot && release(held.slot));

export class Tensor {
  private current!: Node;
  /** What this tensor holds for the finalizer; emptied once it let go (its .grad slot dropped it). */
  private readonly holding: { slot?: ValueSlot } = {};
  private gradTensor: Tensor | null = null;
  private gradFnName: string | undefined;

  constructor(node: Node, gradFn?: string) {
    this.node = node;
    holdings.register(this, this.holding);
    this.gradFn = node.requiresGrad && !node.isLeaf ? gradFn : undefined;
    if (node.isLeaf && node.requiresGrad) node.gradOwner = this;
  }

  /**
   * The backward op that made this tensor (printed as grad_fn=<…>), for non-leaf tensors. Naming it also says
   * whether PyTorch's backward node of that name saves tensors, which decides whether a second backward
   * through it after the graph was freed is refused (compile.ts).
   */
  get gradFn(): string | undefined {
    return this.gradFnName;
  }

  set gradFn(name: string | undefined) {
    this.gradFnName = name;
    if (name !== undefined && !this.node.isLeaf) this.node.savesTensors = !SAVES_NO_TENSOR.has(name);
  }

  /** The tensor's current node; in-place ops replace it (and let go of the old one). */
  get node(): Node {
    return this.current;
  }

  set node(node: Node) {
    hold(node);
    this.letGo();
    this.current = node;
    this.holding.slot = node.slot;
  }

  /** This tensor no longer holds its node's buffer (its value stays readable). */
  private letGo(): void {
    const held = this.holding.slot;
    if (!held) return;
    this.holding.slot = undefined;
    release(held);
  }

  get shape(): number[] {
    return [...this.node.shape];
  }

  get dtype(): DType {
    return this.node.dtype;
  }

  get ndim(): number {
    return this.node.shape.length;
  }

  dim(): number {
    return this.ndim;
  }

  numel(): number {
    return this.node.numel;
  }

  /** size() → the shape; size(d) → its length along d (negative counts from the end). */
  size(d?: number): number | number[] {
    if (d === undefined) return this.shape;
    return this.node.shape[normDim(d, this.ndim)];
  }

  get requires_grad(): boolean {
    return this.node.requiresGrad;
  }

  set requires_grad(value: boolean) {
    this.requires_grad_(value);
  }

  get is_leaf(): boolean {
    return this.node.isLeaf || !this.node.requiresGrad;
  }

  get grad_fn(): { name: () => string } | null {
    const name = this.gradFn;
    return name ? { name: () => name } : null;
  }

  /** The accumulated gradient (a leaf that requires grad, after backward()), or null. */
  get grad(): Tensor | null {
    return this.gradTensor;
  }

  set grad(value: Tensor | null) {
    if (value !== null && !(value instanceof Tensor)) throw new TypeError(`assigned grad expected to be a Tensor or None but got ${typeof value}`);
    if (value && value.shape.join() !== this.shape.join()) throw new RangeError(`assigned grad has data of a different size`);
    // The slot owned what backward made: a gradient dropped from it leaves the engine (still readable here).
    if (this.gradTensor && this.gradTensor !== value) this.gradTensor.letGo();
    this.gradTensor = value;
  }

  /** @internal the autograd's view of .grad */
  gradNode(): Node | undefined {
    return this.gradTensor?.node;
  }

  /** @internal */
  setGradNode(node: Node): void {
    if (this.gradTensor) this.gradTensor.node = node;
    else this.gradTensor = new Tensor(node);
  }

  requires_grad_(value = true): this {
    if (!this.node.isLeaf && this.node.requiresGrad && !value) {
      throw new Error('you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn\'t require differentiation use var_no_grad = var.detach().');
    }
    if (value && !isFloat(this.dtype)) throw new Error('only Tensors of floating point dtype can require gradients');
    if (this.node.requiresGrad === value) return this;
    const n = this.node;
    const leaf = Node.leaf(n.dtype, n.shape, undefined, value);
    // The same value in a new leaf: its bytes when only this side has them, else computed from the old node.
    if (n.isLeaf && !n.pending && n.storage === undefined) leaf.host = n.host;
    else leaf.pending = n;
    this.node = leaf;
    this.gradFn = undefined;
    if (value) leaf.gradOwner = this;
    return this;
  }

  /** Reads every value (runs the graph if needed): bytes of this tensor in row-major order. */
  data(): EngineData {
    realize([this.node], true);
    return this.node.host!;
  }

  item(): number | boolean {
    if (this.numel() !== 1) throw new RangeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar`);
    return scalarOf(this.dtype, this.data()[0]);
  }

  /** Nested JS arrays of numbers (booleans for bool tensors), as torch's tolist(). */
  tolist(): unknown {
    const flat = this.data();
    const shape = this.node.shape;
    const nest = (offset: number, dim: number): unknown => {
      if (dim === shape.length) return scalarOf(this.dtype, flat[offset]);
      const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: shape[dim] }, (_, i) => nest(offset + i * stride, dim + 1));
    };
    return nest(0, 0);
  }

  /**
   * Accumulates d(this)/d(leaf) into the .grad of every leaf that requires grad (this must be a scalar unless
   * `gradient`, of this tensor's shape, is given). backward(gradient?, retain_graph?) as in PyTorch, or
   * backward({ gradient, retain_graph }); without retain_graph a second backward through the graph is refused.
   */
  backward(gradient?: Tensor | null | BackwardOptions, retain_graph?: boolean | BackwardOptions): void {
    const options: BackwardOptions =
      gradient !== undefined && gradient !== null && !(gradient instanceof Tensor) ? gradient : typeof retain_graph === 'object' ? retain_graph : { retain_graph };
    const seed = gradient instanceof Tensor ? gradient : options.gradient ?? undefined;
    if (!this.node.requiresGrad) throw new Error('element 0 of tensors does not require grad and does not have a grad_fn');
    if (seed === undefined && this.numel() !== 1) throw new Error('grad can be implicitly created only for scalar outputs');
    if (seed && seed.shape.join() !== this.shape.join()) {
      throw new Error(`Mismatch in shape: grad_output[0] has a shape of torch.Size([${seed.shape.join(', ')}]) and output[0] has a shape of torch.Size([${this.shape.join(', ')}]).`);
    }
    runBackward(this.node, seed?.node, options.retain_graph ?? false);
  }

  /** The same values with no history (shares nothing a later in-place op on this tensor changes). */
  detach(): Tensor {
    const n = this.node;
    if (n.isLeaf && !n.requiresGrad) return new Tensor(n);
    return new Tensor(new Node('detach', [n], undefined, n.dtype, n.shape, false));
  }

  /**
   * In place: this tensor takes `value` (same shape), as copy_/fill_/zero_ and optimizers do. A value with
   * history keeps it (the tensor becomes a non-leaf); otherwise the tensor stays a leaf whose new value is
   * computed with the next graph that needs it, and then stored (so repeated updates never chain up).
   */
  assign(value: Node): this {
    const n = this.node;
    if (n.isLeaf && n.requiresGrad && isGradEnabled()) {
      throw new Error('a leaf Variable that requires grad is being used in an in-place operation.');
    }
    if (value.requiresGrad && !(n.isLeaf && n.requiresGrad)) {
      this.node = value;
      this.gradFnName = 'CopyBackwards'; // the node stays the one of the op that made `value`
      return this;
    }
    const leaf = Node.leaf(value.dtype, value.shape, undefined, n.isLeaf && n.requiresGrad);
    if (value.isLeaf && !value.pending && value.storage === undefined) leaf.host = value.host;
    else leaf.pending = value;
    if (leaf.requiresGrad) leaf.gradOwner = this;
    this.node = leaf;
    this.gradFn = undefined;
    return this;
  }

  toString(): string {
    return formatTensor(this);
  }

  [inspect.custom](): string {
    return this.toString();
  }

  get [Symbol.toStringTag](): string {
    return 'Tensor';
  }

  to(dtype: DType | string): Tensor {
    return this.cast(dtypeOf(dtype));
  }

  float(): Tensor {
    return this.cast('float32');
  }

  double(): Tensor {
    return this.cast('float64');
  }

  long(): Tensor {
    return this.cast('int64');
  }

  bool(): Tensor {
    return this.cast('bool');
  }

  cast(dtype: DType): Tensor {
    if (dtype === this.dtype) return this;
    return record('cast', [this], dtype, dtype, this.node.shape, 'ToCopyBackward0');
  }
}

interface BackwardOptions {
  gradient?: Tensor | null;
  retain_graph?: boolean | null;
}

function scalarOf(dtype: DType, v: number | bigint): number | boolean {
  return dtype === 'bool' ? v === 1 : Number(v);
}

/**
 * PyTorch 1.13's backward nodes that save no tensor (sizes, dims and numbers only): after a backward without
 * retain_graph another backward through them still works, as it does there (`y = x + 1`, `x.view(-1)`,
 * `x.sum()`); through any other (`x * 2`, `x.exp()`, `x.mean(0)`, `x[idx]`) it is refused. Checked by running
 * each in torch 1.13.
 */
const SAVES_NO_TENSOR = new Set([
  'AddBackward0', 'SubBackward0', 'RsubBackward1', 'NegBackward0', 'SumBackward0', 'SumBackward1', 'MeanBackward0',
  'ViewBackward0', 'ReshapeAliasBackward0', 'SelectBackward0', 'SliceBackward0', 'PermuteBackward0', 'TransposeBackward0',
  'TBackward0', 'ExpandBackward0', 'UnsqueezeBackward0', 'SqueezeBackward0', 'SqueezeBackward1', 'CatBackward0',
  'StackBackward0', 'CloneBackward0', 'ToCopyBackward0', 'ConstantPadNdBackward0', 'RepeatBackward0', 'TrilBackward0',
  'TriuBackward0',
]);

/**
 * Records an op over tensors. The result requires grad when grad mode is on, its dtype is floating and an
 * input requires grad.
 */
export function record(op: string, inputs: readonly Tensor[], attrs: unknown, dtype: DType, shape: readonly number[], gradFn?: string): Tensor {
  const requiresGrad = isGradEnabled() && isFloat(dtype) && inputs.some((t) => t.node.requiresGrad) && gradFn !== undefined;
  return new Tensor(new Node(op, inputs.map((t) => t.node), attrs, dtype, shape, requiresGrad), gradFn);
}

/** A tensor holding `data` (a leaf). */
export function fromData(dtype: DType, shape: readonly number[], data: EngineData, requiresGrad = false): Tensor {
  if (requiresGrad && !isFloat(dtype)) throw new Error('only Tensors of floating point dtype can require gradients');
  return new Tensor(Node.leaf(dtype, shape, data, requiresGrad));
}
