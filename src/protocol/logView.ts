// Messages between the training-log view (webview) and the extension host. Types only.
import type { CurveSelection } from '../charts/curveView';
import type { HParams, Series } from '../logs/model';
import { isSmoother, type Smoother } from '../logs/smoothing';
import type { XAxis } from '../logs/xAxis';

/** Points appended to a run since its last update (its first update carries everything). */
export interface RunPoints {
  run: string;
  points: Record<string, Series>;
  skipped: Record<string, number>;
  /** The run's hyperparameters as read so far (absent: none found). */
  hparams?: HParams;
}

/** host → view: the points of the runs read together: the view draws them at once (one redraw, not one per run). */
export interface RunPointsMessage {
  type: 'points';
  runs: RunPoints[];
}

/** A run found under the opened folder, before its scalars are read. */
export interface ListedRun {
  name: string;
  /** Bytes of its log files: a size known without reading them. */
  bytes: number;
}

/**
 * Runs of a folder ticked when its view first opens: the first in path order. The host reads them while the
 * page loads and sends their points after the first run list, unasked; the others are read when ticked.
 */
export const FIRST_SHOWN = 20;

/**
 * host → view: every run under the opened file or folder, in path order (sent at once, and again when runs
 * appear). Their scalars come only for the runs the view asks for with a LoadRunsMessage.
 */
export interface RunListMessage {
  type: 'runs';
  runs: ListedRun[];
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

/** The view's chart settings that an export reproduces. */
export interface ExportSettings {
  smoothing: number;
  smoother: Smoother;
  logY: boolean;
  /** 'step', 'wall_time', 'relative' or the tag of the series drawn as the x axis. */
  x: XAxis;
  /** Colours the user set, by run (or group) name. */
  colors: Record<string, string>;
  selection: CurveSelection;
}

/** view → host: write a standalone HTML report of what the view shows (same runs, bands and colours). */
export interface ExportHtmlMessage extends ExportSettings {
  type: 'exportHtml';
}

/** view → host: write all scalars of the visible runs and tags as one long CSV (run, tag, step, wall_time, value) or JSON. */
export interface ExportScalarsMessage extends ExportSettings {
  type: 'exportScalars';
  format: 'csv' | 'json';
}

/** view → host: read these listed runs' scalars, send them, and keep following their files. */
export interface LoadRunsMessage {
  type: 'load';
  runs: string[];
}

/** view → host: save a chart image (PNG data URL from Plotly.toImage). */
export interface SavePngMessage {
  type: 'savePng';
  metric: string;
  dataUrl: string;
}

export type ToLogView = RunListMessage | RunPointsMessage | LogErrorMessage;
export type FromLogView = ReadyMessage | LoadRunsMessage | ExportHtmlMessage | ExportScalarsMessage | SavePngMessage;

const isStringRecord = (v: unknown): v is Record<string, string> => !!v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

function isSelection(v: unknown): v is CurveSelection {
  if (!v || typeof v !== 'object') return false;
  const s = v as Record<string, unknown>;
  const g = s.groupBy as Record<string, unknown> | undefined;
  const groupOk = !!g && (g.kind === 'none' || (g.kind === 'regex' && typeof g.pattern === 'string') || (g.kind === 'folder' && Number.isInteger(g.level)));
  return typeof s.runFilter === 'string' && typeof s.tagFilter === 'string' && Array.isArray(s.hidden) && s.hidden.every((h) => typeof h === 'string') && groupOk && (s.band === 'std' || s.band === 'minmax');
}

function isExportSettings(msg: Record<string, unknown>): boolean {
  return typeof msg.smoothing === 'number' && isSmoother(msg.smoother) && typeof msg.logY === 'boolean' && typeof msg.x === 'string' && msg.x !== '' && isStringRecord(msg.colors) && isSelection(msg.selection);
}

/** Validates a message from the view before the host acts on it. */
export function isFromLogView(m: unknown): m is FromLogView {
  if (!m || typeof m !== 'object') return false;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready':
      return true;
    case 'load':
      return Array.isArray(msg.runs) && msg.runs.every((r) => typeof r === 'string');
    case 'exportHtml':
      return isExportSettings(msg);
    case 'exportScalars':
      return isExportSettings(msg) && (msg.format === 'csv' || msg.format === 'json');
    case 'savePng':
      return typeof msg.metric === 'string' && typeof msg.dataUrl === 'string' && msg.dataUrl.startsWith('data:image/png;base64,');
    default:
      return false;
  }
}
