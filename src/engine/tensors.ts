// Checks on incoming tensors that must happen before any allocation or graph: shape/data agreement,
// dtype, memory budget, non-finite values.
import * as os from 'node:os';
import type { Tensor } from '../protocol/tensor';
import { fail, shapeText, type OpDefinition, type Options } from './ops/op';

const DTYPES = ['float32', 'float64', 'int64'];

export function checkTensor(name: string, t: Tensor): void {
  if (!t || typeof t !== 'object' || !Array.isArray(t.shape) || !ArrayBuffer.isView(t.data)) fail(`${name} must be a tensor {dtype, shape, data}`);
  if (!DTYPES.includes(t.dtype)) fail(`${name}: unsupported dtype '${t.dtype}'; expected one of ${DTYPES.join(', ')}`);
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0)) fail(`${name}: invalid shape ${shapeText(t.shape)}`);
  const numel = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== numel) fail(`${name}: shape ${shapeText(t.shape)} needs ${numel} values, got ${t.data.length}`);
  const expected = t.dtype === 'float32' ? Float32Array : t.dtype === 'float64' ? Float64Array : BigInt64Array;
  if (!(t.data instanceof expected)) fail(`${name}: dtype ${t.dtype} needs a ${expected.name}, got ${t.data?.constructor?.name}`);
}

/**
 * The tensor as the engine computes with it: float32, like a float32 PyTorch session, in memory of its own.
 * Data in a SharedArrayBuffer is copied unless `donated`: that memory is still the sender's (a plan may write a
 * gradient over its own inputs), and ONNX Runtime reads only ArrayBuffer-backed tensors.
 */
export function toEngineTensor(t: Tensor, donated = false): Tensor {
  if (t.dtype === 'float64') return { dtype: 'float32', shape: t.shape, data: Float32Array.from(t.data as Float64Array) };
  return donated ? t : unshared(t);
}

/** The tensor in an ArrayBuffer: a copy when its data is in a SharedArrayBuffer (ONNX Runtime reads no other). */
export function unshared(t: Tensor): Tensor {
  return t.data.buffer instanceof SharedArrayBuffer ? { ...t, data: t.data.slice() } : t;
}

let budgetBytes = os.totalmem() * 0.6;

/** Bytes the engine may use for one request: 60% of this machine's memory unless set otherwise. */
export function memoryBudget(): number {
  return budgetBytes;
}

export function setMemoryBudget(bytes: number): void {
  budgetBytes = bytes;
}

const numel = (t: Tensor) => t.shape.reduce((a, b) => a * b, 1);

/**
 * Refuses requests whose peak working set cannot fit, before anything is allocated: the inputs, plus the op's
 * largest intermediate or output (`peakElements`; by default the largest input) a few times over for the
 * forward pass and again for the gradients.
 */
export function checkMemory(op: Pick<OpDefinition, 'name' | 'peakElements'>, tensors: Record<string, Tensor>, options: Options, wantGrad: boolean): void {
  const all = Object.values(tensors);
  const inputs = all.reduce((n, t) => n + numel(t), 0);
  const peak = op.peakElements?.(tensors, options) ?? Math.max(0, ...all.map(numel));
  const bytes = 4 * (inputs + peak * (wantGrad ? 6 : 3));
  if (bytes > memoryBudget()) {
    const gib = (n: number) => (n / 2 ** 30).toFixed(n < 2 ** 30 ? 3 : 1);
    fail(`${op.name}(): this call needs about ${gib(bytes)} GiB (its largest intermediate holds ${peak} elements)${wantGrad ? ' with gradients' : ''}, more than the ${gib(memoryBudget())} GiB this engine may use`);
  }
}

/** Names of float tensors holding NaN or ±Inf (x·0 is NaN exactly for those). */
export function nonFiniteNames(tensors: Record<string, Tensor>): string[] {
  return Object.entries(tensors)
    .filter(([, t]) => t.dtype !== 'int64' && !allFinite(t.data as Float32Array))
    .map(([name]) => name);
}

function allFinite(a: Float32Array): boolean {
  let acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
  const n = a.length - (a.length % 4);
  for (let i = 0; i < n; i += 4) {
    acc0 += a[i] * 0; acc1 += a[i + 1] * 0; acc2 += a[i + 2] * 0; acc3 += a[i + 3] * 0;
  }
  for (let i = n; i < a.length; i++) acc0 += a[i] * 0;
  return acc0 + acc1 + acc2 + acc3 === 0;
}
