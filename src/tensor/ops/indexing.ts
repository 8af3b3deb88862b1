// Indexing as Tensor methods: x.at(':, :-1') (NumPy/PyTorch slice syntax in a string: negative indices,
// steps, `...`, `None`), x.at(mask) (a bool tensor, like x[mask]), x.at(indices) (an int64 tensor picking
// along dim 0), gather, index_select, masked_select. Index values are checked before anything runs.
import { hostArray } from '../dtype';
import { fromData, record, Tensor } from '../tensor';
import { normDim, numel, shapeText } from './args';
import { reshapeTo, sliceAlong } from './shape';
import { asTensor } from './scalar';

type IndexItem = number | string | null | Tensor;

declare module '../tensor' {
  interface Tensor {
    at(...index: IndexItem[]): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    index_select(dim: number, index: Tensor): Tensor;
    masked_select(mask: Tensor): Tensor;
  }
}

const P = Tensor.prototype;

type Part = { kind: 'index'; i: number } | { kind: 'slice'; start?: number; stop?: number; step?: number } | { kind: 'ellipsis' } | { kind: 'none' };

function parseInt10(text: string, whole: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (!/^[-+]?\d+$/.test(t)) throw new SyntaxError(`invalid index '${whole}': '${t}' is not an integer`);
  return Number(t);
}

/** '1:, ::2, ..., None, -1' → parts. */
export function parseIndex(text: string): Part[] {
  if (text.trim() === '') return [];
  return text.split(',').map((raw) => {
    const s = raw.trim();
    if (s === '...' || s === '…') return { kind: 'ellipsis' };
    if (s === 'None' || s === 'null') return { kind: 'none' };
    if (!s.includes(':')) return { kind: 'index', i: parseInt10(s, text)! };
    const pieces = s.split(':');
    if (pieces.length > 3) throw new SyntaxError(`invalid slice '${s}' in '${text}'`);
    return { kind: 'slice', start: parseInt10(pieces[0], text), stop: parseInt10(pieces[1], text), step: pieces[2] === undefined ? undefined : parseInt10(pieces[2], text) };
  });
}

function outOfBounds(i: number, dim: number, size: number): RangeError {
  return new RangeError(`index ${i} is out of bounds for dimension ${dim} with size ${size}`);
}

/** Positions start, start+step, … of a Python slice on a dimension of `size` (step > 0). */
function slicePositions(size: number, p: { start?: number; stop?: number; step?: number }): { start: number; stop: number; step: number; count: number } {
  const step = p.step ?? 1;
  if (step <= 0) throw new RangeError(step === 0 ? 'slice step cannot be zero' : 'step must be greater than zero');
  const clampTo = (v: number | undefined, dflt: number) => (v === undefined ? dflt : Math.min(Math.max(v < 0 ? v + size : v, 0), size));
  const start = clampTo(p.start, 0);
  const stop = Math.max(start, clampTo(p.stop, size));
  return { start, stop, step, count: Math.ceil((stop - start) / step) };
}

/** An int64 constant tensor (index bookkeeping done here, the picking on the engine). */
function indexTensor(values: number[], shape = [values.length]): Tensor {
  return fromData('int64', shape, hostArray('int64', values));
}

function basicIndex(x: Tensor, parts: Part[]): Tensor {
  const consumed = parts.filter((p) => p.kind === 'index' || p.kind === 'slice').length;
  if (parts.filter((p) => p.kind === 'ellipsis').length > 1) throw new SyntaxError('an index can only have a single ellipsis (\'...\')');
  if (consumed > x.ndim) throw new RangeError(`too many indices for tensor of dimension ${x.ndim}`);
  const expanded: Part[] = [];
  for (const p of parts) {
    if (p.kind === 'ellipsis') for (let k = 0; k < x.ndim - consumed; k++) expanded.push({ kind: 'slice' });
    else expanded.push(p);
  }
  let out = x;
  let dim = 0; // the axis of `out` the next part applies to
  const finalShape: number[] = [];
  for (const p of expanded) {
    if (p.kind === 'none') {
      finalShape.push(1);
      continue;
    }
    const size = out.shape[dim];
    if (p.kind === 'index') {
      const i = p.i < 0 ? p.i + size : p.i;
      if (i < 0 || i >= size) throw outOfBounds(p.i, dim, size);
      out = sliceAlong(out, dim, i, i + 1, 'SelectBackward0');
    } else if (p.kind === 'slice') {
      const s = slicePositions(size, p);
      if (s.step === 1) out = sliceAlong(out, dim, s.start, s.stop);
      else out = takeAlong(out, dim, indexTensor(Array.from({ length: s.count }, (_, k) => s.start + k * s.step)), 'SliceBackward0');
      finalShape.push(out.shape[dim]);
    }
    dim++;
  }
  finalShape.push(...out.shape.slice(dim));
  const reshaped = reshapeTo(out, finalShape, expanded.some((p) => p.kind === 'index') ? 'SelectBackward0' : 'UnsqueezeBackward0');
  return reshaped;
}

