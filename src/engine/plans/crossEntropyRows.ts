// cross_entropy on LLM-sized logits [N, C] with class-index targets, run in row chunks that stay in cache:
// each chunk's graph reads its logits once from memory and writes its gradient rows straight into the
// result buffer (ORT fills preallocated output views in place) — the logits' own buffer when the caller
// gave it up — so no [N, C] intermediate is allocated. Logits the caller donated in shared memory are scored
// by two threads at once (this one and the rows helper), each claiming the next chunk when it is free, so a
// thread slowed by other work simply takes fewer chunks.
// Gradient of row n: scale_n·(softmax(x_n) − onehot(y_n)), scale_n = w[y_n]·valid_n (/ Σ w[y]·valid for mean).
import * as ort from 'onnxruntime-node';
import type { OpResult } from '../../protocol/engine';
import type { Tensor } from '../../protocol/tensor';
import { Graph } from '../graph/graph';
import type { RowsJobMessage } from '../../protocol/engine';
import { div } from '../graph/math';
import { sum } from '../graph/nn';
import { rowWeights } from '../ops/classIndexLoss';
import { reduction } from '../ops/common';
import { numberOption, type Options } from '../ops/op';
import { sessionFor } from '../runtime/sessions';
import { nonFiniteNames, unshared } from '../tensors';
import { chunkSession, scoreSharedChunks } from './crossEntropyChunks';
import { hasRowsHelper, runOnRowsHelper } from './rowsHelper';

/** Rows per chunk: about 1M logits (4 MB), which stays in the L2/L3 cache through the chunk's passes. */
const CHUNK_ELEMENTS = 1 << 20;
/** Below this many logits the generic graph is as fast. */
export const ROW_PLAN_MIN_ELEMENTS = 1 << 22;

export function canUseRowPlan(op: string, tensors: Record<string, Tensor>, options: Options): boolean {
  const { input, target } = tensors;
  return (
    op === 'cross_entropy' &&
    input.shape.length === 2 &&
    target.dtype === 'int64' &&
    options.label_smoothing === 0 &&
    input.data.length >= ROW_PLAN_MIN_ELEMENTS
  );
}

/** Per-row gradient scale: the row's weight w[y]·counted, divided by their sum for 'mean' (a small graph over [N]). */
async function rowScales(target: Tensor, weight: Tensor | undefined, ignoreIndex: number, how: string): Promise<{ scale: Float32Array; target: BigInt64Array }> {
  const N = target.shape[0];
  const signature = JSON.stringify(['cross_entropy.rowScales', N, weight?.shape, ignoreIndex, how]);
  const session = await sessionFor(signature, () => {
    const g = new Graph();
    const t = g.input('target', 'int64', [N]);
    const rows = rowWeights(t, { ignoreIndex, weight: weight && g.input('weight', 'float32', weight.shape) });
    const scale = rows.weight!;
    g.output('scale', how === 'mean' ? div(scale, sum(scale)) : scale);
    g.output('safeTarget', rows.target);
    return g.toGraphDef('cross_entropy.rowScales');
  });
  const feeds: Record<string, ort.Tensor> = { target: new ort.Tensor('int64', target.data, target.shape) };
  if (weight) feeds.weight = new ort.Tensor('float32', weight.data, weight.shape);
  const out = await session.run(feeds);
  return { scale: out.scale.data as Float32Array, target: out.safeTarget.data as BigInt64Array };
}

/**
 * cross_entropy of [N, C] logits by row chunks. With `reuseInput` (the caller owns the logits buffer and gives
 * it up, as the engine worker does with a transferred request) the gradient is written over the logits: no
 * second [N, C] buffer, no fresh pages to fault in.
 */
