// Messages between the playground panel (webview) and the extension host. Types only. Tensors cross as
// plain JSON arrays here: they are small (a playground holds at most a few thousand numbers).
import type { ScenePayload } from './notebook';
import type { TensorJson } from './tensor';
import type { MetricBatch, TrainingConfig } from './training';

/** An input of a request: a tensor, or the output (or a named extra) of an earlier request of the same message. */
export type PanelInput = TensorJson | { ref: number; extra?: string };

/** One op on the engine. */
export interface PanelOpRequest {
  op: string;
  inputs: Record<string, PanelInput>;
  options: Record<string, number | string | boolean | TensorJson>;
}

/**
 * view → host: compute ops on the engine, in order, in one round trip (a later request may take an earlier
 * one's output as an input). The host answers with one OpResultMessage of the same id.
 */
export interface ComputeMessage {
  type: 'compute';
  id: number;
  requests: PanelOpRequest[];
}

/** A value as it crosses to the panel: JSON has no NaN or ±Infinity, so those travel as strings. */
export type PanelNumber = number | 'NaN' | 'Infinity' | '-Infinity';

/** A tensor the host sends to the panel. */
export interface PanelTensor {
  shape: number[];
  data: PanelNumber[];
}

/** What one op gave. */
export interface PanelOpResult {
  output: PanelTensor;
  grad: Record<string, PanelTensor>;
  extras: Record<string, PanelTensor>;
}

/** host → view: the engine's answers, one per request (or the first error, shown inline). */
export interface OpResultMessage {
  type: 'result';
  id: number;
  results?: PanelOpResult[];
  error?: string;
}

/**
 * Every scene of the playground, by id. The host accepts only these wherever the panel names a scene (a
 * snapshot's scene becomes part of a file name): a new scene adds its id here.
 */
export const PANEL_SCENES = ['softmax-ce', 'kl', 'preferences', 'rlhf', 'bert', 'backprop', 'masks', 'other', 'length', 'clipping', 'multi-task', 'training'] as const;
export type PanelSceneId = (typeof PANEL_SCENES)[number];

/** view → host: the panel's state changed (kept for reloads; also what "Open in notebook" would use). */
export interface StateMessage {
  type: 'state';
  scene: PanelSceneId;
}

/** view → host: open a notebook that redoes the scene's computation (`code`) with its snapshot as output. */
export interface OpenInNotebookMessage {
  type: 'openInNotebook';
  title: string;
  code: string;
  snapshot: ScenePayload;
}

/** A training preset the host offers (model and data); the panel lists them by index. */
export interface TrainingPreset {
  label: string;
  description?: string;
  /** The preset's configuration for a notebook's train() (a text dataset cut to its first 20,000 characters). */
  notebook: Partial<TrainingConfig>;
}

/** What the panel may change of a preset's training configuration. */
export type TrainingOverrides = Partial<Pick<TrainingConfig, 'optimizer' | 'lr' | 'steps' | 'batchSize' | 'gradAccumulation' | 'reduction' | 'clipNorm' | 'labelSmoothing' | 'focalGamma' | 'warmupSteps' | 'seed'>>;

/** view → host: train preset `preset` on the engine with these changes; metrics come back in batches. */
export interface TrainMessage {
  type: 'train';
  preset: number;
  overrides: TrainingOverrides;
}

/** view → host: stop the running training run after its current step. */
export interface StopTrainingMessage {
  type: 'stopTraining';
}

/** view → host: the page has taken the metrics of run `run` up to step `step`; the run waits for this before it computes its next batch. */
export interface TrainingReceivedMessage {
  type: 'trainingReceived';
  run: string;
  step: number;
}

/** view → host: forget the finished runs (and the points so far of a running one): "Clear curves". */
export interface ClearTrainingRunsMessage {
  type: 'clearTrainingRuns';
}

/** view → host: the page has loaded (or reloaded): send what it should show. */
export interface PanelReadyMessage {
  type: 'ready';
}

/** host → view: metrics of a run since the last batch (after a reload: everything so far). */
export interface TrainingMetricsMessage {
  type: 'trainingMetrics';
  run: string;
  batch: MetricBatch;
  /** The run's planned number of steps. */
  steps: number;
}

/** host → view: a run ended. */
export interface TrainingEndMessage {
  type: 'trainingEnd';
  run: string;
  reason: 'completed' | 'stopped' | 'failed';
  message?: string;
  stepsPerSecond: number;
}

/** Controls of a scene to set when it is shown, by the name the scene keeps them under (`naive`, `gamma`). */
export type SceneSettings = Record<string, number | boolean>;

/** host → view: show a scene (and, for the Training scene, start preset `train`), with `settings` applied. */
export interface ShowSceneMessage {
  type: 'showScene';
  scene: PanelSceneId;
  train?: number;
  settings?: SceneSettings;
}

/**
 * host → view: a message of the panel was refused (and nothing was done); the panel shows `message` inline.
 * A refused compute is answered by its OpResultMessage instead, a refused train by a failed TrainingEndMessage.
 */
export interface PanelRefusedMessage {
  type: 'refused';
  message: string;
}

export type FromPanel = ComputeMessage | StateMessage | OpenInNotebookMessage | TrainMessage | StopTrainingMessage | TrainingReceivedMessage | ClearTrainingRunsMessage | PanelReadyMessage;
export type ToPanel = OpResultMessage | TrainingMetricsMessage | TrainingEndMessage | ShowSceneMessage | PanelRefusedMessage;

/** What the host accepts from the panel; anything larger is refused with a message naming the limit. */
export const PANEL_LIMITS = {
  /** Elements of one tensor, and of all tensors of one compute message together (a playground holds a few thousand). */
  elements: 100_000,
  /** Requests in one compute message. */
  requests: 32,
  /** Inputs, and options, of one request. */
  names: 16,
  /** Length of an op, input, option or extra name. */
  nameLength: 64,
  /** Length of a string option ('mean', 'sigmoid', …). */
  optionLength: 64,
  /** Dimensions of a tensor. */
  rank: 8,
  /** Length of a notebook title, a chart title, a series name or a label. */
  title: 200,
  /** Length of a notebook cell's code (a training cell holds up to 20,000 characters of text, escaped). */
  code: 200_000,
  /** Length of a snapshot's numbers block. */
  numbers: 20_000,
  /** Charts of a snapshot, and series of a chart. */
  charts: 16,
  /** Values of one series (a training curve has one per step). */
  seriesValues: 100_000,
  /** Values of all charts of a snapshot. */
  chartValues: 250_000,
} as const;

