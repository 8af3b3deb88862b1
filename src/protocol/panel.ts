// Messages between the playground panel (webview) and the extension host. Types only. Tensors cross as
// plain JSON arrays here: they are small (a playground holds at most a few thousand numbers).
import type { ScenePayload } from './notebook';
import type { TensorJson } from './tensor';
import type { MetricBatch, OptimizerKind, Reduction, TrainingConfig } from './training';

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

/** view → host: the panel's state changed (kept for reloads; also what "Open in notebook" would use). */
export interface StateMessage {
  type: 'state';
  scene: string;
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

/** host → view: show a scene (and, for the Training scene, start preset `train`). */
export interface ShowSceneMessage {
  type: 'showScene';
  scene: string;
  train?: number;
}

export type FromPanel = ComputeMessage | StateMessage | OpenInNotebookMessage | TrainMessage | StopTrainingMessage | ClearTrainingRunsMessage | PanelReadyMessage;
export type ToPanel = OpResultMessage | TrainingMetricsMessage | TrainingEndMessage | ShowSceneMessage;

/** Largest tensor the panel may send: a playground never needs more; anything bigger is refused. */
export const PANEL_MAX_ELEMENTS = 100_000;
/** Most requests in one compute message. */
export const PANEL_MAX_REQUESTS = 32;

function isTensorJson(t: unknown): t is TensorJson {
  const v = t as TensorJson;
  return !!v && typeof v === 'object' && ['float32', 'float64', 'int64'].includes(v.dtype) && Array.isArray(v.shape) && Array.isArray(v.data) && v.data.length <= PANEL_MAX_ELEMENTS && v.data.every((x) => typeof x === 'number' || x === null);
}

/** Validates a message from the panel before the host acts on it. */
export function isFromPanel(m: unknown): m is FromPanel {
  const msg = m as Record<string, unknown>;
  if (!msg || typeof msg !== 'object') return false;
  if (msg.type === 'state') return typeof msg.scene === 'string';
  if (msg.type === 'ready' || msg.type === 'stopTraining' || msg.type === 'clearTrainingRuns') return true;
  if (msg.type === 'train') return Number.isInteger(msg.preset) && isOverrides(msg.overrides);
  if (msg.type === 'openInNotebook') {
    const snap = msg.snapshot as ScenePayload | undefined;
    return typeof msg.title === 'string' && typeof msg.code === 'string' && msg.code.length < 20_000 && !!snap && snap.version === 1 && Array.isArray(snap.charts) && JSON.stringify(snap).length < 500_000;
  }
  if (msg.type !== 'compute' || typeof msg.id !== 'number' || !Array.isArray(msg.requests)) return false;
  const requests = msg.requests as unknown[];
  return requests.length > 0 && requests.length <= PANEL_MAX_REQUESTS && requests.every((r, i) => isRequest(r, i));
}

function isRequest(r: unknown, index: number): r is PanelOpRequest {
  const req = r as Record<string, unknown>;
  if (!req || typeof req !== 'object' || typeof req.op !== 'string') return false;
  const inputs = req.inputs as Record<string, unknown>;
  const options = req.options as Record<string, unknown>;
  const isInput = (t: unknown) => isTensorJson(t) || isEarlier(t, index);
  if (!inputs || typeof inputs !== 'object' || !Object.values(inputs).every(isInput)) return false;
  return !!options && typeof options === 'object' && Object.values(options).every((o) => ['number', 'string', 'boolean'].includes(typeof o) || isTensorJson(o));
}

function isEarlier(t: unknown, index: number): boolean {
  const ref = (t as { ref?: unknown } | null)?.ref;
  const { extra, ...rest } = t as { extra?: unknown };
  return typeof ref === 'number' && Number.isInteger(ref) && ref >= 0 && ref < index && Object.keys(rest).length === 1 && (extra === undefined || typeof extra === 'string');
}

const OPTIMIZERS: readonly OptimizerKind[] = ['sgd', 'momentum', 'adam'];
const REDUCTIONS: readonly Reduction[] = ['token', 'sequence'];
/** Each numeric override: smallest, largest, whole numbers only. */
const NUMERIC: Record<string, [number, number, boolean]> = {
  lr: [1e-6, 10, false],
  steps: [1, 100_000, true],
  batchSize: [1, 4096, true],
  gradAccumulation: [1, 64, true],
  clipNorm: [0, 1e6, false],
  labelSmoothing: [0, 0.99, false],
  focalGamma: [0, 10, false],
  warmupSteps: [0, 100_000, true],
  seed: [0, 2 ** 31 - 1, true],
};

/** Training overrides from the panel: known keys only, of the right types (ranges: overridesProblem). */
export function isOverrides(o: unknown): o is TrainingOverrides {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  return Object.entries(o).every(([k, v]) => {
    if (k === 'optimizer') return OPTIMIZERS.includes(v as OptimizerKind);
    if (k === 'reduction') return REDUCTIONS.includes(v as Reduction);
    return k in NUMERIC && typeof v === 'number' && Number.isFinite(v);
  });
}

/** Why the overrides are refused, for the panel's inline message (undefined when they are fine). */
export function overridesProblem(o: TrainingOverrides): string | undefined {
  for (const [k, v] of Object.entries(o)) {
    const range = NUMERIC[k];
    if (range && !(typeof v === 'number' && v >= range[0] && v <= range[1] && (!range[2] || Number.isInteger(v)))) {
      return `${k} must be ${range[2] ? 'a whole number' : 'a number'} from ${range[0]} to ${range[1]}`;
    }
  }
  return undefined;
}
