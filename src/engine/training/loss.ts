// The training objective of one batch: cross-entropy with class weights, label smoothing and focal modulation,
// positions labelled ignore_index left out, reduced per token or per sequence, and the counts the metrics need.
import type { Reduction } from '../../protocol/training';
import type { Graph, Value } from '../graph/graph';
import { div, greater, less, mul, where } from '../graph/math';
import { gather, sum } from '../graph/nn';
import { cast, reshape } from '../graph/shape';
import { classIndexRows, countedTotal, weightTotal } from '../ops/classIndexLoss';

/** Labels equal to this are not counted (PyTorch's default ignore_index). */
export const IGNORE_INDEX = -100;

export interface LossSpec {
  labelSmoothing: number;
  focalGamma: number;
  /** One weight per class, or undefined. */
  classWeights?: number[];
  /** 'token' when omitted. */
  reduction?: Reduction;
}

export interface Objective {
  loss: Value;
  /** Σ −log p_y over counted positions (for perplexity, whatever the loss). */
  nll: Value;
  /** Counted positions. */
  tokens: Value;
  /** Counted positions whose target ranks first / in the top 5. */
  top1: Value;
  top5: Value;
}

/**
 * logits [B·T, C], y [B, T] (T = 1 for one example per sequence). Per position
 * l = w_y·(1−ε)·(1−p_y)^γ·(−log p_y) + (ε/C)·Σ_c w_c·(−log p_c) and its weight ω = w_y (1 without class
 * weights), both 0 where y is ignore_index (when `masked`).
 *   token:    Σ l / Σ ω over the whole batch (PyTorch's weighted mean);
 *   sequence: Σ_b (Σ_t l_bt / Σ_t ω_bt) / S over the S sequences with a counted position (the others add 0),
 *             as the sequence_cross_entropy op normalizes.
 * `denominator` replaces Σ ω (token) or S (sequence) when this batch is one micro-batch of a step: every
 * micro-batch is then divided by the denominator of all of them, and their losses and gradients add up.
 */
export function objective(g: Graph, logits: Value, y: Value, spec: LossSpec, masked: boolean, denominator?: Value): Objective {
  const [N, C] = logits.shape;
  const [B, T] = y.shape.length === 2 ? y.shape : [y.shape[0], 1];
  const rows = classIndexRows({ logits }, reshape(y, [N]), {
    ignoreIndex: masked ? IGNORE_INDEX : undefined,
    weight: spec.classWeights ? g.constant(Float32Array.from(spec.classWeights), 'float32', [C]) : undefined,
    labelSmoothing: spec.labelSmoothing,
    focalGamma: spec.focalGamma,
  });
  const { counted, weight: omega, target } = rows;
  let loss: Value;
  if (spec.reduction === 'sequence') {
    const perSequence = omega ? sum(reshape(omega, [B, T]), [1]) : g.scalar(T, 'float32');
    const hasTokens = counted ? greater(sum(reshape(counted, [B, T]), [1]), 0) : undefined;
    const means = div(sum(reshape(rows.loss, [B, T]), [1]), where(greater(perSequence, 0), perSequence, 1));
    loss = div(sum(means), denominator ?? (hasTokens ? sum(cast(hasTokens, 'float32')) : g.scalar(B, 'float32')));
  } else {
    loss = div(sum(rows.loss), denominator ?? weightTotal(rows, rows.loss));
  }
  const rank = sum(cast(greater(logits, gather(logits, reshape(target, [N, 1]), 1)), 'float32'), [1]);
  const keep = (v: Value) => (counted ? mul(v, counted) : v);
  const hit = (k: number) => sum(keep(cast(less(rank, k), 'float32')));
  return { loss, nll: sum(rows.nll), tokens: countedTotal(rows, rows.loss), top1: hit(1), top5: hit(5) };
}

/**
 * The denominator of a step split into micro-batches, from all their labels (each [B, T] flattened):
 * Σ ω over counted positions for 'token', the number of sequences with a counted position for 'sequence'.
 */
export function globalDenominator(spec: LossSpec, labels: readonly BigInt64Array[], sequenceLength: number): number {
  const ignored = BigInt(IGNORE_INDEX);
  let total = 0;
  for (const y of labels) {
    if (spec.reduction === 'sequence') {
      for (let start = 0; start < y.length; start += sequenceLength) if (y.subarray(start, start + sequenceLength).some((v) => v !== ignored)) total++;
    } else {
      for (const v of y) if (v !== ignored) total += spec.classWeights ? spec.classWeights[Number(v)] : 1;
    }
  }
  return total;
}
