// The ops a lazy tensor node can hold, each emitted through the engine's graph builder (whose tape gives the
// gradients): name → how to emit it from its input values and attributes. Shapes and dtypes were checked and
// inferred when the op was recorded (ops/*.ts); here they are only built.
import type { Graph, Value } from '../engine/graph/graph';
import * as m from '../engine/graph/math';
import * as nn from '../engine/graph/nn';
import * as sel from '../engine/graph/select';
import * as sh from '../engine/graph/shape';
import { OP_DEFINITIONS } from '../engine/ops/registry';
import type { Options } from '../engine/ops/op';
import type { DType } from './dtype';

type Emit = (g: Graph, x: Value[], attrs: any) => Value; // eslint-disable-line @typescript-eslint/no-explicit-any

const rangeOf = (g: Graph, n: number): Value => g.node({ opType: 'Range', inputs: [g.scalar(0, 'int64'), g.scalar(n, 'int64'), g.scalar(1, 'int64')], dtype: 'int64', shape: [n] });

const PRIMITIVES: Record<string, Emit> = {
  // creation (no inputs)
  full: (g, _, a: { value: number; dtype: DType; shape: number[] }) =>
    g.node({ opType: 'Expand', inputs: [g.scalar(a.value, a.dtype), g.ints(a.shape)], dtype: a.dtype, shape: a.shape }),
  arange: (g, _, a: { start: number; step: number; n: number; dtype: DType }) => {
    const i = sh.cast(rangeOf(g, a.n), a.dtype);
    return m.add(m.mul(i, a.step), a.start);
  },
  linspace: (g, _, a: { start: number; end: number; steps: number; dtype: DType }) => {
    // As PyTorch: the first half counts up from start, the second half down from end.
    const i = sh.cast(rangeOf(g, a.steps), a.dtype);
    const step = a.steps > 1 ? (a.end - a.start) / (a.steps - 1) : 0;
    const up = m.add(m.mul(i, step), a.start);
    const down = m.sub(a.end, m.mul(m.sub(a.steps - 1, i), step));
    return m.where(m.less(i, Math.floor(a.steps / 2)), up, down);
  },
  eye: (g, _, a: { n: number; m: number; dtype: DType }) => {
    const zeros = g.node({ opType: 'Expand', inputs: [g.scalar(0, a.dtype), g.ints([a.n, a.m])], dtype: a.dtype, shape: [a.n, a.m] });
    return g.node({ opType: 'EyeLike', inputs: [zeros], dtype: a.dtype, shape: [a.n, a.m] });
  },
  // elementwise
  add: (_g, [a, b]) => m.add(a, b),
  sub: (_g, [a, b]) => m.sub(a, b),
  mul: (_g, [a, b]) => m.mul(a, b),
  div: (_g, [a, b]) => m.div(a, b),
  pow: (_g, [a, b]) => m.powTensor(a, b),
  powScalar: (_g, [a], p: number) => m.pow(a, p),
  neg: (_g, [a]) => m.neg(a),
  exp: (_g, [a]) => m.exp(a),
  log: (_g, [a]) => m.log(a),
  log1p: (_g, [a]) => m.log1p(a),
  sqrt: (_g, [a]) => m.sqrt(a),
  sin: (_g, [a]) => m.sin(a),
  cos: (_g, [a]) => m.cos(a),
  abs: (_g, [a]) => m.abs(a),
  sigmoid: (_g, [a]) => m.sigmoid(a),
  tanh: (_g, [a]) => m.tanh(a),
  relu: (_g, [a]) => m.relu(a),
  gelu: (_g, [a]) => m.mul(m.mul(a, 0.5), m.add(m.erf(m.mul(a, Math.SQRT1_2)), 1)),
  logsigmoid: (_g, [a]) => m.neg(m.negLogSigmoid(a)),
  floor: (g, [a]) => g.node({ opType: 'Floor', inputs: [a], dtype: a.dtype, shape: a.shape }),
  trunc: (g, [a]) => m.mul(g.node({ opType: 'Floor', inputs: [m.abs(a)], dtype: a.dtype, shape: a.shape }), g.node({ opType: 'Sign', inputs: [a], dtype: a.dtype, shape: a.shape })),
  clamp: (_g, [a], r: { min?: number; max?: number }) => m.clamp(a, r.min ?? undefined, r.max ?? undefined),
  cast: (_g, [a], to: DType) => sh.cast(a, to),
  detach: (_g, [a]) => sh.detach(a),
  identity: (g, [a]) => g.node({ opType: 'Identity', inputs: [a], dtype: a.dtype, shape: a.shape, backward: (d) => [d] }),
  where: (_g, [c, a, b]) => m.where(c, a, b),
  eq: (_g, [a, b]) => m.equal(a, b),
  ne: (_g, [a, b]) => m.not(m.equal(a, b)),
  lt: (_g, [a, b]) => m.less(a, b),
  le: (_g, [a, b]) => m.lessOrEqual(a, b),
  gt: (_g, [a, b]) => m.greater(a, b),
  ge: (_g, [a, b]) => m.greaterOrEqual(a, b),
  and: (_g, [a, b]) => m.and(a, b),
  or: (_g, [a, b]) => m.or(a, b),
  xor: (_g, [a, b]) => m.xor(a, b),
  not: (_g, [a]) => m.not(a),
  // shapes
  reshape: (_g, [a], shape: number[]) => sh.reshape(a, shape),
  transpose: (_g, [a], perm: number[]) => sh.transpose(a, perm),
  expand: (_g, [a], shape: number[]) => sh.expand(a, shape),
  slice: (_g, [a], s: { axis: number; start: number; end: number }) => sh.slice(a, s.axis, s.start, s.end),
  take: (_g, [a, i], axis: number) => sel.take(a, i, axis),
  concat: (_g, xs, axis: number) => sh.concat(xs, axis),
  trilu: (_g, [a], t: { upper: boolean; k: number }) => sh.trilu(a, t.upper, t.k),
  pad: (_g, [a], p: { pads: number[]; value: number }) => sh.pad(a, p.pads, p.value),
  // reductions and friends
  sum: (_g, [a], r: { axes: number[]; keepdim: boolean }) => nn.sum(a, r.axes, r.keepdim),
  amax: (_g, [a], r: { axes: number[]; keepdim: boolean }) => sel.extreme(a, 'max', r.axes, r.keepdim),
  amin: (_g, [a], r: { axes: number[]; keepdim: boolean }) => sel.extreme(a, 'min', r.axes, r.keepdim),
  logsumexp: (_g, [a], r: { axes: number[]; keepdim: boolean }) => {
    // log Σ exp(x − max) + max, the max held constant (its gradient cancels exactly).
    const shift = sh.detach(sel.extreme(a, 'max', r.axes, true));
    const safe = m.where(m.equal(m.abs(shift), Infinity), 0, shift);
    const lse = m.add(m.log(nn.sum(m.exp(m.sub(a, safe)), r.axes, true)), safe);
    return r.keepdim ? lse : sh.reshape(lse, a.shape.filter((_, i) => !r.axes.includes(i)));
  },
  argmax: (_g, [a], r: { axis: number; keepdim: boolean }) => sel.argExtreme(a, 'max', r.axis, r.keepdim),
  argmin: (_g, [a], r: { axis: number; keepdim: boolean }) => sel.argExtreme(a, 'min', r.axis, r.keepdim),
  topk: (_g, [a], t: { k: number; axis: number; largest: boolean }) => sel.topkIndices(a, t.k, t.axis, t.largest),
  gather: (_g, [a, i], axis: number) => nn.gather(a, i, axis),
  softmax: (_g, [a], axis: number) => nn.softmax(a, axis),
  log_softmax: (_g, [a], axis: number) => nn.logSoftmax(a, axis),
  matmul: (_g, [a, b]) => nn.matmul(a, b),
};

/** An engine loss op (F.cross_entropy & co.): tensor inputs in `names` order, `options` as the op takes them. */
function engineOp(g: Graph, x: Value[], a: { op: string; names: string[]; options: Options; extra?: string }): Value {
  const op = OP_DEFINITIONS.get(a.op)!;
  const built = op.build(g, Object.fromEntries(a.names.map((n, i) => [n, x[i]])), a.options);
  return a.extra ? built.extras![a.extra] : built.output;
}

export function emit(g: Graph, op: string, inputs: Value[], attrs: unknown): Value {
  if (op === 'engine') return engineOp(g, inputs, attrs as Parameters<typeof engineOp>[2]);
  const f = PRIMITIVES[op];
  if (!f) throw new Error(`no primitive '${op}'`);
  return f(g, inputs, attrs);
}
