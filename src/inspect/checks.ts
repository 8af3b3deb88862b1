// The checks of the reference texts' checklist, each with its evidence and the playground scene that explains it.
import type { InspectSettings, InspectWarning } from '../protocol/inspect';
import type { Scored, Totals } from './totals';

export interface CheckInput {
  settings: InspectSettings;
  scored: Scored;
  totals: Totals;
  rowChecks: { probabilities: boolean; logProbabilities: boolean; finiteRows: number };
  labels: BigInt64Array;
  inputIds?: BigInt64Array;
  labelsName: string;
  outOfRange: number;
  firstOutOfRange?: [number, number, bigint];
}

export function findings(c: CheckInput): InspectWarning[] {
  const { settings, scored: s } = c;
  const out: InspectWarning[] = [];
  const where = (i: number) => `sequence ${Math.floor(i / s.T)}, position ${i % s.T}`;
  if (c.rowChecks.finiteRows > 0 && c.rowChecks.probabilities) {
    out.push({ code: 'probabilities', scene: 'softmax-ce', message: `every row of '${settings.roles.logits}' lies in [0, 1] and sums to 1: these look like probabilities (softmax already applied). cross_entropy expects raw logits; it would apply softmax a second time.` });
  } else if (c.rowChecks.finiteRows > 0 && c.rowChecks.logProbabilities) {
    out.push({ code: 'log-probabilities', scene: 'softmax-ce', message: `every row of '${settings.roles.logits}' is ≤ 0 with log Σ exp = 0: these look like log-probabilities (log_softmax applied). That gives the same cross-entropy, but use nll_loss for them, or pass raw logits.` });
  }
  if (!settings.shift) {
    const ids = c.inputIds;
    let same = 0, compared = 0;
    if (ids) {
      for (let i = 0; i < ids.length; i++) {
        if (!s.counted[i]) continue;
        compared++;
        if (ids[i] === c.labels[i]) same++;
      }
    }
    if (compared > 0 && same === compared) {
      out.push({ code: 'unshifted-labels', scene: 'masks', message: `'${c.labelsName}' equals '${settings.roles.inputIds}' at all ${compared} counted positions: the labels were not shifted, so each position is scored on the token it already sees. Turn on "labels are input ids, shift by one".` });
    } else if (/input_ids/i.test(c.labelsName)) {
      out.push({ code: 'unshifted-labels', scene: 'masks', message: `the labels are '${c.labelsName}', scored without the shift: position t predicts token t + 1 in a causal LM. Turn on "labels are input ids, shift by one" if these are the model's inputs.` });
    }
  }
  if (settings.padId !== undefined && settings.padId !== settings.ignoreIndex) {
    let pads = 0;
    for (let i = 0; i < s.y.length; i++) if (s.counted[i] && s.y[i] === BigInt(settings.padId)) pads++;
    if (pads > 0) out.push({ code: 'pad-counted', scene: 'masks', message: `${pads} tokens with the pad id ${settings.padId} are counted in the loss (ignore_index is ${settings.ignoreIndex}): set the padding labels to ${settings.ignoreIndex} or pass an attention mask.` });
  }
  if (c.outOfRange > 0 && c.firstOutOfRange) {
    const [b, t, y] = c.firstOutOfRange;
    out.push({ code: 'labels-out-of-range', scene: 'softmax-ce', message: `${c.outOfRange} labels are outside [0, ${s.V}) and not ignore_index (${settings.ignoreIndex}), e.g. ${y} at sequence ${b}, position ${t}; PyTorch refuses them ("Target ${y} is out of bounds"). They are left out here.` });
  }
  if (c.totals.nonFinite.length > 0) {
    out.push({ code: 'non-finite', scene: 'softmax-ce', message: `${c.totals.nonFinite.length} counted tokens have a NaN or infinite loss (NaN/Inf logits), first at ${where(c.totals.nonFinite[0])}; they are left out of the totals, where PyTorch's mean would be NaN.` });
  }
  const empty = c.totals.report.sequence_tokens.map((n, b) => (n === 0 ? b : -1)).filter((b) => b >= 0);
  if (empty.length > 0 && s.B > 1) {
    out.push({ code: 'all-masked-sequence', scene: 'masks', message: `${empty.length} sequence${empty.length > 1 ? 's have' : ' has'} no counted token (sequence ${empty.slice(0, 5).join(', ')}${empty.length > 5 ? ', …' : ''}): the token mean skips it; a sequence mean that divides by B would count it as 0.` });
  }
  return out;
}
