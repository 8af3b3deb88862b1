// The class-index cross-entropy, written once: every op and plan that scores rows of class scores against
// integer targets (cross_entropy, nll_loss, focal_loss, the token losses, linear_cross_entropy, the row-chunked
// plan and the training objective) builds on these functions.
//
// Per row m with target y (rows whose target is ignore_index count 0 and get no gradient):
//   loss_m = w_y·(1−ε)·(1−p_y)^γ·(−log p_y) + (ε/C)·Σ_c w_c·(−log p_c)
//   weight_m = w_y (1 without class weights), the term of 'mean''s denominator.
import type { Value } from '../graph/graph';
import { add, equal, exp, log, mul, neg, not, pow, sub, where } from '../graph/math';
import { gather, logSoftmax, maxDetached, scatterAdd, softmax, sum } from '../graph/nn';
import { cast, reshape } from '../graph/shape';

export interface ClassIndexOptions {
  /** Rows whose target equals this are left out; omit when every row counts. */
  ignoreIndex?: number;
  /** One weight per class, [C]. */
  weight?: Value;
  labelSmoothing?: number;
  focalGamma?: number;
}

export interface RowWeights {
  /** [M] int64: the target, with ignored rows pointing at class 0 (their terms are multiplied by 0). */
  target: Value;
  /** [M] float: 1 where the row counts, 0 where ignored; undefined when every row counts. */
  counted?: Value;
  /** [M] float: w_y where counted, 0 where ignored; undefined when it is 1 everywhere. */
  weight?: Value;
}

export interface ClassIndexRows extends RowWeights {
  /** [M] the loss of each row (0 where ignored). */
  loss: Value;
  /** [M] −log p_y (0 where ignored), whatever the smoothing and focal terms. */
  nll: Value;
  /** [M, C] log-probabilities. */
  logProbs: Value;
}

/** The counted mask, safe target and row weights of class-index targets [M] (classes of dtype `like`). */
export function rowWeights(target: Value, options: ClassIndexOptions, dtype: Value['dtype'] = 'float32'): RowWeights {
  const g = target.graph;
  const isCounted = options.ignoreIndex === undefined ? undefined : not(equal(target, g.scalar(options.ignoreIndex, 'int64')));
  const safe = isCounted ? where(isCounted, target, g.scalar(0, 'int64')) : target;
  const counted = isCounted && cast(isCounted, dtype);
  const classWeight = options.weight && gather(options.weight, safe, 0);
  const weight = classWeight && counted ? mul(classWeight, counted) : classWeight ?? counted;
  return { target: safe, counted, weight };
}

/**
 * Rows of scores [M, C] (logits, or log-probabilities for nll_loss) against targets [M].
 * From logits, −log p_y carries its gradient written out: (softmax − one-hot)·g, three passes over [M, C]
 * where the chain rule through log_softmax and gather takes five.
 */
export function classIndexRows(scores: { logits: Value; logSumExp?: Value } | { logProbs: Value }, target: Value, options: ClassIndexOptions = {}): ClassIndexRows {
  const x = 'logits' in scores ? scores.logits : scores.logProbs;
  const [M, C] = x.shape;
  const rows = rowWeights(target, options, x.dtype);
  const column = reshape(rows.target, [M, 1]);
  // Logits with their row log Σ exp [M, 1] given: log p_y = x_y − lse, read without the [M, C] log-probabilities
  // (which are built only if a smoothing term asks for them).
  const lse = 'logits' in scores ? scores.logSumExp : undefined;
  const logProbs = lse ? sub(x, lse) : 'logits' in scores ? logSoftmax(x, 1) : x;
  const lpY = lse ? sub(reshape(gather(x, column, 1), [M]), reshape(lse, [M])) : reshape(gather(logProbs, column, 1), [M]);
  const nllY = 'logits' in scores && !lse ? fusedNll(x, logProbs, lpY, column) : neg(lpY);
  const keep = (v: Value) => (rows.counted ? mul(v, rows.counted) : v);
  let loss = nllY;
  if (options.focalGamma) loss = mul(loss, pow(sub(1, exp(lpY)), options.focalGamma));
  if (options.weight) loss = mul(loss, gather(options.weight, rows.target, 0));
  const eps = options.labelSmoothing ?? 0;
  if (eps > 0) {
    const smooth = neg(sum(options.weight ? mul(logProbs, reshape(options.weight, [1, C])) : logProbs, [1]));
    loss = add(mul(loss, 1 - eps), mul(smooth, eps / C));
  }
  return { ...rows, loss: keep(loss), nll: keep(nllY), logProbs };
}

function fusedNll(logits: Value, logProbs: Value, lpY: Value, column: Value): Value {
  const [M] = logits.shape;
  return logits.graph.withGradient(neg(lpY), [logits], (g) => {
    const scale = reshape(g, [M, 1]);
    return [scatterAdd(mul(exp(logProbs), scale), column, neg(scale), 1)];
  });
}

export interface SoftmaxRows {
  /** [M, C] softmax of the logits. */
  probs: Value;
  /** [M] −log p_y. */
  nll: Value;
  /** [M] p_y, read before anything is subtracted at the target. */
  pTarget: Value;
  /** [M] Σ_c x_c: NaN or ±Inf exactly when the row holds a NaN or an infinity (or overflows, beyond 1e33). */
  rowSum: Value;
  /** Every value computed from the logits other than `probs`; a node that needs all reads of x done waits on it. */
  readsDone: Value;
}

/**
 * The same −log p_y from one softmax, for plans at the memory floor: log Σ exp(x − max) = −log max p (the
 * largest probability is exp(0)/Σ), so −log p_y = max − log(max p) − x_y. No log-softmax is materialised,
 * one exp per logit; max p ≥ 1/C never underflows, so rows whose p_y underflows keep their exact loss.
 * Targets must be safe (in [0, C)).
 */
export function softmaxRows(logits: Value, target: Value): SoftmaxRows {
  const [M] = logits.shape;
  const column = reshape(target, [M, 1]);
  const max = maxDetached(logits, 1, true);
  const xY = gather(logits, column, 1);
  const rowSum = sum(logits, [1], true);
  const probs = softmax(logits, 1);
  const nll = reshape(sub(sub(max, log(maxDetached(probs, 1, true))), xY), [M]);
  return { probs, nll, pTarget: reshape(gather(probs, column, 1), [M]), rowSum: reshape(rowSum, [M]), readsDone: add(add(max, xY), rowSum) };
}

/** Σ of the row weights ('mean''s denominator): the counted rows, weighted; M when every row counts with weight 1. */
export function weightTotal(rows: RowWeights, like: Value): Value {
  return rows.weight ? sum(rows.weight) : like.graph.scalar(like.shape[0], like.dtype);
}

/** Counted rows (unweighted): M when every row counts. */
export function countedTotal(rows: RowWeights, like: Value): Value {
  return rows.counted ? sum(rows.counted) : like.graph.scalar(like.shape[0], like.dtype);
}
