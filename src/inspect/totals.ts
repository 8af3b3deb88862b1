// Totals of scored tokens, in float64: token-mean and sequence-mean loss, perplexity, top-1/top-5 accuracy,
// expected calibration error over 15 equal-width confidence bins (Guo et al. 2017), the loss histogram, mean
// loss by position and by sequence, and the worst tokens. Tokens whose loss is NaN/Inf are left out (and
// reported by the checks).
import type { InspectReport, ReliabilityBin, TokenRow } from '../protocol/inspect';

export const ECE_BINS = 15;
const HISTOGRAM_BINS = 40;

/** Per logits row [B·T]: the engine's statistics and the row's target (y) and whether it counts. */
export interface Scored {
  B: number;
  T: number;
  V: number;
  k: number;
  y: BigInt64Array;
  counted: Uint8Array;
  loss: Float64Array;
  p: Float64Array;
  rank: Float64Array;
  entropy: Float64Array;
  topIds: Int32Array;
  topP: Float32Array;
}

export interface Totals {
  report: Pick<InspectReport, 'tokens' | 'loss_token_mean' | 'loss_sequence_mean' | 'perplexity' | 'top1' | 'top5' | 'ece' | 'reliability' | 'histogram' | 'by_position' | 'by_sequence' | 'sequence_tokens' | 'worst'>;
  nonFinite: number[];
}

export function summarize(s: Scored, worstCount: number): Totals {
  const { B, T, k } = s;
  let tokens = 0, total = 0, hit1 = 0, hit5 = 0;
  const seqSum = new Float64Array(B), seqCount = new Float64Array(B);
  const posSum = new Float64Array(T), posCount = new Float64Array(T);
  const bins = Array.from({ length: ECE_BINS }, () => ({ count: 0, confidence: 0, correct: 0 }));
  const nonFinite: number[] = [];
  const kept: number[] = [];
  for (let i = 0; i < B * T; i++) {
    if (!s.counted[i]) continue;
    const loss = s.loss[i];
    if (!Number.isFinite(loss)) {
      nonFinite.push(i);
      continue;
    }
    kept.push(i);
    const b = Math.floor(i / T), t = i % T;
    tokens++;
    total += loss;
    seqSum[b] += loss;
    seqCount[b]++;
    posSum[t] += loss;
    posCount[t]++;
    if (s.rank[i] < 1) hit1++;
    if (s.rank[i] < 5) hit5++;
    const confidence = s.topP[i * k];
    const bin = bins[Math.min(ECE_BINS - 1, Math.max(0, Math.ceil(confidence * ECE_BINS) - 1))];
    bin.count++;
    bin.confidence += confidence;
    if (BigInt(s.topIds[i * k]) === s.y[i]) bin.correct++;
  }
  const bySequence = Array.from(seqSum, (v, b) => (seqCount[b] ? v / seqCount[b] : null));
  const sequenceMeans = bySequence.filter((v): v is number => v !== null);
  const mean = tokens ? total / tokens : null;
  const reliability: ReliabilityBin[] = bins.map((bin, m) => ({
    lower: m / ECE_BINS,
    upper: (m + 1) / ECE_BINS,
    count: bin.count,
    confidence: bin.count ? bin.confidence / bin.count : null,
    accuracy: bin.count ? bin.correct / bin.count : null,
  }));
  const ece = tokens ? reliability.reduce((e, bin) => e + (bin.count ? (bin.count / tokens) * Math.abs(bin.accuracy! - bin.confidence!) : 0), 0) : null;
  kept.sort((a, c) => s.loss[c] - s.loss[a]);
  return {
    report: {
      tokens,
      loss_token_mean: mean,
      loss_sequence_mean: sequenceMeans.length ? sequenceMeans.reduce((a, v) => a + v, 0) / sequenceMeans.length : null,
      perplexity: mean === null ? null : Math.exp(mean),
      top1: tokens ? hit1 / tokens : null,
      top5: tokens ? hit5 / tokens : null,
      ece,
      reliability,
      histogram: histogram(kept.map((i) => s.loss[i])),
      by_position: Array.from(posSum, (v, t) => (posCount[t] ? v / posCount[t] : null)),
      by_sequence: bySequence,
      sequence_tokens: Array.from(seqCount),
      worst: kept.slice(0, worstCount).map((i) => tokenRow(s, i)),
    },
    nonFinite,
  };
}

export function tokenRow(s: Scored, i: number): TokenRow {
  return {
    sequence: Math.floor(i / s.T),
    position: i % s.T,
    target: Number(s.y[i]),
    loss: s.loss[i],
    p: s.p[i],
    rank: s.rank[i],
    entropy: s.entropy[i],
    top5: Array.from(s.topIds.subarray(i * s.k, (i + 1) * s.k)),
    top5p: Array.from(s.topP.subarray(i * s.k, (i + 1) * s.k)),
  };
}

function histogram(values: number[]): { edges: number[]; counts: number[] } {
  if (values.length === 0) return { edges: [], counts: [] };
  const top = Math.max(...values.slice(0, 1), 1e-9); // values arrive sorted, largest first
  const width = top / HISTOGRAM_BINS;
  const counts = new Array(HISTOGRAM_BINS).fill(0);
  for (const v of values) counts[Math.min(HISTOGRAM_BINS - 1, Math.floor(v / width))]++;
  return { edges: Array.from({ length: HISTOGRAM_BINS + 1 }, (_, j) => j * width), counts };
}
