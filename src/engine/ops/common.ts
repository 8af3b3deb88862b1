// Pieces shared by the loss ops: reductions, class-axis layout, class-index checks.
import type { Tensor } from '../../protocol/tensor';
import type { Value } from '../graph/graph';
import { div } from '../graph/math';
import { sum } from '../graph/nn';
import { reshape, transpose } from '../graph/shape';
import { fail, oneOf, shapeText, type Options } from './op';

export const REDUCTIONS = ['none', 'mean', 'sum'] as const;
export type Reduction = (typeof REDUCTIONS)[number];

export function reduction(options: Options): Reduction {
  return oneOf(options, 'reduction', REDUCTIONS);
}

/** Applies 'none' | 'mean' | 'sum' to elementwise losses. */
export function reduce(loss: Value, how: Reduction): Value {
  if (how === 'none') return loss;
  const total = sum(loss);
  return how === 'sum' ? total : div(total, Math.max(loss.size, 0));
}

/** [N, C, d1, …] → rows [N·d1·…, C] with the class axis last (PyTorch puts classes on dim 1). */
export function classRows(x: Value): Value {
  if (x.shape.length === 2) return x;
  const rank = x.shape.length;
  const perm = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  const moved = transpose(x, perm);
  return reshape(moved, [x.size / x.shape[1], x.shape[1]]);
}

/** Input [N, C] or [N, C, d1, …] and class-index target [N] or [N, d1, …]; returns C. */
export function checkClassTarget(op: string, input: Tensor, target: Tensor): number {
  if (input.shape.length < 1) fail(`${op}(): input must have at least 1 dimension, got a scalar`);
  const C = input.shape.length === 1 ? input.shape[0] : input.shape[1];
  const expected = input.shape.length === 1 ? [] : [input.shape[0], ...input.shape.slice(2)];
  if (target.shape.join() !== expected.join()) {
    fail(`${op}(): expected target of shape ${shapeText(expected)} for input of shape ${shapeText(input.shape)}, got ${shapeText(target.shape)}`);
  }
  if (C === 0) fail(`${op}(): input has 0 classes`);
  return C;
}

/** Every label is in [0, C) or equals ignore_index; ORT would silently read the last class for −1. */
export function checkLabels(target: Tensor, numClasses: number, ignoreIndex: number): void {
  const data = target.data as BigInt64Array;
  const ignore = BigInt(ignoreIndex);
  const classes = BigInt(numClasses);
  for (let i = 0; i < data.length; i++) {
    const y = data[i];
    if (y === ignore) continue;
    if (y < 0n || y >= classes) fail(`Target ${y} is out of bounds for ${numClasses} classes (ignore_index is ${ignoreIndex})`);
  }
}

export function checkSameShape(op: string, a: [string, Tensor], b: [string, Tensor]): void {
  if (a[1].shape.join() !== b[1].shape.join()) {
    fail(`${op}(): ${a[0]} of shape ${shapeText(a[1].shape)} and ${b[0]} of shape ${shapeText(b[1].shape)} must have the same shape`);
  }
}

export function checkWeight(op: string, weight: Tensor | undefined, numClasses: number): void {
  if (weight && (weight.shape.length !== 1 || weight.shape[0] !== numClasses)) {
    fail(`${op}(): weight should be a 1D tensor of ${numClasses} elements (one per class), got shape ${shapeText(weight.shape)}`);
  }
}

/**
 * Warnings for a tensor that should hold probabilities along `axis` (PyTorch computes with any values):
 * negative entries, or rows whose sum is not 1 (within 1e-3).
 */
export function probabilityWarnings(op: string, name: string, t: Tensor, axis: number): string[] {
  const data = t.data as Float32Array;
  const shape = t.shape;
  if (!shape.length || data.length === 0) return [];
  const ax = axis < 0 ? shape.length + axis : axis;
  const size = shape[ax];
  const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
  const outer = data.length / (size * inner);
  let negative = -1;
  let badRow = -1;
  let badSum = 0;
  for (let o = 0; o < outer && (negative < 0 || badRow < 0); o++) {
    for (let i = 0; i < inner; i++) {
      let sum = 0;
      for (let c = 0; c < size; c++) {
        const v = data[(o * size + c) * inner + i];
        if (v < 0 && negative < 0) negative = (o * size + c) * inner + i;
        sum += v;
      }
      if (badRow < 0 && Number.isFinite(sum) && Math.abs(sum - 1) > 1e-3) (badRow = o * inner + i), (badSum = sum);
    }
  }
  const out: string[] = [];
  if (negative >= 0) out.push(`${op}(): ${name} holds a negative probability (${data[negative]} at flat index ${negative}); the result is computed as PyTorch would, but it is not a distribution`);
  if (badRow >= 0) out.push(`${op}(): ${name} is not a probability distribution along dim ${ax}: a row sums to ${Number(badSum.toPrecision(6))}, not 1 (row ${badRow}); computed anyway, as PyTorch does`);
  return out;
}
