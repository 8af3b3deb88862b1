// One chunk of rows of the row-chunked cross_entropy: its graph, and the loop that scores chunks of logits in
// shared memory, run by the engine worker and its rows helper thread at once.
import * as ort from 'onnxruntime-node';
import type { RowsJobMessage } from '../../protocol/engine';
import { Graph } from '../graph/graph';
import { equal, mul, sub, where } from '../graph/math';
import { reshape } from '../graph/shape';
import { softmaxRows } from '../ops/classIndexLoss';
import { sessionFor } from '../runtime/sessions';

/**
 * The chunk graph, one softmax per row (see softmaxRows): loss rows scale·(−log p_y), each row's Σx (the
 * non-finite flag), the gradient's dense part p·scale and its target entries (p_y − 1)·scale, which the caller
 * places by index. The dense part may be written over the logits themselves: its node waits on every other
 * read of x (scale passes through a Where on them, unchanged), so nothing reads x after it starts writing.
 */
export function chunkSession(rows: number, C: number, wantGrad: boolean, intraOpThreads?: number) {
  return sessionFor(JSON.stringify(['cross_entropy.rows', rows, C, wantGrad]), () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [rows, C]);
    const y = g.input('y', 'int64', [rows]);
    const scale = g.input('scale', 'float32', [rows]);
    const { probs, nll, pTarget, rowSum, readsDone } = softmaxRows(x, y);
    g.output('loss', mul(nll, scale));
    g.output('rowSum', rowSum);
    if (wantGrad) {
      const afterReads = where(equal(readsDone, readsDone), reshape(scale, [rows, 1]), reshape(scale, [rows, 1]));
      g.output('grad', mul(probs, afterReads));
      g.output('gradAtTarget', mul(sub(pTarget, 1), scale));
    }
    return g.toGraphDef('cross_entropy.rows');
  }, intraOpThreads);
}

/**
 * Claims chunks of `job` until none is left and scores each on this thread alone. ONNX Runtime reads only
 * ArrayBuffer-backed tensors, so each chunk passes through this thread's own scratch (it stays in cache): copied
 * in, scored with the gradient written over the scratch, copied back over the logits.
 */
export async function scoreSharedChunks(job: Omit<RowsJobMessage, 'type'>): Promise<void> {
  const { logits, C, chunkRows, wantGrad } = job;
  const N = job.target.length;
  const count = Math.ceil(N / chunkRows);
  const x = new Float32Array(chunkRows * C);
  const y = new BigInt64Array(chunkRows);
  const scale = new Float32Array(chunkRows);
  const [loss, rowSum, atTarget] = [new Float32Array(chunkRows), new Float32Array(chunkRows), new Float32Array(chunkRows)];
  for (let k = Atomics.add(job.next, 0, 1); k < count; k = Atomics.add(job.next, 0, 1)) {
    const start = k * chunkRows;
    const rows = Math.min(chunkRows, N - start);
    const xs = x.subarray(0, rows * C);
    xs.set(logits.subarray(start * C, (start + rows) * C));
    y.set(job.target.subarray(start, start + rows));
    scale.set(job.scale.subarray(start, start + rows));
    const session = await chunkSession(rows, C, wantGrad, 1);
    const fetches: Record<string, ort.Tensor> = {
      loss: new ort.Tensor('float32', loss.subarray(0, rows), [rows]),
      rowSum: new ort.Tensor('float32', rowSum.subarray(0, rows), [rows]),
    };
    if (wantGrad) {
      fetches.grad = new ort.Tensor('float32', xs, [rows, C]);
      fetches.gradAtTarget = new ort.Tensor('float32', atTarget.subarray(0, rows), [rows]);
    }
    const feeds = {
      x: new ort.Tensor('float32', xs, [rows, C]),
      y: new ort.Tensor('int64', y.subarray(0, rows), [rows]),
      scale: new ort.Tensor('float32', scale.subarray(0, rows), [rows]),
    };
    await session.run(feeds, fetches);
    if (wantGrad) {
      logits.set(xs, start * C);
      job.atTarget.set(atTarget.subarray(0, rows), start);
    }
    job.loss.set(loss.subarray(0, rows), start);
    job.rowSum.set(rowSum.subarray(0, rows), start);
  }
}
