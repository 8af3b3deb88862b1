// In-place Tensor methods (zero_, fill_, copy_, add_, sub_, mul_, div_, clamp_, masked_fill_): each computes
// the new value lazily and gives the tensor that value (Tensor.assign).
import { record, Tensor } from '../tensor';
import { broadcast } from './args';
import { asTensor, scalarTensor, type TensorLike } from './scalar';

declare module '../tensor' {
  interface Tensor {
    zero_(): this;
    fill_(value: number | boolean | Tensor): this;
    copy_(src: TensorLike): this;
    add_(other: TensorLike, options?: { alpha?: number }): this;
    sub_(other: TensorLike, options?: { alpha?: number }): this;
    mul_(other: TensorLike): this;
    div_(other: TensorLike): this;
    clamp_(min?: number | null, max?: number | null): this;
    masked_fill_(mask: Tensor, value: number | Tensor): this;
  }
}

const P = Tensor.prototype;

/** The value `v` broadcast to this tensor's shape and dtype (an in-place result cannot change either). */
function sameAs(t: Tensor, v: Tensor, op: string): Tensor {
  const shape = broadcast(t.shape, v.shape);
  if (shape.join() !== t.shape.join()) throw new RangeError(`output with shape [${t.shape.join(', ')}] doesn't match the broadcast shape [${shape.join(', ')}]`);
  if (v.dtype !== t.dtype && t.dtype !== 'float64' && !(t.dtype === 'float32' && v.dtype !== 'float64') && op !== 'copy_') {
    throw new TypeError(`result type ${v.dtype === 'float32' ? 'Float' : v.dtype} can't be cast to the desired output type ${t.dtype === 'int64' ? 'Long' : t.dtype}`);
  }
  const cast = v.cast(t.dtype);
  return cast.shape.join() === t.shape.join() ? cast : cast.expand(t.shape);
}

P.zero_ = function () {
  return this.assign(record('full', [], { value: 0, dtype: this.dtype, shape: this.shape }, this.dtype, this.shape).node);
};
P.fill_ = function (value) {
  const v = value instanceof Tensor ? value : scalarTensor(value, this.dtype);
  return this.assign(sameAs(this, v, 'fill_').node);
};
P.copy_ = function (src) {
  return this.assign(sameAs(this, asTensor(src), 'copy_').node);
};
P.add_ = function (other, options) {
  return this.assign(sameAs(this, this.add(other, options), 'add_').node);
};
P.sub_ = function (other, options) {
  return this.assign(sameAs(this, this.sub(other, options), 'sub_').node);
};
P.mul_ = function (other) {
  return this.assign(sameAs(this, this.mul(other), 'mul_').node);
};
P.div_ = function (other) {
  return this.assign(sameAs(this, this.div(other), 'div_').node);
};
P.clamp_ = function (min, max) {
  return this.assign(sameAs(this, this.clamp(min, max), 'clamp_').node);
};
P.masked_fill_ = function (mask, value) {
  return this.assign(sameAs(this, this.masked_fill(mask, value), 'masked_fill_').node);
};
