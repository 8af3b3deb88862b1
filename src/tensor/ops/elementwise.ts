// Elementwise ops with broadcasting (arithmetic, math functions, comparisons, logic, where/masked_fill) as
// Tensor methods, PyTorch's names and dtype rules.
import { isFloat, type DType } from '../dtype';
import { record, Tensor } from '../tensor';
import { broadcast } from './args';
import { asTensor, operands, scalarTensor, type TensorLike } from './scalar';

declare module '../tensor' {
  interface Tensor {
    add(other: TensorLike, options?: { alpha?: number }): Tensor;
    sub(other: TensorLike, options?: { alpha?: number }): Tensor;
    mul(other: TensorLike): Tensor;
    div(other: TensorLike, options?: { rounding_mode?: 'floor' | 'trunc' }): Tensor;
    pow(exponent: TensorLike): Tensor;
    rsub(other: TensorLike): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    sqrt(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    rsqrt(): Tensor;
    square(): Tensor;
    abs(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    reciprocal(): Tensor;
    clamp(min?: number | null | { min?: number; max?: number }, max?: number | null): Tensor;
    clip(min?: number | null, max?: number | null): Tensor;
    clamp_min(min: number): Tensor;
    clamp_max(max: number): Tensor;
    maximum(other: TensorLike): Tensor;
    minimum(other: TensorLike): Tensor;
    eq(other: TensorLike): Tensor;
    ne(other: TensorLike): Tensor;
    lt(other: TensorLike): Tensor;
    le(other: TensorLike): Tensor;
    gt(other: TensorLike): Tensor;
    ge(other: TensorLike): Tensor;
    logical_and(other: TensorLike): Tensor;
    logical_or(other: TensorLike): Tensor;
    logical_xor(other: TensorLike): Tensor;
    logical_not(): Tensor;
    masked_fill(mask: Tensor, value: number | Tensor): Tensor;
    where(condition: Tensor, other: TensorLike): Tensor;
  }
}

const P = Tensor.prototype;

function binary(op: string, a: Tensor, b: TensorLike, gradFn: string, floatOnly = false): Tensor {
  let [x, y, d] = operands(a, b);
  if (floatOnly && !isFloat(d)) {
    [x, y, d] = [x.cast('float32'), y.cast('float32'), 'float32'];
  }
  return record(op, [x, y], undefined, d, broadcast(x.shape, y.shape), gradFn);
}

P.add = function (other, options = {}) {
  const o = options.alpha !== undefined && options.alpha !== 1 ? asTensor(other).mul(options.alpha) : other;
  return binary('add', this, o, 'AddBackward0');
};
P.sub = function (other, options = {}) {
  const o = options.alpha !== undefined && options.alpha !== 1 ? asTensor(other).mul(options.alpha) : other;
  return binary('sub', this, o, 'SubBackward0');
};
P.rsub = function (other) {
  const [x, y, d] = operands(this, other);
  return record('sub', [y, x], undefined, d, broadcast(x.shape, y.shape), 'RsubBackward1');
};
P.mul = function (other) {
  return binary('mul', this, other, 'MulBackward0');
};
P.div = function (other, options = {}) {
  if (options.rounding_mode) {
    const q = binary('div', this, other, 'DivBackward0', true);
    const [, , d] = operands(this, other);
    const rounded = record(options.rounding_mode === 'floor' ? 'floor' : 'trunc', [q], undefined, q.dtype, q.shape);
    return rounded.cast(d);
  }
  return binary('div', this, other, 'DivBackward0', true);
};
P.pow = function (exponent) {
  if (typeof exponent === 'number' && isFloat(this.dtype)) return record('powScalar', [this], exponent, this.dtype, this.node.shape, 'PowBackward0');
  return binary('pow', this, exponent, 'PowBackward1');
};

function unary(op: string, gradFn: string | undefined, floatOnly = true) {
  return function (this: Tensor): Tensor {
    const x = floatOnly && !isFloat(this.dtype) ? this.cast('float32') : this;
    return record(op, [x], undefined, x.dtype, x.node.shape, gradFn);
  };
}

P.neg = function () {
  if (this.dtype === 'bool') throw new TypeError('Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, use the `~` or `logical_not()` operator instead.');
  return record('neg', [this], undefined, this.dtype, this.node.shape, 'NegBackward0');
};
P.exp = unary('exp', 'ExpBackward0');
P.log = unary('log', 'LogBackward0');
P.log1p = unary('log1p', 'Log1PBackward0');
P.sqrt = unary('sqrt', 'SqrtBackward0');
P.sin = unary('sin', 'SinBackward0');
P.cos = unary('cos', 'CosBackward0');
P.sigmoid = unary('sigmoid', 'SigmoidBackward0');
P.tanh = unary('tanh', 'TanhBackward0');
P.abs = function () {
  return record('abs', [this], undefined, this.dtype, this.node.shape, 'AbsBackward0');
};
P.relu = function () {
  return record('relu', [this], undefined, this.dtype, this.node.shape, 'ReluBackward0');
};
P.rsqrt = function () {
  return this.sqrt().reciprocal();
};
P.reciprocal = function () {
  const x = isFloat(this.dtype) ? this : this.cast('float32');
  return scalarTensor(1, x.dtype).expand_as(x).div(x);
};
P.square = function () {
  return this.mul(this);
};

P.clamp = function (min, max) {
  const o = typeof min === 'object' && min !== null ? min : { min: min ?? undefined, max: max ?? undefined };
  if (o.min === undefined && o.max === undefined) throw new Error("torch.clamp: At least one of 'min' or 'max' must not be None");
  const x = this.dtype === 'bool' ? this.cast('int64') : this;
  const d: DType = !isFloat(x.dtype) && [o.min, o.max].some((v) => v !== undefined && !Number.isInteger(v)) ? 'float32' : x.dtype;
  const y = x.cast(d);
  return record('clamp', [y], { min: o.min, max: o.max }, d, y.node.shape, 'ClampBackward1');
};
P.clip = function (min, max) {
  return this.clamp(min, max);
};
P.clamp_min = function (min) {
  return this.clamp(min, null);
};
P.clamp_max = function (max) {
  return this.clamp(null, max);
};
P.maximum = function (other) {
  const [x, y] = operands(this, other);
  return where(x.gt(y).logical_or(x.ne(x)), x, y);
};
P.minimum = function (other) {
  const [x, y] = operands(this, other);
  return where(x.lt(y).logical_or(x.ne(x)), x, y);
};

function compare(op: string) {
  return function (this: Tensor, other: TensorLike): Tensor {
    const [x, y] = operands(this, other);
    return record(op, [x, y], undefined, 'bool', broadcast(x.shape, y.shape));
  };
}
P.eq = compare('eq');
P.ne = compare('ne');
P.lt = compare('lt');
P.le = compare('le');
P.gt = compare('gt');
P.ge = compare('ge');

function logical(op: string) {
  return function (this: Tensor, other: TensorLike): Tensor {
    const a = this.bool();
    const b = asTensor(other).bool();
    return record(op, [a, b], undefined, 'bool', broadcast(a.shape, b.shape));
  };
}
P.logical_and = logical('and');
P.logical_or = logical('or');
P.logical_xor = logical('xor');
P.logical_not = function () {
  return record('not', [this.bool()], undefined, 'bool', this.node.shape);
};

/** where(condition, this, other): this where condition holds, else other. */
P.where = function (condition, other) {
  return where(condition, this, other);
};

export function where(condition: Tensor, input: TensorLike, other: TensorLike): Tensor {
  const c = asTensor(condition, 'condition');
  if (c.dtype !== 'bool') throw new TypeError(`where expected condition to be a boolean tensor, but got a tensor with dtype ${c.dtype}`);
  let x: Tensor, y: Tensor, d: DType;
  if (typeof input !== 'number' && typeof input !== 'boolean') {
    [x, y, d] = operands(asTensor(input), other);
  } else if (typeof other !== 'number' && typeof other !== 'boolean') {
    [y, x, d] = operands(asTensor(other), input);
  } else {
    d = typeof input === 'boolean' && typeof other === 'boolean' ? 'bool' : Number.isInteger(input) && Number.isInteger(other) ? 'int64' : 'float32';
    [x, y] = [scalarTensor(input, d), scalarTensor(other, d)];
  }
  const shape = broadcast(c.shape, broadcast(x.shape, y.shape));
  return record('where', [c, x, y], undefined, d, shape, 'WhereBackward0');
}

P.masked_fill = function (mask, value) {
  const m = asTensor(mask, 'mask');
  if (m.dtype !== 'bool') throw new TypeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${m.dtype}`);
  broadcast(this.shape, m.shape);
  const v = value instanceof Tensor ? value.cast(this.dtype) : scalarTensor(value, this.dtype);
  if (v.numel() !== 1) throw new RangeError(`masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${v.ndim} dimension(s).`);
  return where(m, v, this);
};
