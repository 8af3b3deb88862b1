// Messages between the training-log view (webview) and the extension host. Types only.
import type { Series } from '../logs/model';

/** host → view: points appended to a run since the last update (the first update carries everything). */
export interface RunPointsMessage {
  type: 'points';
  run: string;
  points: Record<string, Series>;
  skipped: Record<string, number>;
}

/** host → view: a log could not be read; show it inline. */
export interface LogErrorMessage {
  type: 'error';
  message: string;
}

/** view → host: the view is ready for data (sent once after load, and after a reload). */
export interface ReadyMessage {
  type: 'ready';
}

/** view → host: write a standalone HTML report with the view's current settings. */
export interface ExportHtmlMessage {
  type: 'exportHtml';
  smoothing: number;
  logY: boolean;
  x: 'step' | 'wall_time';
}

/** view → host: save a chart image (PNG data URL from Plotly.toImage). */
export interface SavePngMessage {
  type: 'savePng';
  metric: string;
  dataUrl: string;
}

export type ToLogView = RunPointsMessage | LogErrorMessage;
export type FromLogView = ReadyMessage | ExportHtmlMessage | SavePngMessage;

/** Validates a message from the view before the host acts on it. */
export function isFromLogView(m: unknown): m is FromLogView {
  if (!m || typeof m !== 'object') return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
      return true;
    case 'exportHtml':
      return typeof msg.smoothing === 'number' && typeof msg.logY === 'boolean' && (msg.x === 'step' || msg.x === 'wall_time');
    case 'savePng':
      return typeof msg.metric === 'string' && typeof msg.dataUrl === 'string' && msg.dataUrl.startsWith('data:image/png;base64,');
    default:
      return false;
  }
}
