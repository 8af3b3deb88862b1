// Messages between the playground panel (webview) and the extension host. Types only. Tensors cross as
// plain JSON arrays here: they are small (a playground holds at most a few thousand numbers).
import type { ScenePayload } from './notebook';
import type { TensorJson } from './tensor';

/** view → host: compute one op on the engine; the host answers with an OpResultMessage of the same id. */
export interface ComputeMessage {
  type: 'compute';
  id: number;
  op: string;
  inputs: Record<string, TensorJson>;
  options: Record<string, number | string | boolean | TensorJson>;
}

/** host → view: the engine's answer (or its error message, shown inline). */
export interface OpResultMessage {
  type: 'result';
  id: number;
  output?: TensorJson;
  grad?: Record<string, TensorJson>;
  extras?: Record<string, TensorJson>;
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
  if (msg.type !== 'compute' || typeof msg.id !== 'number' || typeof msg.op !== 'string') return false;
  const inputs = msg.inputs as Record<string, unknown>;
  const options = msg.options as Record<string, unknown>;
  if (!inputs || typeof inputs !== 'object' || !Object.values(inputs).every(isTensorJson)) return false;
  return !!options && typeof options === 'object' && Object.values(options).every((o) => ['number', 'string', 'boolean'].includes(typeof o) || isTensorJson(o));
}
