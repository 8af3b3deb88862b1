// dtypes of notebook tensors, their host arrays and PyTorch's promotion rules.
import type { EngineData, EngineDType } from '../protocol/tensorEngine';

export type DType = EngineDType;
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int64', 'bool'];

export function isFloat(d: DType): boolean {
  return d === 'float32' || d === 'float64';
}

/** Category order of PyTorch's promotion: bool < integer < floating. */
function category(d: DType): number {
  return d === 'bool' ? 0 : d === 'int64' ? 1 : 2;
}

/** torch.result_type of two tensors. */
export function promote(a: DType, b: DType): DType {
  if (a === b) return a;
  if (category(a) !== category(b)) return category(a) > category(b) ? a : b;
  return a === 'float64' || b === 'float64' ? 'float64' : a;
}

/** torch.result_type of a tensor and a Python scalar: a scalar only raises the category (to float32, int64). */
export function promoteScalar(t: DType, v: number | boolean): DType {
  const c = typeof v === 'boolean' ? 0 : Number.isInteger(v) ? 1 : 2;
  if (c <= category(t)) return t;
  return c === 2 ? 'float32' : 'int64';
}

/** PyTorch's inference for torch.tensor(data): booleans → bool, all integers → int64, any fraction → float32. */
export function inferDType(flat: readonly (number | boolean)[]): DType {
  if (flat.length && flat.every((v) => typeof v === 'boolean')) return 'bool';
  return flat.every((v) => typeof v === 'boolean' || Number.isInteger(v)) ? 'int64' : 'float32';
}

export function hostArray(dtype: DType, values: ArrayLike<number | boolean | bigint>): EngineData {
  const n = values.length;
  switch (dtype) {
    case 'float32': return Float32Array.from({ length: n }, (_, i) => Number(values[i]));
    case 'float64': return Float64Array.from({ length: n }, (_, i) => Number(values[i]));
    case 'int64': return BigInt64Array.from({ length: n }, (_, i) => BigInt(Math.trunc(Number(values[i]))));
    case 'bool': return Uint8Array.from({ length: n }, (_, i) => (Number(values[i]) ? 1 : 0));
  }
}

/** Bytes per element. */
export const ITEM_SIZE: Record<DType | 'int32', number> = { float32: 4, float64: 8, int64: 8, bool: 1, int32: 4 };

/** torch.float32 & co: the names cells use. */
export function dtypeOf(name: unknown, what = 'dtype'): DType {
  const aliases: Record<string, DType> = { float: 'float32', float32: 'float32', double: 'float64', float64: 'float64', long: 'int64', int64: 'int64', bool: 'bool' };
  const d = typeof name === 'string' ? aliases[name.replace(/^torch\./, '')] : undefined;
  if (!d) throw new TypeError(`${what} must be torch.float32, torch.float64, torch.int64 (torch.long) or torch.bool, got ${String(name)}`);
  return d;
}
