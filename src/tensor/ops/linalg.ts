// matmul (1-D, 2-D and batched with broadcast batch dims, as torch.matmul), mm, bmm, dot and the softmax
// family as Tensor methods.
import { isFloat } from '../dtype';
import { record, Tensor } from '../tensor';
import { broadcast, normDim, shapeText, splitOptions } from './args';
import { asTensor, type TensorLike } from './scalar';
import { reshapeTo } from './shape';

declare module '../tensor' {
  interface Tensor {
    matmul(other: TensorLike): Tensor;
    mm(other: TensorLike): Tensor;
    bmm(other: TensorLike): Tensor;
    dot(other: TensorLike): Tensor;
    softmax(dim: number | { dim: number }): Tensor;
    log_softmax(dim: number | { dim: number }): Tensor;
  }
}

const P = Tensor.prototype;

export function matmul(aIn: TensorLike, bIn: TensorLike): Tensor {
  const a = asTensor(aIn);
  const b = asTensor(bIn, 'other');
  if (a.ndim === 0 || b.ndim === 0) throw new RangeError(`both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  if (a.dtype !== b.dtype) throw new TypeError(`expected m1 and m2 to have the same dtype, but got: ${a.dtype} != ${b.dtype}`);
  if (a.ndim === 1 && b.ndim === 1) {
    if (a.shape[0] !== b.shape[0]) throw new RangeError(`inconsistent tensor size, expected tensor [${a.shape[0]}] and src [${b.shape[0]}] to have the same number of elements, but got ${a.shape[0]} and ${b.shape[0]} elements respectively`);
    return reshapeTo(matmul(reshapeTo(a, [1, a.shape[0]]), reshapeTo(b, [b.shape[0], 1])), [], 'DotBackward0');
  }
  const A = a.ndim === 1 ? reshapeTo(a, [1, a.shape[0]]) : a;
  const B = b.ndim === 1 ? reshapeTo(b, [b.shape[0], 1]) : b;
  const [n, k] = A.shape.slice(-2);
  const [k2, m] = B.shape.slice(-2);
  if (k !== k2) {
    if (a.ndim <= 2 && b.ndim <= 2) {
      const text = (t: Tensor) => (t.ndim === 1 ? `1x${t.shape[0]}` : `${t.shape[0]}x${t.shape[1]}`);
      throw new RangeError(a.ndim === 2 && b.ndim === 1
        ? `size mismatch, got input (${a.shape[0]}), mat (${a.shape[0]}x${a.shape[1]}), vec (${b.shape[0]})`
        : `mat1 and mat2 shapes cannot be multiplied (${text(A)} and ${b.ndim === 1 ? `${b.shape[0]}x1` : text(b)})`);
    }
    throw new RangeError(`Expected size for first two dimensions of batch2 tensor to be: [${shapeText(A.shape.slice(0, -2))}, ${k}] but got: [${shapeText(B.shape.slice(0, -2))}, ${k2}].`);
  }
  const batch = broadcast(A.shape.slice(0, -2), B.shape.slice(0, -2));
  const Ab = batch.length ? A.expand([...batch, n, k]) : A;
  const Bb = batch.length ? B.expand([...batch, k, m]) : B;
  const gradFn = a.ndim === 2 && b.ndim === 2 ? 'MmBackward0' : a.ndim >= 3 || b.ndim >= 3 ? 'BmmBackward0' : 'MvBackward0';
  let out = record('matmul', [Ab, Bb], undefined, a.dtype, [...batch, n, m], gradFn);
  if (a.ndim === 1) out = reshapeTo(out, [...batch, m], gradFn);
  else if (b.ndim === 1) out = reshapeTo(out, [...batch, n], gradFn);
  return out;
}

P.matmul = function (other) {
  return matmul(this, other);
};
P.mm = function (other) {
  const b = asTensor(other);
  if (this.ndim !== 2) throw new RangeError('self must be a matrix');
  if (b.ndim !== 2) throw new RangeError('mat2 must be a matrix');
  return matmul(this, b);
};
P.bmm = function (other) {
  const b = asTensor(other);
  if (this.ndim !== 3) throw new RangeError('batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new RangeError('batch2 must be a 3D tensor');
  return matmul(this, b);
};
P.dot = function (other) {
  const b = asTensor(other);
  if (this.ndim !== 1 || b.ndim !== 1) throw new RangeError(`1D tensors expected, but got ${this.ndim}D and ${b.ndim}D tensors`);
  return matmul(this, b);
};

function softmaxOf(op: 'softmax' | 'log_softmax', gradFn: string) {
  return (x: Tensor, ...args: unknown[]): Tensor => {
    const [pos, options] = splitOptions(args);
    const dim = (pos[0] ?? options.dim) as number | undefined;
    if (dim === undefined) throw new TypeError(`${op}() missing required argument 'dim'`);
    const t = isFloat(x.dtype) ? x : x.cast('float32');
    if (t.ndim === 0) return record(op, [reshapeTo(t, [1])], 0, t.dtype, [1], gradFn).reshape([]);
    return record(op, [t], normDim(dim, t.ndim), t.dtype, t.shape, gradFn);
  };
}
export const softmax = softmaxOf('softmax', 'SoftmaxBackward0');
export const logSoftmax = softmaxOf('log_softmax', 'LogSoftmaxBackward0');

P.softmax = function (dim) {
  return softmax(this, dim);
};
P.log_softmax = function (dim) {
  return logSoftmax(this, dim);
};
