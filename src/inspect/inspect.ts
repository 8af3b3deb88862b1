// Inspects logits against labels in a tensor file, streamed over blocks of rows: the engine scores each block
// (loss, p, rank, entropy, top-5), this module gathers the totals in float64. Memory: one block of logits
// (about 16 MB) plus a few numbers per token, whatever the file's size.
import type { InspectReport, InspectSettings } from '../protocol/inspect';
import type { TensorFile } from '../tensorfile/open';
import { byteLength, fileError } from '../tensorfile/tensorFile';
import { findings } from './checks';
import { blockStats, topK } from './tokenGraph';
import { summarize, type Scored } from './totals';

/** Logits per block: 4M float32 (16 MB). */
const BLOCK_ELEMENTS = 1 << 22;

export interface InspectOptions {
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
  /** Keep every position's statistics (the token strip). */
  strip?: boolean;
}

export class InspectCancelled extends Error {}

/** The labels of each logits row [B·T] (after the shift), ignoreIndex where not scored, and the counted mask. */
function targets(file: TensorFile, settings: InspectSettings, B: number, T: number, V: number) {
  const labelsEntry = file.entry(settings.roles.labels);
  const lead = file.entry(settings.roles.logits).shape.slice(0, -1);
  if (labelsEntry.shape.join() !== lead.join()) {
    fileError(file.path, `labels of shape ${JSON.stringify(labelsEntry.shape)} do not match logits of shape ${JSON.stringify(file.entry(settings.roles.logits).shape)} (expected ${JSON.stringify(lead)})`, labelsEntry.name);
  }
  if (labelsEntry.dtype.startsWith('float') || labelsEntry.dtype === 'bfloat16') fileError(file.path, `labels must be integers, got ${labelsEntry.dtype}`, labelsEntry.name);
  const labels = file.whole(labelsEntry) as BigInt64Array;
  let mask: BigInt64Array | Float32Array | undefined;
  if (settings.roles.mask) {
    const m = file.entry(settings.roles.mask);
    if (m.shape.join() !== lead.join()) fileError(file.path, `mask of shape ${JSON.stringify(m.shape)} does not match the labels' ${JSON.stringify(lead)}`, m.name);
    mask = file.whole(m);
  }
  const ignore = BigInt(settings.ignoreIndex);
  const y = new BigInt64Array(B * T).fill(ignore);
  const counted = new Uint8Array(B * T);
  let outOfRange = 0;
  let firstOutOfRange: [number, number, bigint] | undefined;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const from = b * T + (settings.shift ? t + 1 : t);
      if (settings.shift && t === T - 1) continue;
      const label = labels[from];
      if (label === ignore || (mask && Number(mask[from]) === 0)) continue;
      if (label < 0n || label >= BigInt(V)) {
        outOfRange++;
        firstOutOfRange ??= [b, t, label];
        continue;
      }
      y[b * T + t] = label;
      counted[b * T + t] = 1;
    }
  }
  return { y, counted, labels, outOfRange, firstOutOfRange };
}

export async function inspectTensors(file: TensorFile, settings: InspectSettings, options: InspectOptions = {}): Promise<InspectReport> {
  const started = performance.now();
  const logits = file.entry(settings.roles.logits);
  if (!['float32', 'float16', 'bfloat16', 'float64'].includes(logits.dtype)) fileError(file.path, `logits must be floating point, got ${logits.dtype}`, logits.name);
  if (logits.shape.length !== 2 && logits.shape.length !== 3) fileError(file.path, `logits must be [B, T, V] or [N, V], got ${JSON.stringify(logits.shape)}`, logits.name);
  const [B, T, V] = logits.shape.length === 3 ? logits.shape : [1, ...logits.shape];
  if (V === 0 || B * T === 0) fileError(file.path, `logits of shape ${JSON.stringify(logits.shape)} hold no token`, logits.name);
  const { y, counted, labels, outOfRange, firstOutOfRange } = targets(file, settings, B, T, V);
  const rows = B * T;
  const k = topK(V);
  const scored: Scored = {
    B, T, V, k, y, counted,
    loss: new Float64Array(rows), p: new Float64Array(rows), rank: new Float64Array(rows), entropy: new Float64Array(rows),
    topIds: new Int32Array(rows * k), topP: new Float32Array(rows * k),
  };
  const flat = { ...logits, shape: [rows, V] };
  const perBlock = Math.max(1, Math.floor(BLOCK_ELEMENTS / V));
  const rowChecks = { probabilities: true, logProbabilities: true, finiteRows: 0 };
  for (let start = 0; start < rows; start += perBlock) {
    if (options.signal?.aborted) throw new InspectCancelled('inspection cancelled');
    const R = Math.min(perBlock, rows - start);
    const x = file.rows(flat, start, R) as Float32Array;
    const s = await blockStats(x, y.subarray(start, start + R).map((v, i) => (counted[start + i] ? v : 0n)), R, V);
    for (let r = 0; r < R; r++) {
      const i = start + r;
      scored.loss[i] = s.loss[r];
      scored.p[i] = Math.exp(-s.loss[r]);
      scored.rank[i] = s.rank[r];
      scored.entropy[i] = s.entropy[r];
      for (let j = 0; j < k; j++) {
        scored.topIds[i * k + j] = Number(s.topIds[r * k + j]);
        scored.topP[i * k + j] = s.topP[r * k + j];
      }
      if (!Number.isFinite(s.rowSum[r])) continue;
      rowChecks.finiteRows++;
      if (!(s.rowMin[r] >= 0 && s.rowMax[r] <= 1 && Math.abs(s.rowSum[r] - 1) < 1e-3)) rowChecks.probabilities = false;
      if (!(s.rowMax[r] <= 1e-6 && Math.abs(s.logSumExp[r]) < 1e-3)) rowChecks.logProbabilities = false;
    }
    options.onProgress?.(Math.min(1, (start + R) / rows));
  }
  const totals = summarize(scored, settings.worst ?? 20);
  const inputIds = settings.roles.inputIds ? (file.whole(file.entry(settings.roles.inputIds)) as BigInt64Array) : undefined;
  const warnings = findings({ settings, scored, totals, rowChecks, labels, inputIds, outOfRange, firstOutOfRange, labelsName: settings.roles.labels });
  const positions = settings.shift ? T - 1 : T;
  return {
    file: file.path,
    tensors: file.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, bytes: byteLength(e) })),
    settings,
    shape: { sequences: B, positions, vocabulary: V },
    ...totals.report,
    by_position: totals.report.by_position.slice(0, positions),
    warnings,
    strip: options.strip ? strip(scored, positions) : undefined,
    seconds: (performance.now() - started) / 1000,
  };
}

function strip(s: Scored, positions: number): NonNullable<InspectReport['strip']> {
  const out: NonNullable<InspectReport['strip']> = { loss: [], target: [], p: [], rank: [], top5: [], top5p: [] };
  for (let b = 0; b < s.B; b++) {
    for (let t = 0; t < positions; t++) {
      const i = b * s.T + t;
      out.loss.push(s.counted[i] ? s.loss[i] : NaN);
      out.target.push(s.counted[i] ? Number(s.y[i]) : -1);
      out.p.push(s.p[i]);
      out.rank.push(s.rank[i]);
      out.top5.push(Array.from(s.topIds.subarray(i * s.k, (i + 1) * s.k)));
      out.top5p.push(Array.from(s.topP.subarray(i * s.k, (i + 1) * s.k)));
    }
  }
  return out;
}
