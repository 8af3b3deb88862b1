// Training runs on the engine: configuration, metric batches and control messages. Types only.

export type ModelKind = 'softmax_regression' | 'mlp' | 'char_bigram' | 'char_mlp';
export type OptimizerKind = 'sgd' | 'momentum' | 'adam';
/**
 * How the per-token losses of a batch become one number. 'token': Σ over counted tokens / their count (their
 * class weights when given). 'sequence': the mean over sequences of each sequence's own mean token loss, so a
 * short sequence weighs as much as a long one (a sequence with no counted token is left out). A 2-D toy
 * example is a one-token sequence: both agree there.
 */
export type Reduction = 'token' | 'sequence';

export interface TrainingConfig {
  model: ModelKind;
  /**
   * Toy 2-D data for classifiers ('moons' | 'spiral' | 'blobs'); text for character models, cut into sequences
   * of consecutive positions (each predicts its next character from `context` characters before it) whose
   * lengths are drawn from 1 to `sequenceLength` (default 16) and padded with ignore_index −100.
   */
  dataset: { kind: 'toy2d'; shape: 'moons' | 'spiral' | 'blobs'; classes: number; samples: number } | { kind: 'text'; text: string; context: number; sequenceLength?: number };
  hidden: number;
  /** Embedding width of char_mlp. */
  embedding: number;
  optimizer: OptimizerKind;
  lr: number;
  momentum: number;
  warmupSteps: number;
  /** Cosine decay to lr·minLrRatio over `steps`. */
  minLrRatio: number;
  steps: number;
  /** Examples (toy data) or sequences (text) per micro-batch. */
  batchSize: number;
  /**
   * Micro-batches per optimizer step; each one's gradient is divided by the denominator of all of them (the
   * counted tokens of every micro-batch for 'token', the sequences with a counted token for 'sequence').
   */
  gradAccumulation: number;
  reduction: Reduction;
  /** Global-norm clipping threshold; 0 = off. */
  clipNorm: number;
  labelSmoothing: number;
  focalGamma: number;
  /** Per-class weights, or empty for none. */
  classWeights: number[];
  evalEvery: number;
  seed: number;
}

/**
 * host → worker: start a run; the worker answers with MetricsMessages and one TrainingDoneMessage.
 * `control` is shared memory the host writes and the worker reads between steps (see TRAINING_CONTROL), so a
 * stop never waits behind messages in either thread's queue.
 */
export interface StartTrainingMessage {
  type: 'train';
  id: number;
  config: TrainingConfig;
  control: SharedArrayBuffer;
}

/**
 * Int32 slots of StartTrainingMessage.control. `stop`: the host sets 1 to stop the run after its current step.
 * `taken`: how many metric batches the host has taken (shown, or passed on); the worker computes no batch
 * beyond the one in progress until all it sent are taken, so a busy host or page slows the run rather than
 * letting it run ahead of what is shown.
 */
export const TRAINING_CONTROL = { stop: 0, taken: 1, slots: 2 } as const;

/** Metric columns of consecutive steps (a batch, never one message per step). */
export interface MetricBatch {
  steps: number[];
  /**
   * loss (under the run's reduction), perplexity (exp of the token-mean NLL), accuracy and top5_accuracy (over
   * counted tokens), grad_norm, lr, and eval_loss / eval_accuracy at eval steps.
   */
  metrics: Record<string, { steps: number[]; values: number[] }>;
}

/** worker → host: metrics since the last batch. */
export interface MetricsMessage {
  type: 'metrics';
  id: number;
  batch: MetricBatch;
}

/** worker → host: the run ended ('completed' | 'stopped') or failed. */
export interface TrainingDoneMessage {
  type: 'trainingDone';
  id: number;
  reason: 'completed' | 'stopped' | 'failed';
  message?: string;
  stepsPerSecond: number;
}

export const DEFAULT_TRAINING: TrainingConfig = {
  model: 'mlp',
  dataset: { kind: 'toy2d', shape: 'moons', classes: 2, samples: 1000 },
  hidden: 32,
  embedding: 16,
  optimizer: 'adam',
  lr: 0.01,
  momentum: 0.9,
  warmupSteps: 20,
  minLrRatio: 0.1,
  steps: 500,
  batchSize: 64,
  gradAccumulation: 1,
  reduction: 'token',
  clipNorm: 1,
  labelSmoothing: 0,
  focalGamma: 0,
  classWeights: [],
  evalEvery: 25,
  seed: 0,
};
