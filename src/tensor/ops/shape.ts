// Views and reshapes as Tensor methods (reshape/view with -1, transposes, squeeze/unsqueeze, expand, narrow,
// flatten) and torch.cat / torch.stack. All are exact data movement; gradients move back the same way.
import { record, Tensor } from '../tensor';
import { normDim, numel, shapeText } from './args';
import { asTensor } from './scalar';

declare module '../tensor' {
  interface Tensor {
    readonly T: Tensor;
    readonly mT: Tensor;
    t(): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    swapaxes(dim0: number, dim1: number): Tensor;
    permute(...dims: (number | number[])[]): Tensor;
    reshape(...shape: (number | number[])[]): Tensor;
    view(...shape: (number | number[])[]): Tensor;
    view_as(other: Tensor): Tensor;
    reshape_as(other: Tensor): Tensor;
    flatten(start_dim?: number, end_dim?: number): Tensor;
    unflatten(dim: number, sizes: number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    squeeze(dim?: number): Tensor;
    expand(...sizes: (number | number[])[]): Tensor;
    expand_as(other: Tensor): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    contiguous(): Tensor;
    clone(): Tensor;
    repeat(...sizes: (number | number[])[]): Tensor;
  }
}

const P = Tensor.prototype;

function sizesOf(args: (number | number[])[]): number[] {
  return (args.length === 1 && Array.isArray(args[0]) ? args[0] : args) as number[];
}

/** Reshape to `shape` (one −1 inferred), with PyTorch's message when the sizes do not agree. */
export function reshapeTo(x: Tensor, target: readonly number[], gradFn = 'ViewBackward0'): Tensor {
  const shape = [...target];
  const unknown = shape.indexOf(-1);
  if (shape.filter((d) => d === -1).length > 1) throw new RangeError('only one dimension can be inferred');
  const known = numel(shape.filter((d) => d !== -1));
  if (unknown >= 0 && known > 0 && x.numel() % known === 0) shape[unknown] = x.numel() / known;
  if (numel(shape) !== x.numel() || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new RangeError(`shape '${shapeText(target)}' is invalid for input of size ${x.numel()}`);
  }
  if (shape.join() === x.shape.join()) return x;
  return record('reshape', [x], shape, x.dtype, shape, gradFn);
}

P.reshape = function (...shape) {
  return reshapeTo(this, sizesOf(shape), 'ReshapeAliasBackward0');
};
P.view = function (...shape) {
  return reshapeTo(this, sizesOf(shape));
};
P.view_as = function (other) {
  return reshapeTo(this, other.shape);
};
P.reshape_as = function (other) {
  return reshapeTo(this, other.shape);
};

export function permute(x: Tensor, dims: readonly number[], gradFn = 'PermuteBackward0'): Tensor {
  if (dims.length !== x.ndim) throw new RangeError(`permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${dims.length}`);
  const perm = dims.map((d) => normDim(d, x.ndim));
  if (new Set(perm).size !== perm.length) throw new RangeError('permute(): duplicate dims are not allowed.');
  if (perm.every((p, i) => p === i)) return x;
  return record('transpose', [x], perm, x.dtype, perm.map((p) => x.shape[p]), gradFn);
}

P.permute = function (...dims) {
  return permute(this, sizesOf(dims));
};
P.transpose = function (dim0, dim1) {
  const perm = [...Array(this.ndim).keys()];
  const [a, b] = [normDim(dim0, this.ndim), normDim(dim1, this.ndim)];
  [perm[a], perm[b]] = [perm[b], perm[a]];
  return this.ndim < 2 ? this : permute(this, perm, 'TransposeBackward0');
};
P.swapaxes = function (dim0, dim1) {
  return this.transpose(dim0, dim1);
};
P.t = function () {
  if (this.ndim > 2) throw new RangeError(`t() expects a tensor with <= 2 dimensions, but self is ${this.ndim}D`);
  return this.ndim < 2 ? this : permute(this, [1, 0], 'TBackward0');
};
Object.defineProperty(P, 'T', {
  get(this: Tensor) {
    return permute(this, [...Array(this.ndim).keys()].reverse(), 'PermuteBackward0');
  },
});
Object.defineProperty(P, 'mT', {
  get(this: Tensor) {
    if (this.ndim < 2) throw new RangeError('tensor.mT is only supported on matrices or batches of matrices. Got 1-D tensor.');
    return this.transpose(-2, -1);
  },
});

P.flatten = function (start = 0, end = -1) {
  if (this.ndim === 0) return reshapeTo(this, [1]);
  const s = normDim(start, this.ndim);
  const e = normDim(end, this.ndim);
  if (s > e) throw new RangeError('flatten() has invalid args: start_dim cannot come after end_dim');
  const shape = [...this.shape.slice(0, s), numel(this.shape.slice(s, e + 1)), ...this.shape.slice(e + 1)];
  return reshapeTo(this, shape);
};
P.unflatten = function (dim, sizes) {
  const d = normDim(dim, this.ndim);
  return reshapeTo(this, [...this.shape.slice(0, d), ...sizes, ...this.shape.slice(d + 1)]);
};
P.unsqueeze = function (dim) {
  const d = normDim(dim, this.ndim + 1);
  const shape = this.shape;
  shape.splice(d, 0, 1);
  return reshapeTo(this, shape, 'UnsqueezeBackward0');
};
P.squeeze = function (dim) {
  if (dim === undefined) return reshapeTo(this, this.shape.filter((s) => s !== 1), 'SqueezeBackward0');
  const d = normDim(dim, this.ndim);
  if (this.ndim === 0 || this.shape[d] !== 1) return this;
  return reshapeTo(this, this.shape.filter((_, i) => i !== d), 'SqueezeBackward1');
};

P.expand = function (...sizes) {
  const target = sizesOf(sizes);
  if (target.length < this.ndim) {
    throw new RangeError(`expand(torch.FloatTensor{[${this.shape.join(', ')}]}, size=[${target.join(', ')}]): the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${this.ndim})`);
  }
  const lead = target.length - this.ndim;
  const shape = target.map((s, i) => {
    const own = i < lead ? 1 : this.shape[i - lead];
    const want = s === -1 ? own : s;
    if (i < lead && s === -1) throw new RangeError(`expand: -1 is not allowed in a leading, non-existing dimension ${i}`);
    if (own !== 1 && own !== want) {
      throw new RangeError(`The expanded size of the tensor (${want}) must match the existing size (${own}) at non-singleton dimension ${i}.  Target sizes: [${target.join(', ')}].  Tensor sizes: [${this.shape.join(', ')}]`);
    }
    return want;
  });
  if (shape.join() === this.shape.join()) return this;
  return record('expand', [this], shape, this.dtype, shape, 'ExpandBackward0');
};
P.expand_as = function (other) {
  return this.expand(other.shape);
};

/** x[start : start + length] along `dim` (a contiguous slice). */
export function sliceAlong(x: Tensor, dim: number, start: number, end: number, gradFn = 'SliceBackward0'): Tensor {
  if (start === 0 && end === x.shape[dim]) return x;
  const shape = x.shape;
  shape[dim] = end - start;
  return record('slice', [x], { axis: dim, start, end }, x.dtype, shape, gradFn);
}

P.narrow = function (dim, start, length) {
  const d = normDim(dim, this.ndim);
  const size = this.shape[d];
  const s = start < 0 ? start + size : start;
  if (s < 0 || s > size) throw new RangeError(`start (${start}) is out of bounds for dimension ${d} with size ${size}`);
  if (length < 0 || s + length > size) throw new RangeError(`start (${s}) + length (${length}) exceeds dimension size (${size}).`);
  return sliceAlong(this, d, s, s + length);
};

P.contiguous = function () {
  return this;
};
P.clone = function () {
  return record('identity', [this], undefined, this.dtype, this.node.shape, 'CloneBackward0');
};
P.repeat = function (...sizes) {
  const reps = sizesOf(sizes);
  if (reps.length < this.ndim) throw new RangeError('Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  const lead = reps.length - this.ndim;
  const own = [...Array(lead).fill(1), ...this.shape];
  // [.., d, ..] → [.., 1, d, ..] expanded to [.., r, d, ..] → [.., r·d, ..]
  const inter = own.flatMap((d) => [1, d]);
  const expanded = own.flatMap((d, i) => [reps[i], d]);
  return reshapeTo(reshapeTo(this, inter).expand(expanded), own.map((d, i) => d * reps[i]), 'RepeatBackward0');
};

/** torch.cat(tensors, dim=0). */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('torch.cat(): expected a non-empty list of Tensors');
  const ts = tensors.map((t) => asTensor(t));
  const ref = ts.find((t) => !(t.ndim === 1 && t.numel() === 0)) ?? ts[0];
  const d = normDim(dim, ref.ndim);
  const dtype = ts.reduce((acc, t) => (t.dtype === 'float64' || acc === 'float64' ? 'float64' : acc === 'float32' || t.dtype === 'float32' ? 'float32' : acc === 'int64' || t.dtype === 'int64' ? 'int64' : 'bool'), ts[0].dtype);
  const parts = ts.filter((t) => !(t.ndim === 1 && t.numel() === 0 && ref.ndim !== 1)).map((t, i) => {
    if (t.ndim !== ref.ndim) throw new RangeError(`Tensors must have same number of dimensions: got ${ref.ndim} and ${t.ndim}`);
    t.shape.forEach((s, k) => {
      if (k !== d && s !== ref.shape[k]) throw new RangeError(`Sizes of tensors must match except in dimension ${d}. Expected size ${ref.shape[k]} but got size ${s} for tensor number ${i} in the list.`);
    });
    return t.cast(dtype);
  });
  if (parts.length === 1) return parts[0];
  const shape = ref.shape;
  shape[d] = parts.reduce((s, t) => s + t.shape[d], 0);
  return record('concat', parts, d, dtype, shape, 'CatBackward0');
}

/** torch.stack(tensors, dim=0): a new axis `dim`. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new RangeError('stack expects a non-empty TensorList');
  const ts = tensors.map((t) => asTensor(t));
  ts.forEach((t, i) => {
    if (t.shape.join() !== ts[0].shape.join()) throw new RangeError(`stack expects each tensor to be equal size, but got ${shapeText(ts[0].shape)} at entry 0 and ${shapeText(t.shape)} at entry ${i}`);
  });
  const d = normDim(dim, ts[0].ndim + 1);
  const out = cat(ts.map((t) => t.unsqueeze(d)), d);
  if (out.gradFn) out.gradFn = 'StackBackward0';
  return out;
}
