// torch.* creation functions: tensor, zeros, ones, full, arange, linspace, eye, rand, randn, randint,
// manual_seed, *_like, triu, tril, isin. Random values come from a seeded generator (reproducible after
// manual_seed; not PyTorch's stream); every other value is computed on the engine.
import { rng } from '../../engine/training/data';
import { memoryBudget } from '../../engine/tensors';
import { dtypeOf, ITEM_SIZE, type DType } from '../dtype';
import { Node } from '../node';
import { fromData, record, Tensor } from '../tensor';
import { shapeArgs, splitOptions, type Options } from './args';
import { asTensor, tensorFrom } from './scalar';
import { reshapeTo } from './shape';

interface CreateOptions {
  dtype?: DType | string;
  requires_grad?: boolean;
}

function finish(t: Tensor, options: Options): Tensor {
  return options.requires_grad ? t.requires_grad_() : t;
}

function dtypeOption(options: Options, fallback: DType): DType {
  return options.dtype === undefined || options.dtype === null ? fallback : dtypeOf(options.dtype);
}

function checkSize(shape: number[], dtype: DType, what: string): void {
  const bytes = shape.reduce((a, b) => a * b, 1) * ITEM_SIZE[dtype];
  if (bytes > memoryBudget()) throw new RangeError(`${what}(): a tensor of shape [${shape.join(', ')}] needs ${(bytes / 2 ** 30).toFixed(1)} GiB, more than the ${(memoryBudget() / 2 ** 30).toFixed(1)} GiB the engine may use`);
}

export function full(shape: number[], value: number | boolean, dtype: DType): Tensor {
  checkSize(shape, dtype, 'full');
  return new Tensor(new Node('full', [], { value: Number(value), dtype, shape }, dtype, shape, false));
}

/** torch.tensor(data, { dtype, requires_grad }). */
export function tensor(data: unknown, options: CreateOptions = {}): Tensor {
  const dtype = options.dtype === undefined ? undefined : dtypeOf(options.dtype);
  return tensorFrom(data, dtype, Boolean(options.requires_grad));
}

function filled(name: string, value: number) {
  return (...args: unknown[]): Tensor => {
    const [pos, options] = splitOptions(args);
    return finish(full(shapeArgs(pos, name), value, dtypeOption(options, 'float32')), options);
  };
}

export const zeros = filled('zeros', 0);
export const ones = filled('ones', 1);

export function fullOf(size: number[], fillValue: number | boolean, options: CreateOptions = {}): Tensor {
  const fallback = typeof fillValue === 'boolean' ? 'bool' : Number.isInteger(fillValue) ? 'int64' : 'float32';
  return finish(full(shapeArgs([size], 'full'), fillValue, dtypeOption(options as Options, fallback)), options as Options);
}

function likeOf(name: string, value: (t: Tensor) => number) {
  return (input: Tensor, options: CreateOptions = {}): Tensor => {
    const t = asTensor(input);
    return finish(full(t.shape, value(t), dtypeOption(options as Options, t.dtype)), options as Options);
  };
}
export const zeros_like = likeOf('zeros_like', () => 0);
export const ones_like = likeOf('ones_like', () => 1);
export function full_like(input: Tensor, fillValue: number, options: CreateOptions = {}): Tensor {
  const t = asTensor(input);
  return finish(full(t.shape, fillValue, dtypeOption(options as Options, t.dtype)), options as Options);
}

