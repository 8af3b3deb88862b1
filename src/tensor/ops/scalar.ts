// Turning what a cell passes (numbers, booleans, nested lists, tensors) into tensors.
import { hostArray, inferDType, promote, promoteScalar, type DType } from '../dtype';
import { Node } from '../node';
import { fromData, record, Tensor } from '../tensor';
import { shapeText } from './args';

export type TensorLike = Tensor | number | boolean | unknown[];

/** The shape of a nested list (rectangular, else PyTorch's error). */
export function nestedShape(value: unknown): number[] {
  if (!Array.isArray(value)) return [];
  const inner = value.length ? nestedShape(value[0]) : [];
  for (let i = 1; i < value.length; i++) {
    const s = nestedShape(value[i]);
    if (s.join() !== inner.join()) throw new RangeError(`expected sequence of length ${inner[0] ?? 0} at dim 1 (got ${s[0] ?? 0})`);
  }
  return [value.length, ...inner];
}

/** torch.tensor(data, { dtype, requires_grad }). */
export function tensorFrom(data: unknown, dtype?: DType, requiresGrad = false): Tensor {
  if (data instanceof Tensor) {
    const t = data.detach().cast(dtype ?? data.dtype);
    return requiresGrad ? t.clone().requires_grad_() : t;
  }
  const shape = nestedShape(data);
  const flat = (Array.isArray(data) ? (data as unknown[]).flat(Infinity) : [data]) as (number | boolean)[];
  for (const v of flat) {
    if (typeof v !== 'number' && typeof v !== 'boolean') throw new TypeError(`torch.tensor(): expected numbers, booleans or nested lists of them, got ${typeof v === 'string' ? `'${v}'` : String(v)}`);
  }
  const d = dtype ?? inferDType(flat);
  return fromData(d, shape, hostArray(d, flat), requiresGrad);
}

/** A 0-dim constant of dtype `dtype` (recorded as an op, so its value is part of the graph). */
export function scalarTensor(value: number | boolean, dtype: DType): Tensor {
  return new Tensor(new Node('full', [], { value: Number(value), dtype, shape: [] }, dtype, [], false));
}

/** The operand `b` of an op on `a`, and the dtype both take (PyTorch's result_type). */
export function operands(a: Tensor, b: TensorLike): [Tensor, Tensor, DType] {
  if (typeof b === 'number' || typeof b === 'boolean') {
    const d = promoteScalar(a.dtype, b);
    return [a.cast(d), scalarTensor(b, d), d];
  }
  const t = b instanceof Tensor ? b : tensorFrom(b);
  const d = promote(a.dtype, t.dtype);
  return [a.cast(d), t.cast(d), d];
}

export function asTensor(x: TensorLike, what = 'input'): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x)) return tensorFrom(x);
  throw new TypeError(`${what} must be a Tensor, got ${x === null ? 'null' : typeof x}`);
}

export function checkShape(t: Tensor, shape: readonly number[], what: string): void {
  if (t.shape.join() !== shape.join()) throw new RangeError(`${what}: expected shape ${shapeText(shape)}, got ${shapeText(t.shape)}`);
}

export { record };
