// Tensor ⇄ JSON form ({"dtype", "shape", "data": [flat row-major]}), as in golden files and CLI output.
// JSON has no NaN or ±Infinity: they are spelled "NaN", "Infinity", "-Infinity", both ways. Nothing else is
// coerced: null, "1.5", [x], true are refused, naming the tensor, the place and the value.
import type { OptionValue } from '../protocol/engine';
import type { Tensor, TensorJson } from '../protocol/tensor';
import { fail, shapeText } from './ops/op';

export function isTensorJson(v: unknown): v is TensorJson {
  return typeof v === 'object' && v !== null && 'dtype' in v && 'shape' in v && 'data' in v;
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** A value as JSON can carry it: a number, or NaN / ±Infinity spelled as strings. */
export function jsonNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

function describe(v: unknown): string {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Elements beyond this are refused before anything is allocated (a shape like [2^40, 2^40]). */
const MAX_ELEMENTS = 2 ** 31 - 1;

export function fromJson(name: string, t: TensorJson): Tensor {
  if (!t || typeof t !== 'object' || Array.isArray(t)) fail(`${name} must be a tensor {"dtype", "shape", "data"}, got ${describe(t)}`);
  if (!Array.isArray(t.shape)) fail(`${name}: "shape" must be a list of sizes, got ${describe(t.shape)}`);
  t.shape.forEach((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) fail(`${name}: shape[${i}] must be a non-negative integer, got ${describe(d)}`);
  });
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (numel > MAX_ELEMENTS) fail(`${name}: shape ${shapeText(t.shape)} has ${numel} elements, more than a tensor may hold here (${MAX_ELEMENTS})`);
  if (!Array.isArray(t.data)) fail(`${name}: "data" must be a flat list of numbers, got ${describe(t.data)}`);
  if (t.data.length !== numel) fail(`${name}: shape ${shapeText(t.shape)} needs ${numel} values, got ${t.data.length}`);
  switch (t.dtype) {
    case 'float32':
    case 'float64': {
      const data = t.dtype === 'float32' ? new Float32Array(numel) : new Float64Array(numel);
      for (let i = 0; i < numel; i++) {
        const v: unknown = t.data[i];
        if (typeof v === 'number') data[i] = v;
        else if (typeof v === 'string' && Object.hasOwn(NON_FINITE, v)) data[i] = NON_FINITE[v];
        else fail(`${name}: data[${i}] must be a number (or "NaN", "Infinity", "-Infinity"), got ${describe(v)}`);
      }
      return { dtype: t.dtype, shape: t.shape, data };
    }
    case 'int64': {
      const data = new BigInt64Array(numel);
      for (let i = 0; i < numel; i++) {
        const v: unknown = t.data[i];
        if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${name}: int64 tensor needs integers, got ${describe(v)} at data[${i}]`);
        // Beyond 2^53 a JSON number is no longer exact; beyond 2^63 it would wrap around in an int64.
        if (!Number.isSafeInteger(v)) fail(`${name}: value ${BigInt(v)} at data[${i}] is out of range (int64 values given in JSON must lie within ±${Number.MAX_SAFE_INTEGER})`);
        data[i] = BigInt(v);
      }
      return { dtype: 'int64', shape: t.shape, data };
    }
    default:
      return fail(`${name}: unsupported dtype ${describe(t.dtype)}; expected "float32", "float64" or "int64"`);
  }
}

/** The JSON form; non-finite values as "NaN" / "Infinity" / "-Infinity" (see TensorJson). */
export function toJson(t: Tensor): TensorJson {
  const data = Array.from(t.data as ArrayLike<number | bigint>, (v) => jsonNumber(Number(v)));
  return { dtype: t.dtype, shape: [...t.shape], data: data as number[] };
}

/** Options of a case: tensors converted, everything else passed on as given (the engine checks types). */
export function optionsFromJson(options: unknown = {}): Record<string, OptionValue> {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) fail(`"options" must be an object of keyword arguments, got ${describe(options)}`);
  const out: Record<string, OptionValue> = Object.create(null) as Record<string, OptionValue>;
  for (const [name, v] of Object.entries(options)) out[name] = isTensorJson(v) ? fromJson(name, v) : (v as OptionValue);
  return out;
}

/** Tensor inputs of a case, in a map without a prototype (an input named "__proto__" stays a name). */
export function inputsFromJson(inputs: unknown): Record<string, Tensor> {
  if (inputs === null || typeof inputs !== 'object' || Array.isArray(inputs)) fail(`"inputs" must be an object of named tensors, got ${describe(inputs)}`);
  const out = Object.create(null) as Record<string, Tensor>;
  for (const [name, t] of Object.entries(inputs)) out[name] = fromJson(name, t as TensorJson);
  return out;
}
