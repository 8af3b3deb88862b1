// Reductions as Tensor methods: sum mean amax amin logsumexp any all std var (dim: a number, a list or all;
// { keepdim }), max/min (→ { values, indices } along a dim), argmax argmin, topk, norm.
import { isFloat, type DType } from '../dtype';
import { record, Tensor } from '../tensor';
import { dimList, isOptions, normDim, numel, splitOptions, type Options } from './args';
import { reshapeTo } from './shape';

/** values and indices of max/min/topk (also destructurable: `const [values, indices] = x.max(1)`). */
export class ValuesIndices {
  constructor(readonly values: Tensor, readonly indices: Tensor) {}
  *[Symbol.iterator](): Iterator<Tensor> {
    yield this.values;
    yield this.indices;
  }
  get 0(): Tensor {
    return this.values;
  }
  get 1(): Tensor {
    return this.indices;
  }
}

type DimArg = number | number[] | null | Options;

declare module '../tensor' {
  interface Tensor {
    sum(dim?: DimArg, options?: { keepdim?: boolean; dtype?: DType }): Tensor;
    mean(dim?: DimArg, options?: { keepdim?: boolean; dtype?: DType }): Tensor;
    amax(dim?: DimArg, options?: { keepdim?: boolean }): Tensor;
    amin(dim?: DimArg, options?: { keepdim?: boolean }): Tensor;
    logsumexp(dim: DimArg, options?: { keepdim?: boolean }): Tensor;
    any(dim?: DimArg, options?: { keepdim?: boolean }): Tensor;
    all(dim?: DimArg, options?: { keepdim?: boolean }): Tensor;
    var(dim?: DimArg | boolean, options?: { keepdim?: boolean; correction?: number; unbiased?: boolean }): Tensor;
    std(dim?: DimArg | boolean, options?: { keepdim?: boolean; correction?: number; unbiased?: boolean }): Tensor;
    max(): Tensor;
    max(other: Tensor): Tensor;
    max(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
    min(): Tensor;
    min(other: Tensor): Tensor;
    min(dim: number, options?: { keepdim?: boolean }): ValuesIndices;
    argmax(dim?: number | null | Options, options?: { keepdim?: boolean }): Tensor;
    argmin(dim?: number | null | Options, options?: { keepdim?: boolean }): Tensor;
    topk(k: number, dim?: number | Options, largest?: boolean, sorted?: boolean): ValuesIndices;
    norm(p?: number | Options, dim?: DimArg, options?: { keepdim?: boolean }): Tensor;
  }
}

const P = Tensor.prototype;

/** (dim?, { keepdim, dim }) as PyTorch takes them. */
function dimArgs(x: Tensor, args: unknown[]): { dims: number[]; keepdim: boolean; options: Options; all: boolean } {
  const [pos, options] = splitOptions(args);
  const dim = pos[0] ?? options.dim;
  const keepdim = Boolean(pos[1] ?? options.keepdim ?? false);
  const all = dim === undefined || dim === null || (Array.isArray(dim) && dim.length === 0);
  return { dims: all ? [...Array(x.ndim).keys()] : dimList(dim, x.ndim), keepdim, options, all };
}

function reducedShape(x: Tensor, dims: number[], keepdim: boolean): number[] {
  return keepdim ? x.shape.map((d, i) => (dims.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !dims.includes(i));
}

function reduction(op: string, x: Tensor, dims: number[], keepdim: boolean, dtype: DType, gradFn: string): Tensor {
  return record(op, [x], { axes: dims, keepdim }, dtype, reducedShape(x, dims, keepdim), gradFn);
}

P.sum = function (...args: unknown[]) {
  const { dims, keepdim, options, all } = dimArgs(this, args);
  const dtype = (options.dtype as DType | undefined) ?? (isFloat(this.dtype) ? this.dtype : 'int64');
  return reduction('sum', this.cast(dtype), dims, keepdim, dtype, all ? 'SumBackward0' : 'SumBackward1');
};

P.mean = function (...args: unknown[]) {
  const { dims, keepdim, options, all } = dimArgs(this, args);
  const dtype = (options.dtype as DType | undefined) ?? this.dtype;
  if (!isFloat(dtype)) throw new TypeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${this.dtype === 'int64' ? 'Long' : 'Bool'}`);
  const count = numel(dims.map((d) => this.shape[d]));
  const total = reduction('sum', this.cast(dtype), dims, keepdim, dtype, all ? 'MeanBackward0' : 'MeanBackward1');
  const out = total.div(count);
  out.gradFn = total.gradFn;
  return out;
};

function extreme(op: 'amax' | 'amin', gradFn: string) {
  return function (this: Tensor, ...args: unknown[]): Tensor {
    const { dims, keepdim } = dimArgs(this, args);
    for (const d of dims) if (this.shape[d] === 0) throw new RangeError(`${op}(): Expected reduction dim ${d} to have non-zero size.`);
    const x = this.dtype === 'bool' ? this.cast('int64') : this;
    const out = reduction(op, x, dims, keepdim, x.dtype, gradFn);
    return this.dtype === 'bool' ? out.cast('bool') : out;
  };
}
P.amax = extreme('amax', 'AmaxBackward0');
P.amin = extreme('amin', 'AminBackward0');

P.logsumexp = function (...args: unknown[]) {
  const { dims, keepdim } = dimArgs(this, args);
  const x = isFloat(this.dtype) ? this : this.cast('float32');
  return reduction('logsumexp', x, dims, keepdim, x.dtype, 'LogsumexpBackward0');
};

P.any = function (...args: unknown[]) {
  const { dims, keepdim } = dimArgs(this, args);
  return this.ne(0).cast('int64').sum(dims, { keepdim }).gt(0);
};
P.all = function (...args: unknown[]) {
  const { dims, keepdim } = dimArgs(this, args);
  return this.eq(0).cast('int64').sum(dims, { keepdim }).eq(0);
};

/** Bessel-corrected variance: Σ(x − mean)² / (N − correction); `unbiased: false` is correction 0. */
function variance(x: Tensor, args: unknown[]): { v: Tensor; all: boolean } {
  const unbiasedFirst = typeof args[0] === 'boolean';
  const { dims, keepdim, options, all } = dimArgs(x, unbiasedFirst ? [{ ...(isOptions(args[1]) ? args[1] : {}), unbiased: args[0] }] : args);
  const correction = options.correction !== undefined ? Number(options.correction) : options.unbiased === false ? 0 : 1;
  if (!isFloat(x.dtype)) throw new TypeError(`std and var only support floating point and complex dtypes`);
  const n = numel(dims.map((d) => x.shape[d]));
  const centered = x.sub(x.mean(dims, { keepdim: true }));
  const v = centered.mul(centered).sum(dims, { keepdim }).div(Math.max(0, n - correction));
  return { v, all };
}
P.var = function (...args: unknown[]) {
  const { v, all } = variance(this, args);
  v.gradFn = v.requires_grad ? (all ? 'VarBackward0' : 'VarBackward0') : undefined;
  return v;
};
P.std = function (...args: unknown[]) {
  const s = variance(this, args).v.sqrt();
  if (s.requires_grad) s.gradFn = 'StdBackward0';
  return s;
};

function argExtreme(kind: 'argmax' | 'argmin') {
  return function (this: Tensor, ...args: unknown[]): Tensor {
    const [pos, options] = splitOptions(args);
    const dim = (pos[0] ?? options.dim) as number | null | undefined;
    const keepdim = Boolean(pos[1] ?? options.keepdim ?? false);
    const x = this.dtype === 'bool' ? this.cast('int64') : this;
    if (dim === undefined || dim === null) {
      if (x.numel() === 0) throw new RangeError(`${kind}(): Expected reduction dim to be specified for input.numel() == 0.`);
      const flat = reshapeTo(x, [x.numel()]);
      const out = record(kind, [flat], { axis: 0, keepdim: false }, 'int64', []);
      return keepdim ? reshapeTo(out, x.shape.map(() => 1)) : out;
    }
    const d = normDim(dim, x.ndim);
    if (x.ndim === 0) return record('full', [], { value: 0, dtype: 'int64', shape: [] }, 'int64', []);
    return record(kind, [x], { axis: d, keepdim }, 'int64', reducedShape(x, [d], keepdim));
  };
}
P.argmax = argExtreme('argmax');
P.argmin = argExtreme('argmin');

function maxMin(kind: 'max' | 'min') {
  return function (this: Tensor, ...args: unknown[]): Tensor | ValuesIndices {
    const [pos, options] = splitOptions(args);
    if (pos[0] instanceof Tensor) return kind === 'max' ? this.maximum(pos[0]) : this.minimum(pos[0]);
    const dim = (pos[0] ?? options.dim) as number | undefined;
    if (dim === undefined) {
      if (this.numel() === 0) throw new RangeError(`${kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
      const out = kind === 'max' ? this.amax() : this.amin();
      if (out.requires_grad) out.gradFn = kind === 'max' ? 'MaxBackward1' : 'MinBackward1';
      return out;
    }
    const keepdim = Boolean(pos[1] ?? options.keepdim ?? false);
    const d = normDim(dim, this.ndim);
    const indices = (kind === 'max' ? this.argmax(d, { keepdim: true }) : this.argmin(d, { keepdim: true }));
    const values = this.gather(d, indices);
    const squeeze = (t: Tensor) => (keepdim ? t : reshapeTo(t, reducedShape(this, [d], false)));
    const v = squeeze(values);
    if (v.requires_grad) v.gradFn = kind === 'max' ? 'MaxBackward0' : 'MinBackward0';
    return new ValuesIndices(v, squeeze(indices));
  };
}
P.max = maxMin('max') as Tensor['max'];
P.min = maxMin('min') as Tensor['min'];

P.topk = function (k: number, ...rest: unknown[]) {
  const [pos, options] = splitOptions(rest);
  const dim = normDim(((pos[0] ?? options.dim ?? -1) as number), this.ndim);
  const largest = (pos[1] ?? options.largest ?? true) as boolean;
  const size = this.ndim === 0 ? 1 : this.shape[dim];
  if (!Number.isInteger(k) || k < 0 || k > size) throw new RangeError(`selected index k out of range`);
  const indices = record('topk', [this], { k, axis: dim, largest }, 'int64', this.shape.map((s, i) => (i === dim ? k : s)));
  const values = this.gather(dim, indices);
  if (values.requires_grad) values.gradFn = 'TopkBackward0';
  return new ValuesIndices(values, indices);
};

P.norm = function (...args: unknown[]) {
  const [pos, options] = splitOptions(args);
  const p = (pos[0] ?? options.p ?? 2) as number;
  const rest = [pos[1] ?? options.dim ?? null, { keepdim: pos[2] ?? options.keepdim ?? false }];
  const x = isFloat(this.dtype) ? this : this.cast('float32');
  let out: Tensor;
  if (p === Infinity) out = x.abs().amax(...(rest as [number]));
  else if (p === 2) out = x.mul(x).sum(...(rest as [number])).sqrt();
  else if (p === 1) out = x.abs().sum(...(rest as [number]));
  else out = x.abs().pow(p).sum(...(rest as [number])).pow(1 / p);
  if (out.requires_grad) out.gradFn = 'NormBackward1';
  return out;
};