function takeAlong(x: Tensor, dim: number, index: Tensor, gradFn: string): Tensor {
  const shape = [...x.shape.slice(0, dim), ...index.shape, ...x.shape.slice(dim + 1)];
  return record('take', [x, index], dim, x.dtype, shape, gradFn);
}

/** The index values of `t` (computing them if needed), as JS numbers, for bounds checks and masks. */
function hostValues(t: Tensor): number[] {
  return Array.from(t.data() as ArrayLike<number | bigint>, Number);
}

function checkIndexValues(index: Tensor, dim: number, size: number, allowNegative: boolean, message?: string): void {
  for (const v of hostValues(index)) {
    if (v >= size || v < (allowNegative ? -size : 0)) throw message ? new RangeError(message) : outOfBounds(v, dim, size);
  }
}

function maskIndex(x: Tensor, mask: Tensor): Tensor {
  const m = mask.ndim;
  if (m > x.ndim) throw new RangeError(`too many indices for tensor of dimension ${x.ndim}`);
  mask.shape.forEach((s, i) => {
    if (s !== x.shape[i]) throw new RangeError(`The shape of the mask ${shapeText(mask.shape)} at index ${i} does not match the shape of the indexed tensor ${shapeText(x.shape)} at index ${i}`);
  });
  const picked: number[] = [];
  hostValues(mask).forEach((v, i) => v && picked.push(i));
  const rows = reshapeTo(x, [numel(x.shape.slice(0, m)), ...x.shape.slice(m)]);
  return takeAlong(rows, 0, indexTensor(picked), 'IndexBackward0');
}

P.at = function (...index: IndexItem[]) {
  if (index.length === 1 && index[0] instanceof Tensor) {
    const t = index[0];
    if (t.dtype === 'bool') return maskIndex(this, t);
    if (t.dtype !== 'int64') throw new TypeError('tensors used as indices must be long, int, byte or bool tensors');
    if (this.ndim === 0) throw new RangeError('invalid index of a 0-dim tensor.');
    checkIndexValues(t, 0, this.shape[0], true);
    return takeAlong(this, 0, t, 'IndexBackward0');
  }
  const parts: Part[] = [];
  for (const item of index) {
    if (typeof item === 'number') {
      if (!Number.isInteger(item)) throw new TypeError(`only integers, slices, None and '...' are valid indices, got ${item}`);
      parts.push({ kind: 'index', i: item });
    } else if (item === null) parts.push({ kind: 'none' });
    else if (typeof item === 'string') parts.push(...parseIndex(item));
    else throw new TypeError('at(): pass one index string (x.at(\':, 1:\')), integers and strings, or a single bool/int64 tensor');
  }
  return basicIndex(this, parts);
};

P.gather = function (dim, index) {
  const d = normDim(dim, this.ndim);
  const idx = asTensor(index, 'index');
  if (idx.dtype !== 'int64') throw new TypeError('gather(): Expected dtype int64 for index');
  if (idx.ndim !== this.ndim && !(idx.ndim <= 1 && this.ndim <= 1)) throw new RangeError('Index tensor must have the same number of dimensions as input tensor');
  idx.shape.forEach((s, i) => {
    if (i !== d && s > this.shape[i]) throw new RangeError(`Size does not match at dimension ${i} expected index ${shapeText(idx.shape)} to be smaller than self ${shapeText(this.shape)} apart from dimension ${d}`);
  });
  checkIndexValues(idx, d, this.shape[d] ?? 1, false);
  // ONNX GatherElements wants the index no larger than the input in other dims: cut the input to it.
  let x: Tensor = this;
  idx.shape.forEach((s, i) => {
    if (i !== d && s < x.shape[i]) x = sliceAlong(x, i, 0, s);
  });
  return record('gather', [x, idx], d, this.dtype, idx.shape, 'GatherBackward0');
};

P.index_select = function (dim, index) {
  const d = normDim(dim, this.ndim);
  const idx = asTensor(index, 'index');
  if (idx.dtype !== 'int64') throw new TypeError('index_select(): Expected dtype int64 for index');
  if (idx.ndim > 1) throw new RangeError('index_select(): Index is supposed to be a vector');
  checkIndexValues(idx, d, this.shape[d] ?? 1, false, 'index out of range in self');
  return takeAlong(this, d, reshapeTo(idx, [idx.numel()]), 'IndexSelectBackward0');
};

P.masked_select = function (mask) {
  const m = asTensor(mask, 'mask');
  const shape = m.shape.length >= this.ndim ? m.shape : this.shape;
  const full = this.expand(shape);
  return maskIndex(full, m.expand(shape));
};