/** arange(end), arange(start, end), arange(start, end, step). */
export function arange(...args: unknown[]): Tensor {
  const [pos, options] = splitOptions(args);
  const nums = pos as number[];
  const [start, end, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (![start, end, step].every((v) => typeof v === 'number' && Number.isFinite(v))) throw new TypeError('arange(): start, end and step must be finite numbers');
  if (step === 0) throw new RangeError('step must be nonzero');
  if ((end - start) / step < 0) throw new RangeError('upper bound and larger bound inconsistent with step sign');
  const n = Math.ceil((end - start) / step);
  const dtype = dtypeOption(options, [start, end, step].every(Number.isInteger) ? 'int64' : 'float32');
  checkSize([n], dtype, 'arange');
  return finish(new Tensor(new Node('arange', [], { start, step, n, dtype }, dtype, [n], false)), options);
}

export function linspace(start: number, end: number, steps: number, options: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError('linspace(): number of steps must be non-negative');
  const dtype = dtypeOption(options as Options, 'float32');
  return finish(new Tensor(new Node('linspace', [], { start, end, steps, dtype }, dtype, [steps], false)), options as Options);
}

export function eye(n: number, ...rest: unknown[]): Tensor {
  const [pos, options] = splitOptions(rest);
  const m = (pos[0] as number | undefined) ?? n;
  const dtype = dtypeOption(options, 'float32');
  shapeArgs([n, m], 'eye');
  return finish(new Tensor(new Node('eye', [], { n, m, dtype }, dtype, [n, m], false)), options);
}

let random = rng(0x5eed);

/** Seeds rand/randn/randint/randperm and nn's initializations (reproducible runs). */
export function manual_seed(seed: number): void {
  random = rng(Math.trunc(seed) ^ 0x5eed);
}

/** U[0, 1) draws; also used by nn's initializers. */
export function uniformValues(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => random());
}

function normalValues(n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    // Box–Muller: two independent standard normals from two uniforms.
    const u = 1 - random();
    const v = random();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

function randomOf(name: string, values: (n: number) => Float32Array) {
  return (...args: unknown[]): Tensor => {
    const [pos, options] = splitOptions(args);
    const shape = shapeArgs(pos, name);
    const dtype = dtypeOption(options, 'float32');
    checkSize(shape, dtype, name);
    const t = fromData('float32', shape, values(shape.reduce((a, b) => a * b, 1)));
    return finish(dtype === 'float32' ? t : t.cast(dtype), options);
  };
}
export const rand = randomOf('rand', uniformValues);
export const randn = randomOf('randn', normalValues);
export const rand_like = (t: Tensor, options: CreateOptions = {}) => rand(t.shape, { dtype: t.dtype, ...options });
export const randn_like = (t: Tensor, options: CreateOptions = {}) => randn(t.shape, { dtype: t.dtype, ...options });

/** randint(high, size) or randint(low, high, size): int64 in [low, high). */
export function randint(...args: unknown[]): Tensor {
  const [pos, options] = splitOptions(args);
  const [low, high, size] = pos.length === 2 ? [0, pos[0] as number, pos[1] as number[]] : (pos as [number, number, number[]]);
  if (!Array.isArray(size)) throw new TypeError('randint(): size must be a list, e.g. randint(0, 10, [3])');
  if (!(high > low)) throw new RangeError(`random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const n = size.reduce((a, b) => a * b, 1);
  const data = BigInt64Array.from({ length: n }, () => BigInt(low + Math.floor(random() * (high - low))));
  const t = fromData('int64', size, data);
  return options.dtype ? t.cast(dtypeOf(options.dtype)) : t;
}

export function randperm(n: number): Tensor {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return fromData('int64', [n], BigInt64Array.from(order, BigInt));
}

function triangle(upper: boolean) {
  return (input: Tensor, diagonal = 0): Tensor => {
    const t = asTensor(input);
    if (t.ndim < 2) throw new RangeError(`${upper ? 'triu' : 'tril'}: input tensor must have at least 2 dimensions`);
    return record('trilu', [t], { upper, k: diagonal }, t.dtype, t.shape, upper ? 'TriuBackward0' : 'TrilBackward0');
  };
}
export const triu = triangle(true);
export const tril = triangle(false);

/** isin(elements, test_elements): whether each element occurs among test_elements. */
export function isin(elements: Tensor | number, testElements: Tensor | number[] | number, options: { invert?: boolean } = {}): Tensor {
  const x = asTensor(elements);
  const values = reshapeTo(asTensor(testElements as Tensor), [-1]);
  const hit = x.unsqueeze(-1).eq(values).any(-1);
  return options.invert ? hit.logical_not() : hit;
}
