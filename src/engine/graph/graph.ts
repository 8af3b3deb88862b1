// A graph builder over static shapes that records, for every node it emits, how to build its gradient:
// reverse-mode autodiff, micrograd-style, but the backward pass is itself emitted as ONNX nodes.
//
//   const g = new Graph();
//   const x = g.input('input', 'float32', [4, 10]);
//   const y = sum(logSoftmax(x, 1));
//   const [dx] = g.gradients(y, [x]);       // d(y.sum())/dx, as more nodes of the same graph
//   g.output('output', y); g.output('grad.input', dx);
//   encodeModel(g.toGraphDef());
import type { AttributeValue, ElemType, GraphDef, NodeDef, TensorInit, ValueInfo } from '../onnx/model';

/** Given the gradient of the node's output, returns the gradient of each input (undefined: none). */
export type BackwardRule = (grad: Value) => (Value | undefined)[];

/** A symbolic tensor of the graph: its name, element type and static shape. */
export class Value {
  constructor(
    readonly graph: Graph,
    readonly name: string,
    readonly dtype: ElemType,
    readonly shape: readonly number[],
  ) {}

  get size(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get isFloat(): boolean {
    return this.dtype === 'float32' || this.dtype === 'float64';
  }
}

interface TapeEntry {
  inputs: Value[];
  output: Value;
  backward: BackwardRule;
}

export interface NodeSpec {
  opType: string;
  inputs: Value[];
  attributes?: Record<string, AttributeValue>;
  dtype: ElemType;
  shape: readonly number[];
  /** Omit for nodes that have no gradient (integer ops, masks, stop-gradient). */
  backward?: BackwardRule;
}

export class Graph {
  private readonly nodes: NodeDef[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: TensorInit[] = [];
  private readonly tape: TapeEntry[] = [];
  private readonly constants = new Map<string, Value>();
  private counter = 0;

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, dtype: ElemType, shape: readonly number[]): Value {
    this.inputs.push({ name, elemType: dtype, shape });
    return new Value(this, name, dtype, shape);
  }

  /** A constant tensor baked into the graph. Scalars (shape []) are shared. */
  constant(data: TensorInit['data'], dtype: ElemType, shape: readonly number[]): Value {
    const name = this.fresh('const');
    this.initializers.push({ name, elemType: dtype, dims: shape, data });
    return new Value(this, name, dtype, shape);
  }

  scalar(value: number, dtype: ElemType): Value {
    const key = `${dtype}:${Object.is(value, -0) ? '-0' : value}`;
    let v = this.constants.get(key);
    if (!v) {
      v = this.constant(typedArrayOf(dtype, [value]), dtype, []);
      this.constants.set(key, v);
    }
    return v;
  }

  /** int64 vector constant, used for axes, shapes, pads. */
  ints(values: readonly number[]): Value {
    return this.constant(BigInt64Array.from(values.map(BigInt)), 'int64', [values.length]);
  }

  /** Emits one node with a single output; records its backward rule when given. */
  node(spec: NodeSpec): Value {
    const output = new Value(this, this.fresh(spec.opType), spec.dtype, spec.shape);
    this.nodes.push({
      opType: spec.opType,
      inputs: spec.inputs.map((v) => v.name),
      outputs: [output.name],
      attributes: spec.attributes,
    });
    if (spec.backward) this.tape.push({ inputs: spec.inputs, output, backward: spec.backward });
    return output;
  }

  /** Emits a node with several outputs and no gradient (e.g. TopK's values and indices). */
  nodeWithOutputs(opType: string, inputs: Value[], outputs: { dtype: ElemType; shape: readonly number[] }[], attributes?: Record<string, AttributeValue>): Value[] {
    const values = outputs.map((o) => new Value(this, this.fresh(opType), o.dtype, o.shape));
    this.nodes.push({ opType, inputs: inputs.map((v) => v.name), outputs: values.map((v) => v.name), attributes });
    return values;
  }

