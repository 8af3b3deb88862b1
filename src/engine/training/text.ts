// Character-level language-model data: the text as ids, cut into sequences of consecutive positions. Position
// p reads the `context` characters ids[p … p+context) and predicts ids[p+context]. Training sequences have a
// random length from 1 to T and are padded to T with ignore_index, so that token- and sequence-level
// normalization weigh them differently; evaluation reads the held-out tail in chunks of T.
import type { Batch, Dataset, Source } from './data';
import { IGNORE_INDEX } from './loss';

export const DEFAULT_SEQUENCE_LENGTH = 16;

/** Sequences over positions [from, to) of `ids`: x [B, T, context], y [B, T]. */
function sequences(ids: Int32Array, context: number, T: number, from: number, to: number): Source {
  const positions = to - from;
  // starts[b], lengths[b] → the batch; positions past a sequence's length read id 0 and are not counted.
  const batch = (starts: number[], lengths: number[]): Batch => {
    const B = starts.length;
    const x = new BigInt64Array(B * T * context);
    const y = new BigInt64Array(B * T).fill(BigInt(IGNORE_INDEX));
    starts.forEach((start, b) => {
      for (let t = 0; t < lengths[b]; t++) {
        const p = start + t;
        for (let c = 0; c < context; c++) x[(b * T + t) * context + c] = BigInt(ids[p + c]);
        y[b * T + t] = BigInt(ids[p + context]);
      }
    });
    return { x, y, xShape: [B, T, context], yShape: [B, T] };
  };
  return {
    count: Math.ceil(positions / T),
    sample: (size, random) => {
      const lengths = Array.from({ length: size }, () => 1 + Math.floor(random() * Math.min(T, positions)));
      return batch(lengths.map((L) => from + Math.floor(random() * (positions - L + 1))), lengths);
    },
    first: (size) => {
      const starts = Array.from({ length: size }, (_, b) => from + b * T);
      return batch(starts, starts.map((s) => Math.min(T, to - s)));
    },
  };
}

/** The text's characters as a vocabulary, its first 90% of positions for training and the rest for evaluation. */
export function characters(text: string, context: number, sequenceLength: number): Dataset {
  const vocabulary = [...new Set(text)].sort();
  if (vocabulary.length < 2) throw new Error('the text needs at least two different characters to train on');
  const ids = Int32Array.from(text, (ch) => vocabulary.indexOf(ch));
  const n = ids.length - context;
  if (n < 10) throw new Error(`the text is too short: ${ids.length} characters for a context of ${context}`);
  const split = n - Math.max(1, Math.floor(n * 0.1));
  return {
    train: sequences(ids, context, sequenceLength, 0, split),
    eval: sequences(ids, context, sequenceLength, split, n),
    inputs: vocabulary.length,
    classes: vocabulary.length,
    vocabulary,
  };
}
