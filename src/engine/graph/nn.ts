// Reductions, softmax family, matmul and gathers, each forward next to its gradient rule.
import { Value } from './graph';
import { div, exp, mul, sub } from './math';
import { expand, reshape, transpose } from './shape';

function normalizeAxes(x: Value, axes?: readonly number[]): number[] {
  return (axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + x.shape.length : a));
}

/** Sum over `axes` (all when omitted). */
export function sum(x: Value, axes?: readonly number[], keepdims = false): Value {
  const ax = normalizeAxes(x, axes);
  const keptShape = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const shape = keepdims ? keptShape : x.shape.filter((_, i) => !ax.includes(i));
  if (ax.length === 0) return x;
  return x.graph.node({
    opType: 'ReduceSum',
    inputs: [x, x.graph.ints(ax)],
    attributes: { keepdims: { kind: 'int', value: keepdims ? 1 : 0 } },
    dtype: x.dtype,
    shape,
    backward: (g) => [expand(reshape(g, keptShape), x.shape)],
  });
}

export function mean(x: Value, axes?: readonly number[], keepdims = false): Value {
  const ax = normalizeAxes(x, axes);
  const count = ax.reduce((n, a) => n * x.shape[a], 1);
  return div(sum(x, ax, keepdims), count);
}

/** Max over one axis, without gradient (used for numerical shifts only). */
export function maxDetached(x: Value, axis: number, keepdims = true): Value {
  return extremeDetached('ReduceMax', x, axis, keepdims);
}

/** Min over one axis, without gradient. */
export function minDetached(x: Value, axis: number, keepdims = true): Value {
  return extremeDetached('ReduceMin', x, axis, keepdims);
}

function extremeDetached(opType: 'ReduceMax' | 'ReduceMin', x: Value, axis: number, keepdims: boolean): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  return x.graph.node({
    opType,
    inputs: [x, x.graph.ints([a])],
    attributes: { keepdims: { kind: 'int', value: keepdims ? 1 : 0 } },
    dtype: x.dtype,
    shape: keepdims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a),
  });
}

/** log_softmax along `axis`; gradient g − softmax·Σg. */
export function logSoftmax(x: Value, axis: number): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const y: Value = x.graph.node({
    opType: 'LogSoftmax',
    inputs: [x],
    attributes: { axis: { kind: 'int', value: a } },
    dtype: x.dtype,
    shape: x.shape,
    backward: (g) => [sub(g, mul(exp(y), sum(g, [a], true)))],
  });
  return y;
}

/** softmax along `axis`; gradient y·(g − Σ g·y). */
export function softmax(x: Value, axis: number): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const y: Value = x.graph.node({
    opType: 'Softmax',
    inputs: [x],
    attributes: { axis: { kind: 'int', value: a } },
    dtype: x.dtype,
    shape: x.shape,
    backward: (g) => [mul(y, sub(g, sum(mul(g, y), [a], true)))],
  });
  return y;
}

/** log Σ exp(x) along `axis`; gradient g·softmax(x). */
export function logSumExp(x: Value, axis: number, keepdims = false): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const kept = x.shape.map((d, i) => (i === a ? 1 : d));
  const y: Value = x.graph.node({
    opType: 'ReduceLogSumExp',
    inputs: [x, x.graph.ints([a])],
    attributes: { keepdims: { kind: 'int', value: keepdims ? 1 : 0 } },
    dtype: x.dtype,
    shape: keepdims ? kept : x.shape.filter((_, i) => i !== a),
    backward: (g) => [mul(reshape(g, kept), exp(sub(x, reshape(y, kept))))],
  });
  return y;
}

/** Matrix product of the last two axes (batched with broadcasting over leading axes of equal rank). */
export function matmul(a: Value, b: Value): Value {
  const n = a.shape.length;
  if (n < 2 || b.shape.length !== n) throw new Error(`matmul: expected two tensors of the same rank ≥ 2, got [${a.shape}] and [${b.shape}]`);
  if (a.shape[n - 1] !== b.shape[n - 2]) {
    throw new Error(`mat1 and mat2 shapes cannot be multiplied (${a.shape[n - 2]}x${a.shape[n - 1]} and ${b.shape[n - 2]}x${b.shape[n - 1]})`);
  }
  const swap = [...Array(n - 2).keys(), n - 1, n - 2];
  return a.graph.node({
    opType: 'MatMul',
    inputs: [a, b],
    dtype: a.dtype,
    shape: [...a.shape.slice(0, n - 1), b.shape[n - 1]],
    backward: (g) => [matmul(g, transpose(b, swap)), matmul(transpose(a, swap), g)],
  });
}

/** out[i][j] = x[i][index[i][j]] along `axis` (torch.gather); gradient scatters back with addition. */
export function gather(x: Value, index: Value, axis: number): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  return x.graph.node({
    opType: 'GatherElements',
    inputs: [x, index],
    attributes: { axis: { kind: 'int', value: a } },
    dtype: x.dtype,
    shape: index.shape,
    backward: (g) => [scatterAdd(zerosLike(x), index, g, a)],
  });
}

/** base with `updates` added at `index` along `axis` (torch.scatter_add). */
export function scatterAdd(base: Value, index: Value, updates: Value, axis: number): Value {
  return base.graph.node({
    opType: 'ScatterElements',
    inputs: [base, index, updates],
    attributes: { axis: { kind: 'int', value: axis }, reduction: { kind: 'string', value: 'add' } },
    dtype: base.dtype,
    shape: base.shape,
    backward: (g) => [g, undefined, gather(g, index, axis)],
  });
}

/** Rows of `table` picked by integer `index` (nn.Embedding); gradient accumulates into the picked rows. */
export function embedding(table: Value, index: Value): Value {
  const [, d] = table.shape;
  const flat = reshape(index, [index.size, 1]);
  const rows = gather(table, expand(flat, [index.size, d]), 0);
  return reshape(rows, [...index.shape, d]);
}

export function zerosLike(x: Value): Value {
  return x.graph.node({ opType: 'Expand', inputs: [x.graph.scalar(0, x.dtype), x.graph.ints(x.shape)], dtype: x.dtype, shape: x.shape });
}

/** one_hot(index, numClasses) in `like`'s float dtype along the last axis; index [...], out [..., C]. */
export function oneHot(index: Value, numClasses: number, like: Value): Value {
  const shape = [...index.shape, numClasses];
  const zeros = like.graph.node({ opType: 'Expand', inputs: [like.graph.scalar(0, like.dtype), like.graph.ints(shape)], dtype: like.dtype, shape });
  const idx = reshape(index, [...index.shape, 1]);
  const ones = like.graph.node({ opType: 'Expand', inputs: [like.graph.scalar(1, like.dtype), like.graph.ints(idx.shape)], dtype: like.dtype, shape: idx.shape });
  return scatterAdd(zeros, idx, ones, shape.length - 1);
}
