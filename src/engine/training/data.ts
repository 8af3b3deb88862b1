// Training data: seeded toy 2-D classification sets and character-level next-token examples, split into
// train and eval, and batches drawn with a seeded generator (the same seed gives the same run).

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

export interface Examples {
  /** Float features [n, width] or token ids [n, width]. */
  x: Float32Array | BigInt64Array;
  y: BigInt64Array;
  width: number;
  count: number;
}

export interface Dataset {
  train: Examples;
  eval: Examples;
  inputs: number;
  classes: number;
  /** Characters of the vocabulary (character models). */
  vocabulary?: string[];
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function split(x: Float32Array | BigInt64Array, y: BigInt64Array, width: number, random: () => number): { train: Examples; eval: Examples } {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nEval = Math.max(1, Math.floor(n * 0.1));
  const take = (ids: number[]): Examples => {
    const xs = x instanceof Float32Array ? new Float32Array(ids.length * width) : new BigInt64Array(ids.length * width);
    const ys = new BigInt64Array(ids.length);
    ids.forEach((id, k) => {
      for (let c = 0; c < width; c++) (xs as Float32Array)[k * width + c] = (x as Float32Array)[id * width + c];
      ys[k] = y[id];
    });
    return { x: xs, y: ys, width, count: ids.length };
  };
  return { eval: take(order.slice(0, nEval)), train: take(order.slice(nEval)) };
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
  return { ...split(x, y, 2, random), inputs: 2, classes: k };
}

/** (context characters → next character) examples of `text`; context 1 is the bigram model's. */
export function characters(text: string, context: number, seed: number): Dataset {
  const vocabulary = [...new Set(text)].sort();
  if (vocabulary.length < 2) throw new Error('the text needs at least two different characters to train on');
  const ids = Array.from(text, (ch) => vocabulary.indexOf(ch));
  const n = ids.length - context;
  if (n < 10) throw new Error(`the text is too short: ${ids.length} characters for a context of ${context}`);
  const x = new BigInt64Array(n * context);
  const y = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < context; c++) x[i * context + c] = BigInt(ids[i + c]);
    y[i] = BigInt(ids[i + context]);
  }
  return { ...split(x, y, context, rng(seed)), inputs: vocabulary.length, classes: vocabulary.length, vocabulary };
}

/** A batch of `size` examples drawn with replacement. */
export function sampleBatch(data: Examples, size: number, random: () => number): { x: Float32Array | BigInt64Array; y: BigInt64Array } {
  const x = data.x instanceof Float32Array ? new Float32Array(size * data.width) : new BigInt64Array(size * data.width);
  const y = new BigInt64Array(size);
  for (let k = 0; k < size; k++) {
    const i = Math.floor(random() * data.count);
    for (let c = 0; c < data.width; c++) (x as Float32Array)[k * data.width + c] = (data.x as Float32Array)[i * data.width + c];
    y[k] = data.y[i];
  }
  return { x, y };
}