export async function crossEntropyByRows(tensors: Record<string, Tensor>, options: Options, wantGrad: boolean, reuseInput = false): Promise<OpResult> {
  const { input, target, weight } = tensors;
  const [N, C] = input.shape;
  const how = reduction(options);
  const { scale: scales, target: safeTarget } = await rowScales(unshared(target), weight, numberOption(options, 'ignore_index'), how);
  const x = input.data as Float32Array;
  const chunk = Math.max(1, Math.floor(CHUNK_ELEMENTS / C));
  if (x.buffer instanceof SharedArrayBuffer) return crossEntropySharedRows(x, [N, C], chunk, scales, safeTarget, how, wantGrad, weight);
  const loss = new Float32Array(N);
  const rowSum = new Float32Array(N);
  const grad = wantGrad ? (reuseInput ? x : new Float32Array(N * C)) : undefined;
  const atTarget = new Float32Array(N);
  for (let start = 0; start < N; start += chunk) {
    const rows = Math.min(chunk, N - start);
    const session = await chunkSession(rows, C, wantGrad);
    const feeds = {
      x: new ort.Tensor('float32', x.subarray(start * C, (start + rows) * C), [rows, C]),
      y: new ort.Tensor('int64', safeTarget.subarray(start, start + rows), [rows]),
      scale: new ort.Tensor('float32', scales.subarray(start, start + rows), [rows]),
    };
    const fetches: Record<string, ort.Tensor> = {
      loss: new ort.Tensor('float32', loss.subarray(start, start + rows), [rows]),
      rowSum: new ort.Tensor('float32', rowSum.subarray(start, start + rows), [rows]),
    };
    if (grad) {
      fetches.grad = new ort.Tensor('float32', grad.subarray(start * C, (start + rows) * C), [rows, C]);
      fetches.gradAtTarget = new ort.Tensor('float32', atTarget.subarray(start, start + rows), [rows]);
    }
    await session.run(feeds, fetches);
  }
  return finish(grad, [N, C], safeTarget, { loss, rowSum, atTarget }, how, weight);
}

/**
 * Donated logits in a SharedArrayBuffer: this thread and the rows helper claim chunks from one counter; the
 * gradient is written over the logits. Falls back to this thread alone where there is no helper.
 */
async function crossEntropySharedRows(x: Float32Array, [N, C]: number[], chunkRows: number, scales: Float32Array, safeTarget: BigInt64Array, how: string, wantGrad: boolean, weight: Tensor | undefined): Promise<OpResult> {
  const shared = <T extends Float32Array | BigInt64Array | Int32Array>(from: T): T => {
    const out = new (from.constructor as new (b: SharedArrayBuffer) => T)(new SharedArrayBuffer(from.byteLength));
    out.set(from as never);
    return out;
  };
  const job: RowsJobMessage = {
    type: 'rows', logits: x, C, chunkRows, wantGrad,
    target: shared(safeTarget), scale: shared(scales),
    loss: shared(new Float32Array(N)), rowSum: shared(new Float32Array(N)), atTarget: shared(new Float32Array(N)),
    next: shared(new Int32Array(1)),
  };
  const helper = hasRowsHelper() ? runOnRowsHelper(job) : undefined;
  const here = scoreSharedChunks(job);
  await Promise.all([here, helper]);
  // Plain copies of the [N] rows: ONNX Runtime sums them, and the result owns its buffers.
  const rows = { loss: job.loss.slice(), rowSum: job.rowSum.slice(), atTarget: job.atTarget.slice() };
  return finish(wantGrad ? x : undefined, [N, C], safeTarget, rows, how, weight);
}

/** Places the gradient's target entries and gathers the result: the loss rows or their total, the non-finite flag. */
async function finish(grad: Float32Array | undefined, [N, C]: number[], safeTarget: BigInt64Array, rows: { loss: Float32Array; rowSum: Float32Array; atTarget: Float32Array }, how: string, weight: Tensor | undefined): Promise<OpResult> {
  if (grad) for (let n = 0; n < N; n++) grad[n * C + Number(safeTarget[n])] = rows.atTarget[n];
  const output = how === 'none' ? { dtype: 'float32' as const, shape: [N], data: rows.loss } : await total(rows.loss);
  const nonFinite = rows.rowSum.every(Number.isFinite) ? [] : ['input'];
  const others = weight ? nonFiniteNames({ weight }) : [];
  return {
    output,
    grad: grad ? { input: { dtype: 'float32', shape: [N, C], data: grad } } : {},
    extras: {},
    nonFinite: [...nonFinite, ...others],
  };
}

/** Σ of the per-row losses, on ORT like every other number. */
async function total(rows: Float32Array): Promise<Tensor> {
  const session = await sessionFor(JSON.stringify(['sum', rows.length]), () => {
    const g = new Graph();
    const v = g.input('v', 'float32', [rows.length]);
    g.output('sum', g.node({ opType: 'ReduceSum', inputs: [v, g.ints([0])], attributes: { keepdims: { kind: 'int', value: 0 } }, dtype: 'float32', shape: [] }));
    return g.toGraphDef('sum');
  });
  const out = await session.run({ v: new ort.Tensor('float32', rows, [rows.length]) });
  return { dtype: 'float32', shape: [], data: out.sum.data as Float32Array };
}
