// Reductions that pick elements (max/min, arg-max, top-k) and gathers along an axis, each forward next to its
// gradient rule.
import { Value } from './graph';
import { div, equal, mul, where } from './math';
import { gather, scatterAdd, sum, zerosLike } from './nn';
import { expand, reshape } from './shape';

function axesOf(x: Value, axes?: readonly number[]): number[] {
  return (axes ?? x.shape.map((_, i) => i)).map((a) => (a < 0 ? a + x.shape.length : a));
}

/**
 * amax / amin over `axes`; the gradient is shared evenly among the elements equal to the extreme value
 * (PyTorch's rule for amax/amin).
 */
export function extreme(x: Value, kind: 'max' | 'min', axes?: readonly number[], keepdims = false): Value {
  const ax = axesOf(x, axes);
  const kept = x.shape.map((d, i) => (ax.includes(i) ? 1 : d));
  const y: Value = x.graph.node({
    opType: kind === 'max' ? 'ReduceMax' : 'ReduceMin',
    inputs: [x, x.graph.ints(ax)],
    attributes: { keepdims: { kind: 'int', value: keepdims ? 1 : 0 } },
    dtype: x.dtype,
    shape: keepdims ? kept : x.shape.filter((_, i) => !ax.includes(i)),
    backward: (g) => {
      const hit = where(equal(x, reshape(y, kept)), x.graph.scalar(1, x.dtype), x.graph.scalar(0, x.dtype));
      const share = div(hit, sum(hit, ax, true));
      return [mul(share, reshape(g, kept))];
    },
  });
  return y;
}

/** Index of the first largest (smallest) element along `axis`, as int64. */
export function argExtreme(x: Value, kind: 'max' | 'min', axis: number, keepdims = false): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  return x.graph.node({
    opType: kind === 'max' ? 'ArgMax' : 'ArgMin',
    inputs: [x],
    attributes: { axis: { kind: 'int', value: a }, keepdims: { kind: 'int', value: keepdims ? 1 : 0 } },
    dtype: 'int64',
    shape: keepdims ? x.shape.map((d, i) => (i === a ? 1 : d)) : x.shape.filter((_, i) => i !== a),
  });
}

/** Indices of the k largest (or smallest) elements along `axis`, sorted; the values are gather(x, indices). */
export function topkIndices(x: Value, k: number, axis: number, largest: boolean): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const shape = x.shape.map((d, i) => (i === a ? k : d));
  const [, indices] = x.graph.nodeWithOutputs('TopK', [x, x.graph.ints([k])], [{ dtype: x.dtype, shape }, { dtype: 'int64', shape }], {
    axis: { kind: 'int', value: a },
    largest: { kind: 'int', value: largest ? 1 : 0 },
    sorted: { kind: 'int', value: 1 },
  });
  return indices;
}

/**
 * x.index_select(axis, index) for an int64 index of any shape: out shape x[:axis] + index + x[axis+1:].
 * The gradient adds each picked slice back where it came from (repeated indices accumulate).
 */
export function take(x: Value, index: Value, axis: number): Value {
  const a = axis < 0 ? axis + x.shape.length : axis;
  const before = x.shape.slice(0, a);
  const after = x.shape.slice(a + 1);
  return x.graph.node({
    opType: 'Gather',
    inputs: [x, index],
    attributes: { axis: { kind: 'int', value: a } },
    dtype: x.dtype,
    shape: [...before, ...index.shape, ...after],
    backward: (g) => {
      const k = index.size;
      const rows = reshape(g, [...before, k, ...after]);
      const at = reshape(index, [...before.map(() => 1), k, ...after.map(() => 1)]);
      return [scatterAdd(zerosLike(x), expand(at, rows.shape), rows, a)];
    },
  });
}

export { gather };
