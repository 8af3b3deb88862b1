// Shape primitives and their gradients: reshape, transpose, expand, slice, concat, unsqueeze, and the
// broadcast bookkeeping every elementwise gradient needs (sumToShape).
import type { ElemType } from '../onnx/model';
import { Value } from './graph';

/** numpy broadcasting of two static shapes; throws PyTorch's message naming the mismatching sizes. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(`The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Sums a broadcast gradient back down to `shape` (the inverse of broadcasting). */
export function sumToShape(g: Value, shape: readonly number[]): Value {
  if (sameShape(g.shape, shape)) return g;
  const lead = g.shape.length - shape.length;
  const axes: number[] = [];
  g.shape.forEach((d, i) => {
    if (i < lead || (shape[i - lead] === 1 && d !== 1)) axes.push(i);
  });
  const summed = axes.length
    ? g.graph.node({
        opType: 'ReduceSum',
        inputs: [g, g.graph.ints(axes)],
        attributes: { keepdims: { kind: 'int', value: 1 } },
        dtype: g.dtype,
        shape: g.shape.map((d, i) => (axes.includes(i) ? 1 : d)),
      })
    : g;
  return reshape(summed, shape);
}

export function reshape(x: Value, shape: readonly number[]): Value {
  if (sameShape(x.shape, shape)) return x;
  return x.graph.node({
    opType: 'Reshape',
    inputs: [x, x.graph.ints(shape)],
    dtype: x.dtype,
    shape,
    backward: (g) => [reshape(g, x.shape)],
  });
}

export function transpose(x: Value, perm: readonly number[]): Value {
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return x.graph.node({
    opType: 'Transpose',
    inputs: [x],
    attributes: { perm: { kind: 'ints', value: perm } },
    dtype: x.dtype,
    shape: perm.map((p) => x.shape[p]),
    backward: (g) => [transpose(g, inverse)],
  });
}

export function expand(x: Value, shape: readonly number[]): Value {
  if (sameShape(x.shape, shape)) return x;
  return x.graph.node({
    opType: 'Expand',
    inputs: [x, x.graph.ints(shape)],
    dtype: x.dtype,
    shape: broadcastShapes(x.shape, shape),
    backward: (g) => [sumToShape(g, x.shape)],
  });
}

export function unsqueeze(x: Value, axis: number): Value {
  const shape = [...x.shape];
  shape.splice(axis, 0, 1);
  return reshape(x, shape);
}

export function squeeze(x: Value, axis: number): Value {
  return reshape(x, x.shape.filter((_, i) => i !== axis));
}

/** x[start:end] along `axis` (static bounds). Gradient pads with zeros. */
export function slice(x: Value, axis: number, start: number, end: number): Value {
  const shape = [...x.shape];
  shape[axis] = end - start;
  return x.graph.node({
    opType: 'Slice',
    inputs: [x, x.graph.ints([start]), x.graph.ints([end]), x.graph.ints([axis])],
    dtype: x.dtype,
    shape,
    backward: (g) => {
      const pads = new Array(2 * x.shape.length).fill(0);
      pads[axis] = start;
      pads[x.shape.length + axis] = x.shape[axis] - end;
      return [g.graph.node({ opType: 'Pad', inputs: [g, g.graph.ints(pads)], dtype: g.dtype, shape: x.shape })];
    },
  });
}

export function concat(xs: readonly Value[], axis: number): Value {
  const shape = [...xs[0].shape];
  shape[axis] = xs.reduce((s, x) => s + x.shape[axis], 0);
  return xs[0].graph.node({
    opType: 'Concat',
    inputs: [...xs],
    attributes: { axis: { kind: 'int', value: axis } },
    dtype: xs[0].dtype,
    shape,
    backward: (g) => {
      let offset = 0;
      return xs.map((x) => {
        const part = slice(g, axis, offset, offset + x.shape[axis]);
        offset += x.shape[axis];
        return part;
      });
    },
  });
}

/** Type conversion; float→float casts pass the gradient back through the inverse cast. */
export function cast(x: Value, to: ElemType): Value {
  if (x.dtype === to) return x;
  const code = { float32: 1, int32: 6, int64: 7, bool: 9, float64: 11 }[to];
  const floatToFloat = x.isFloat && (to === 'float32' || to === 'float64');
  return x.graph.node({
    opType: 'Cast',
    inputs: [x],
    attributes: { to: { kind: 'int', value: code } },
    dtype: to,
    shape: x.shape,
    backward: floatToFloat ? (g) => [cast(g, x.dtype)] : undefined,
  });
}

/** The same values with no gradient flowing back (torch's .detach()). */
export function detach(x: Value): Value {
  return x.graph.node({ opType: 'Identity', inputs: [x], dtype: x.dtype, shape: x.shape });
}

/** Constant padding; `pads` in ONNX order [begin of each axis…, end of each axis…], negative crops. */
export function pad(x: Value, pads: readonly number[], value = 0): Value {
  const n = x.shape.length;
  const shape = x.shape.map((d, i) => d + pads[i] + pads[n + i]);
  return x.graph.node({
    opType: 'Pad',
    inputs: [x, x.graph.ints(pads), x.graph.scalar(value, x.dtype)],
    dtype: x.dtype,
    shape,
    backward: (g) => [pad(g, pads.map((p) => -p))],
  });
}

/** Upper (torch.triu) or lower (torch.tril) triangle of the last two axes from diagonal k; the rest zeros. */
export function trilu(x: Value, upper: boolean, k: number): Value {
  return x.graph.node({
    opType: 'Trilu',
    inputs: [x, x.graph.constant(BigInt64Array.of(BigInt(k)), 'int64', [])],
    attributes: { upper: { kind: 'int', value: upper ? 1 : 0 } },
    dtype: x.dtype,
    shape: x.shape,
    backward: (g) => [trilu(g, upper, k)],
  });
}
