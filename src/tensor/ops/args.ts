// Argument conventions shared by every op: PyTorch's positional order, keyword arguments as one trailing
// plain object, shapes as `(2, 3)` or `([2, 3])`, dims that may be negative or lists, and PyTorch's messages.
import { Tensor } from '../tensor';

export type Options = Record<string, unknown>;

export function isOptions(v: unknown): v is Options {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Tensor) && !ArrayBuffer.isView(v);
}

/** Splits a trailing keyword-argument object off `args`. */
export function splitOptions(args: readonly unknown[]): [unknown[], Options] {
  const last = args[args.length - 1];
  return isOptions(last) ? [args.slice(0, -1), last] : [[...args], {}];
}

/** zeros(2, 3) or zeros([2, 3]) → [2, 3]. */
export function shapeArgs(args: readonly unknown[], what: string): number[] {
  const shape = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as unknown[];
  if (!shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw new TypeError(`${what}(): argument 'size' must be a list of non-negative integers, got [${shape.map(String).join(', ')}]`);
  }
  return shape as number[];
}

export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Broadcasting of two shapes, with PyTorch's message naming the mismatching sizes: the graph builder's own. */
export { broadcastShapes as broadcast } from '../../engine/graph/shape';

export function normDim(d: number, ndim: number): number {
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(d) || d < -rank || d >= rank) throw new RangeError(`Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${d})`);
  return d < 0 ? d + rank : d;
}

/** A dim argument that may be a number, a list or absent (all dims), normalized and sorted. */
export function dimList(dim: unknown, ndim: number): number[] {
  if (dim === undefined || dim === null) return [...Array(ndim).keys()];
  const list = Array.isArray(dim) ? dim : [dim];
  const dims = list.map((d) => normDim(d as number, ndim));
  if (new Set(dims).size !== dims.length) throw new RangeError(`dim ${dims.find((d, i) => dims.indexOf(d) !== i)} appears multiple times in the list of dims`);
  return ndim === 0 ? [] : dims.sort((x, y) => x - y);
}
