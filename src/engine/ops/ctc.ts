// ctc_loss(log_probs [T, N, C], targets [N, S], input_lengths [N], target_lengths [N], blank=0,
// reduction='mean', zero_infinity=False): the CTC forward algorithm in log space, unrolled over the static T.
// Its gradient comes from the same autodiff: the true d loss / d log_probs (not torch's exp(lp) − posterior).
import type { Tensor } from '../../protocol/tensor';
import type { Value } from '../graph/graph';
import { add, div, equal, exp, greater, log, maximum, mul, neg, not, sub, where, and } from '../graph/math';
import { gather, sum } from '../graph/nn';
import { cast, concat, expand, reshape, slice } from '../graph/shape';
import { fail, numberOption, oneOf, shapeText, type OpDefinition } from './op';

/** Stands in for log 0: finite, so that gradients through impossible paths are exactly 0, never NaN. */
const LOG_ZERO = -1e30;
const INFEASIBLE = -1e29;
/** The forward algorithm is unrolled over T: its graph grows with T. */
const MAX_T = 4096;

function logSumExp(terms: Value[]): Value {
  const g = terms[0].graph;
  const m = g.node({ opType: 'Max', inputs: terms, dtype: terms[0].dtype, shape: terms[0].shape });
  return add(m, log(terms.map((t) => exp(sub(t, m))).reduce((a, b) => add(a, b))));
}

/** a shifted right by k along axis 1, filled with log 0. */
function shiftRight(a: Value, k: number): Value {
  const [N, S] = a.shape;
  const fill = expand(a.graph.scalar(LOG_ZERO, a.dtype), [N, k]);
  return concat([fill, slice(a, 1, 0, S - k)], 1);
}

function check(inputs: Record<string, Tensor>, blank: number): void {
  const { log_probs: lp, targets, input_lengths: il, target_lengths: tl } = inputs;
  if (lp.shape.length !== 3) fail(`ctc_loss(): expected log_probs of shape [T, N, C], got ${shapeText(lp.shape)}`);
  const [T, N, C] = lp.shape;
  if (targets.shape.length !== 2 || targets.shape[0] !== N) fail(`ctc_loss(): expected targets of shape [${N}, S], got ${shapeText(targets.shape)}`);
  for (const [name, t] of [['input_lengths', il], ['target_lengths', tl]] as const) {
    if (t.shape.join() !== String(N)) fail(`ctc_loss(): expected ${name} of shape [${N}], got ${shapeText(t.shape)}`);
  }
  if (blank < 0 || blank >= C) fail(`ctc_loss(): blank must be in [0, ${C}), got ${blank}`);
  const S = targets.shape[1];
  const labels = targets.data as BigInt64Array;
  for (let n = 0; n < N; n++) {
    const inLen = Number(il.data[n]);
    const tgtLen = Number(tl.data[n]);
    if (inLen < 1 || inLen > T) fail(`ctc_loss(): input_lengths[${n}] = ${inLen} must be in [1, ${T}]`);
    if (tgtLen < 0 || tgtLen > S) fail(`ctc_loss(): target_lengths[${n}] = ${tgtLen} must be in [0, ${S}]`);
    for (let s = 0; s < tgtLen; s++) {
      const y = Number(labels[n * S + s]);
      if (y < 0 || y >= C || y === blank) fail(`ctc_loss(): targets[${n}][${s}] = ${y} must be a class in [0, ${C}) other than blank (${blank})`);
    }
  }
}

export const ctcLoss: OpDefinition = {
  name: 'ctc_loss',
  inputs: { log_probs: 'float', targets: 'int', input_lengths: 'int', target_lengths: 'int' },
  defaults: { blank: 0, reduction: 'mean', zero_infinity: false },
  peakElements({ log_probs: lp, targets }) {
    const [T, N] = lp.shape;
    // The forward algorithm keeps a few [N, 2S + 1] tensors per unrolled step.
    return Math.max(lp.data.length, 4 * T * N * (2 * (targets.shape[1] ?? 0) + 1));
  },
  check(inputs, options) {
    oneOf(options, 'reduction', ['none', 'mean', 'sum']);
    const T = inputs.log_probs.shape[0];
    if (T > MAX_T) fail(`ctc_loss(): log_probs has ${T} time steps; this engine unrolls the forward algorithm over at most ${MAX_T}`);
    check(inputs, numberOption(options, 'blank'));
  },
  build(g, { log_probs: lp, targets, input_lengths: il, target_lengths: tl }, options) {
    const [T, N] = lp.shape;
    const S = targets.shape[1];
    const S2 = 2 * S + 1;
    const blank = g.scalar(numberOption(options, 'blank'), 'int64');
    // Extended labels l' = (blank, y1, blank, y2, …, blank): [N, S2].
    const isLabel = g.constant(Uint8Array.from({ length: S2 }, (_, s) => s % 2), 'bool', [1, S2]);
    const labelIdx = g.constant(BigInt64Array.from({ length: S2 }, (_, s) => BigInt(s % 2 ? (s - 1) / 2 : 0)), 'int64', [1, S2]);
    const ext = where(isLabel, gather(targets, expand(labelIdx, [N, S2]), 1), blank);
    // A skip s−2 → s is allowed into a label that differs from the label two back.
    const canSkip = S2 >= 3
      ? and(not(equal(ext, blank)), not(equal(ext, concat([expand(blank, [N, 2]), slice(ext, 1, 0, S2 - 2)], 1))))
      : undefined;
    const emissions = gather(lp, expand(reshape(ext, [1, N, S2]), [T, N, S2]), 2); // [T, N, S2]
    const at = (t: number) => reshape(slice(emissions, 0, t, t + 1), [N, S2]);
    const logZero = g.scalar(LOG_ZERO, lp.dtype);
    const starts = g.constant(Uint8Array.from({ length: S2 }, (_, s) => (s < 2 ? 1 : 0)), 'bool', [1, S2]);
    let alpha = where(starts, at(0), logZero);
    const inputLen = reshape(il, [N, 1]);
    for (let t = 1; t < T; t++) {
      const terms = [alpha, shiftRight(alpha, 1)];
      if (canSkip) terms.push(where(canSkip, shiftRight(alpha, 2), logZero));
      const next = add(logSumExp(terms), at(t));
      alpha = where(greater(inputLen, t), next, alpha); // frozen after the sample's own input length
    }
    // Paths end on the last label or the blank after it: positions 2·len and 2·len − 1.
    const end = reshape(mul(tl, 2), [N, 1]);
    const last = gather(alpha, end, 1);
    const beforeLast = where(greater(end, 0), gather(alpha, maximum(sub(end, 1), 0), 1), logZero);
    const nll = reshape(neg(logSumExp([last, beforeLast])), [N]);
    // Infeasible: no path (the loss stands at about −LOG_ZERO). NaN compares false, so a NaN or ±Inf in
    // log_probs reaches the loss instead of being taken for an infeasible sample.
    const infeasible = greater(nll, -INFEASIBLE);
    const perSample = where(infeasible, options.zero_infinity === true ? 0 : Infinity, nll);
    const how = oneOf(options, 'reduction', ['none', 'mean', 'sum']);
    if (how === 'none') return { output: perSample };
    if (how === 'sum') return { output: sum(perSample) };
    const lengths = maximum(cast(tl, lp.dtype), 1);
    return { output: div(sum(div(perSample, lengths)), N) };
  },
};
