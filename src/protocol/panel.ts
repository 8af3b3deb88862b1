// Messages between the playground panel (webview) and the extension host. Types only. Tensors cross as
// plain JSON arrays here: they are small (a playground holds at most a few thousand numbers).
import type { ScenePayload } from './notebook';
import type { TensorJson } from './tensor';

/** An input of a request: a tensor, or the output of an earlier request of the same message. */
export type PanelInput = TensorJson | { ref: number };

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

export type FromPanel = ComputeMessage | StateMessage | OpenInNotebookMessage;
export type ToPanel = OpResultMessage;

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
  return typeof ref === 'number' && Number.isInteger(ref) && ref >= 0 && ref < index && Object.keys(t as object).length === 1;
}