  /**
   * Gives `value` (computed from detached copies of `inputs`) the gradient `backward` instead of the one its
   * nodes would imply: for composites whose exact derivative differs from the chain rule of their parts at a
   * kink, e.g. softplus at 0.
   */
  withGradient(value: Value, inputs: Value[], backward: BackwardRule): Value {
    const output = new Value(this, this.fresh('Identity'), value.dtype, value.shape);
    this.nodes.push({ opType: 'Identity', inputs: [value.name], outputs: [output.name] });
    this.tape.push({ inputs, output, backward });
    return output;
  }

  /** Exposes `value` as a graph output called `name`. */
  output(name: string, value: Value): void {
    this.nodes.push({ opType: 'Identity', inputs: [value.name], outputs: [name] });
    this.outputs.push({ name, elemType: value.dtype, shape: value.shape });
  }

  /**
   * d(y.sum())/d(each of `wrt`), built as nodes of this graph. A value `y` does not depend on gets zeros.
   * `seed` replaces the implicit ones (vector-Jacobian product with a given upstream gradient).
   */
  gradients(y: Value, wrt: readonly Value[], seed?: Value): Value[] {
    const grads = new Map<string, Value>();
    grads.set(y.name, seed ?? this.node({ opType: 'Expand', inputs: [this.scalar(1, y.dtype), this.ints(y.shape)], dtype: y.dtype, shape: y.shape }));
    for (let i = this.tape.length - 1; i >= 0; i--) {
      const entry = this.tape[i];
      const g = grads.get(entry.output.name);
      if (!g) continue;
      const inputGrads = entry.backward(g);
      entry.inputs.forEach((input, k) => {
        const gi = inputGrads[k];
        if (!gi || !input.isFloat) return;
        const prev = grads.get(input.name);
        grads.set(input.name, prev ? this.node({ opType: 'Add', inputs: [prev, gi], dtype: gi.dtype, shape: gi.shape }) : gi);
      });
    }
    return wrt.map(
      (x) => grads.get(x.name) ?? this.node({ opType: 'Expand', inputs: [this.scalar(0, x.dtype), this.ints(x.shape)], dtype: x.dtype, shape: x.shape }),
    );
  }

  /**
   * The graph with every node and constant that no output needs left out (gradient rules build generously), and
   * without the Identity nodes of `detach` and `withGradient` (each would copy its tensor at run time): their
   * readers read the Identity's input. An Identity that names a graph output stays.
   */
  toGraphDef(name = 'losslab'): GraphDef {
    const outputNames = new Set(this.outputs.map((o) => o.name));
    const alias = new Map<string, string>();
    const resolve = (v: string) => alias.get(v) ?? v;
    const renamed: NodeDef[] = [];
    for (const node of this.nodes) {
      const inputs = node.inputs.map(resolve);
      if (node.opType === 'Identity' && !outputNames.has(node.outputs[0])) alias.set(node.outputs[0], inputs[0]);
      else renamed.push(inputs.every((v, i) => v === node.inputs[i]) ? node : { ...node, inputs });
    }
    const needed = new Set(outputNames);
    const nodes: NodeDef[] = [];
    for (let i = renamed.length - 1; i >= 0; i--) {
      const node = renamed[i];
      if (!node.outputs.some((o) => needed.has(o))) continue;
      nodes.push(node);
      for (const input of node.inputs) needed.add(input);
    }
    nodes.reverse();
    const initializers = this.initializers.filter((t) => needed.has(t.name));
    return { name, nodes, inputs: this.inputs, outputs: this.outputs, initializers };
  }
}

export function typedArrayOf(dtype: ElemType, values: readonly number[]): TensorInit['data'] {
  switch (dtype) {
    case 'float32': return Float32Array.from(values);
    case 'float64': return Float64Array.from(values);
    case 'int64': return BigInt64Array.from(values.map((v) => BigInt(v)));
    case 'int32': return Int32Array.from(values);
    case 'bool': return Uint8Array.from(values);
  }
}
