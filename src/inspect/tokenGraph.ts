// The per-token statistics of a block of rows on ONNX Runtime: logits x [R, V], safe targets y [R] →
// loss −log p_y, rank of y (classes scoring strictly higher), entropy −Σ p·log p, the top-5 ids and their
// probabilities, and each row's min, max, Σx and log Σ exp x (the checks for probabilities / log-probabilities).
import * as ort from 'onnxruntime-node';
import { Graph } from '../engine/graph/graph';
import { add, clamp, div, exp, greater, log, mul, sub } from '../engine/graph/math';
import { gather, maxDetached, minDetached, sum } from '../engine/graph/nn';
import { cast, reshape } from '../engine/graph/shape';
import { classIndexRows } from '../engine/ops/classIndexLoss';
import { sessionFor } from '../engine/runtime/sessions';

const FLOAT32_MAX = 3.4028234663852886e38;

export interface BlockStats {
  loss: Float32Array;
  rank: Float32Array;
  entropy: Float32Array;
  topIds: BigInt64Array;
  topP: Float32Array;
  rowMin: Float32Array;
  rowMax: Float32Array;
  rowSum: Float32Array;
  logSumExp: Float32Array;
}

export function topK(V: number): number {
  return Math.min(5, V);
}

function blockSession(R: number, V: number) {
  return sessionFor(JSON.stringify(['inspect.tokens', R, V]), () => {
    const g = new Graph();
    const x = g.input('x', 'float32', [R, V]);
    const y = g.input('y', 'int64', [R]);
    // log Σ exp x from the row max and Σ exp(x − max), whose terms also give the entropy:
    // H = −Σ p log p = log s − Σ e·(x − m) / s with e = exp(x − m), s = Σ e. ONNX Runtime's ReduceLogSumExp
    // took half the block's time; these are one pass each.
    const m = maxDetached(x, 1, true);
    const shifted = sub(x, m);
    const e = exp(shifted);
    const total = sum(e, [1], true);
    const logS = log(total);
    const lse = add(m, logS);
    const { nll } = classIndexRows({ logits: x, logSumExp: lse }, y);
    const k = topK(V);
    const [values, indices] = g.nodeWithOutputs('TopK', [x, g.ints([k])], [{ dtype: 'float32', shape: [R, k] }, { dtype: 'int64', shape: [R, k] }], {
      axis: { kind: 'int', value: 1 },
      sorted: { kind: 'int', value: 1 },
    });
    g.output('loss', nll);
    g.output('rank', sum(cast(greater(x, gather(x, reshape(y, [R, 1]), 1)), 'float32'), [1]));
    // x − m clamped at float32's lowest in the entropy's sum, as PyTorch's Categorical.entropy clamps: a −inf
    // logit (a masked class) adds 0·lowest = 0 instead of 0·(−inf) = NaN; a NaN logit still makes it NaN.
    g.output('entropy', reshape(sub(logS, div(sum(mul(e, clamp(shifted, -FLOAT32_MAX)), [1], true), total)), [R]));
    g.output('topIds', indices);
    g.output('topP', exp(sub(values, lse)));
    g.output('rowMin', minDetached(x, 1, false));
    g.output('rowMax', reshape(m, [R]));
    g.output('rowSum', sum(x, [1]));
    g.output('logSumExp', reshape(lse, [R]));
    return g.toGraphDef('inspect.tokens');
  });
}

export async function blockStats(x: Float32Array, y: BigInt64Array, R: number, V: number): Promise<BlockStats> {
  const session = await blockSession(R, V);
  const out = await session.run({ x: new ort.Tensor('float32', x, [R, V]), y: new ort.Tensor('int64', y, [R]) });
  return {
    loss: out.loss.data as Float32Array,
    rank: out.rank.data as Float32Array,
    entropy: out.entropy.data as Float32Array,
    topIds: out.topIds.data as BigInt64Array,
    topP: out.topP.data as Float32Array,
    rowMin: out.rowMin.data as Float32Array,
    rowMax: out.rowMax.data as Float32Array,
    rowSum: out.rowSum.data as Float32Array,
    logSumExp: out.logSumExp.data as Float32Array,
  };
}
