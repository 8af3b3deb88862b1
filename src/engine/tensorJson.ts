// Tensor ⇄ JSON form ({"dtype", "shape", "data": [flat row-major]}), as in golden files and CLI output.
import type { OptionValue } from '../protocol/engine';
import type { Tensor, TensorJson } from '../protocol/tensor';
import { fail, shapeText } from './ops/op';

export function isTensorJson(v: unknown): v is TensorJson {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

export function fromJson(name: string, t: TensorJson): Tensor {
  if (!Array.isArray(t.shape) || !Array.isArray(t.data)) fail(`${name}: expected {"dtype", "shape": [...], "data": [...]}`);
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== numel) fail(`${name}: shape ${shapeText(t.shape)} needs ${numel} values, got ${t.data.length}`);
  switch (t.dtype) {
    case 'float32': return { dtype: 'float32', shape: t.shape, data: Float32Array.from(t.data.map(Number)) };
    case 'float64': return { dtype: 'float64', shape: t.shape, data: Float64Array.from(t.data.map(Number)) };
    case 'int64':
      if (!t.data.every((v) => Number.isInteger(v))) fail(`${name}: int64 tensor holds a non-integer value`);
      return { dtype: 'int64', shape: t.shape, data: BigInt64Array.from(t.data.map((v) => BigInt(v))) };
    default: return fail(`${name}: unsupported dtype '${String(t.dtype)}'; expected float32, float64 or int64`);
  }
}

export function toJson(t: Tensor): TensorJson {
  return { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data as ArrayLike<number | bigint>, Number) };
}

export function optionsFromJson(options: Record<string, unknown> = {}): Record<string, OptionValue> {
  const out: Record<string, OptionValue> = {};
  for (const [name, v] of Object.entries(options)) out[name] = isTensorJson(v) ? fromJson(name, v) : (v as OptionValue);
  return out;
}
