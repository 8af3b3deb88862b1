// Training data: seeded toy 2-D classification sets split into train and eval, the batch and source shapes
// every dataset shares (character sequences are in text.ts), and the seeded generator batches are drawn with
// (the same seed gives the same run).

/** mulberry32: a small, fast, seedable PRNG in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** What a step graph takes: x [B, D] floats or [B, T, context] ids, y [B] or [B, T] (−100: not counted). */
export interface Batch {
  x: Float32Array | BigInt64Array;
  y: BigInt64Array;
  xShape: number[];
  yShape: number[];
}

/** Where batches come from: random draws for training, always the same first ones for evaluation. */
export interface Source {
  /** Examples or sequences that `first` can return. */
  count: number;
  sample(size: number, random: () => number): Batch;
  first(size: number): Batch;
}

export interface Dataset {
  train: Source;
  eval: Source;
  inputs: number;
  classes: number;
  /** Characters of the vocabulary (character models). */
  vocabulary?: string[];
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Rows `ids` of features x [n, 2] and labels y [n]. */
function examples(x: Float32Array, y: BigInt64Array, ids: number[]): Source {
  const rows = (picked: number[]): Batch => {
    const xs = new Float32Array(picked.length * 2);
    picked.forEach((id, k) => xs.set(x.subarray(id * 2, id * 2 + 2), k * 2));
    return { x: xs, y: BigInt64Array.from(picked, (id) => y[id]), xShape: [picked.length, 2], yShape: [picked.length] };
  };
  return {
    count: ids.length,
    sample: (size, random) => rows(Array.from({ length: size }, () => ids[Math.floor(random() * ids.length)])),
    first: (size) => rows(ids.slice(0, size)),
  };
}

export function toy2d(shape: 'moons' | 'spiral' | 'blobs', classes: number, samples: number, seed: number): Dataset {
  const random = rng(seed);
  const k = shape === 'moons' ? 2 : classes;
  const x = new Float32Array(samples * 2);
  const y = new BigInt64Array(samples);
  for (let i = 0; i < samples; i++) {
    const c = i % k;
    let px: number;
    let py: number;
    if (shape === 'moons') {
      const a = Math.PI * random();
      [px, py] = c === 0 ? [Math.cos(a), Math.sin(a)] : [1 - Math.cos(a), 0.5 - Math.sin(a)];
    } else if (shape === 'spiral') {
      const r = random();
      const a = (c * 2 * Math.PI) / k + r * 3.5;
      [px, py] = [r * Math.cos(a), r * Math.sin(a)];
    } else {
      const a = (c * 2 * Math.PI) / k;
      [px, py] = [2 * Math.cos(a), 2 * Math.sin(a)];
    }
    x[2 * i] = px + gaussian(random) * 0.1;
    x[2 * i + 1] = py + gaussian(random) * 0.1;
    y[i] = BigInt(c);
  }
  const order = Array.from({ length: samples }, (_, i) => i);
  for (let i = samples - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nEval = Math.max(1, Math.floor(samples * 0.1));
  return { eval: examples(x, y, order.slice(0, nEval)), train: examples(x, y, order.slice(nEval)), inputs: 2, classes: k };
}
