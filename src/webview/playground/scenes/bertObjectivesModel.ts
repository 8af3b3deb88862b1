// The BERT-family scene's sentence pair, its seeded masking and the stand-in models whose logits the engine
// scores. No DOM and no loss arithmetic here: every loss is the engine's; this file only decides which
// positions are corrupted and predicted, as BERT's, XLNet's and ELECTRA's data pipelines do.

export const IGNORE_INDEX = -100;
const SPECIAL = ['[CLS]', '[SEP]', '[MASK]'] as const;
/** Sentence A and the sentence that follows it in the text (word pieces; "##" continues a word). */
export const SENTENCE_A = 'the chef un ##wrap ##ped the cheese and serve ##d it warm'.split(' ');
export const SENTENCE_B = 'every guest ask ##ed for a second slice .'.split(' ');
/** NSP's negative: a sentence from elsewhere in the corpus. */
export const SENTENCE_RANDOM = 'the train to ber ##lin leaves at nine .'.split(' ');
/** [CLS] A [SEP] B [SEP], the input every objective reads. */
export const TOKENS = ['[CLS]', ...SENTENCE_A, '[SEP]', ...SENTENCE_B, '[SEP]'];
export const VOCAB = [...SPECIAL, ...new Set([...SENTENCE_A, ...SENTENCE_B, ...SENTENCE_RANDOM])];
export const V = VOCAB.length;
export const T = TOKENS.length;
export const MASK_ID = VOCAB.indexOf('[MASK]');
export const IDS = TOKENS.map((w) => VOCAB.indexOf(w));
const isSpecial = (id: number) => id < SPECIAL.length;
/** Positions an objective may predict (never [CLS] or [SEP]). */
export const MASKABLE = IDS.flatMap((id, t) => (isSpecial(id) ? [] : [t]));
/** The whole words: each a run of positions whose later pieces start with "##". */
export const WORDS: number[][] = MASKABLE.reduce<number[][]>((words, t) => (TOKENS[t].startsWith('##') ? words[words.length - 1].push(t) : words.push([t]), words), []);

/** mulberry32: a small seeded generator, so a seed always gives the same masking. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled<X>(items: X[], random: () => number): X[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

export type Corruption = 'mask' | 'random' | 'keep';

export interface MlmSample {
  /** Positions to predict, ascending. */
  predicted: number[];
  /** What BERT's 80-10-10 rule did at each predicted position. */
  corruption: Corruption[];
  /** The ids the encoder reads. */
  input: number[];
  /** The original id at predicted positions, −100 (ignore_index) elsewhere. */
  labels: number[];
}

/**
 * BERT's masking (create_pretraining_data): round(rate · n) positions to predict (at least one), drawn over
 * shuffled tokens — or over shuffled whole words, skipping a word that would overshoot the count — then 80%
 * become [MASK], 10% a random token and 10% stay.
 */
export function mlmSample(seed: number, rate: number, wholeWord: boolean): MlmSample {
  const random = seeded(seed);
  const count = Math.max(1, Math.round(MASKABLE.length * rate));
  const units = shuffled(wholeWord ? WORDS : MASKABLE.map((t) => [t]), random);
  const chosen: number[] = [];
  for (const unit of units) {
    if (chosen.length >= count) break;
    if (chosen.length + unit.length <= count) chosen.push(...unit);
  }
  const predicted = chosen.sort((a, b) => a - b);
  const input = [...IDS];
  const corruption = predicted.map((t): Corruption => {
    const r = random();
    if (r < 0.8) return (input[t] = MASK_ID), 'mask';
    if (r < 0.9) return (input[t] = SPECIAL.length + Math.floor(random() * (V - SPECIAL.length))), 'random';
    return 'keep';
  });
  const labels = IDS.map((id, t) => (predicted.includes(t) ? id : IGNORE_INDEX));
  return { predicted, corruption, input, labels };
}

const pattern = (t: number, v: number) => 0.5 * Math.sin(1.3 * t + 0.7 * v);

/**
 * The stand-in encoder's logits [T, V] for an input: it copies the token it reads (2.5, nothing for [MASK])
 * and leans 1.5 towards the original word, so a kept token is easy, a [MASK] harder and a random one hardest.
 */
export function mlmLogits(input: number[]): number[] {
  return input.flatMap((seen, t) => VOCAB.map((_, v) => pattern(t, v) + (seen !== MASK_ID && v === seen ? 2.5 : 0) + (v === IDS[t] ? 1.5 : 0)));
}

export interface PlmSample {
  /** The factorisation order z: the maskable positions in a seeded order. */
  order: number[];
  /** How many of the order's last tokens are predicted (XLNet's partial prediction, n/K). */
  predictedCount: number;
  /** visible[i][j]: the prediction at position i may attend to position j (j comes earlier in z, or is [CLS]/[SEP]). */
  visible: boolean[][];
}

/** XLNet: a seeded factorisation order; the last round(n/K) tokens of it are predicted (K = 1: all, as the text has it). */
export function plmSample(seed: number, K: number): PlmSample {
  const order = shuffled(MASKABLE, seeded(seed ^ 0x9e3779b9));
  const rank = new Map(order.map((t, k) => [t, k]));
  const visible = IDS.map((_, i) => IDS.map((id, j) => isSpecial(id) || (rank.has(i) && rank.get(j)! < rank.get(i)!)));
  return { order, predictedCount: Math.max(1, Math.round(order.length / K)), visible };
}

/**
 * The stand-in model's logits for each step of the order, rows [n, V] in the order z: the more earlier tokens
 * it sees, the surer it is of the word (0.5 + 3 · seen / n on the original).
 */
export function plmLogits(p: PlmSample): number[] {
  const n = p.order.length;
  return p.order.flatMap((t, k) => VOCAB.map((_, v) => pattern(t, v) + (v === IDS[t] ? 0.5 + (3 * k) / n : 0)));
}

/** The targets of those rows: the original word for the last predictedCount steps, −100 before them. */
export const plmTargets = (p: PlmSample) => p.order.map((t, k) => (k >= p.order.length - p.predictedCount ? IDS[t] : IGNORE_INDEX));

/** ELECTRA's generator input: the MLM positions all become [MASK]. */
export const generatorInput = (predicted: number[]) => IDS.map((id, t) => (predicted.includes(t) ? MASK_ID : id));

/** Inverse-CDF draw from each predicted position's generator distribution (probabilities from the engine). */
export function sampleReplacements(seed: number, predicted: number[], probs: number[]): number[] {
  const random = seeded(seed ^ 0x85ebca6b);
  return predicted.map((_, k) => {
    const row = probs.slice(k * V, (k + 1) * V);
    let u = random();
    const v = row.findIndex((p) => (u -= p) < 0);
    return v < 0 ? V - 1 : v;
  });
}

/** The stand-in discriminator's logit per token: fairly sure where the token was replaced, unsure in places. */
export const discriminatorLogits = (replaced: boolean[]) => replaced.map((r, t) => (r ? 2 : -2) + 1.2 * Math.sin(2.1 * t + 0.5));
