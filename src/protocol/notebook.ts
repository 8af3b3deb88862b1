// The .lossnb notebook file, the kernel's messages, and the rich output MIME types. Types only.

/** A cell output item: `data` is text for text/* MIME types and JSON for ours. */
export interface OutputItemJson {
  mime: string;
  data: unknown;
}

export interface CellOutputJson {
  items: OutputItemJson[];
  metadata?: Record<string, unknown>;
  [unknown: string]: unknown;
}

export interface CellJson {
  kind: 'code' | 'markdown';
  language: string;
  source: string;
  metadata?: Record<string, unknown>;
  outputs?: CellOutputJson[];
  [unknown: string]: unknown;
}

export interface NotebookJson {
  format: 'losslab-notebook/1';
  metadata?: Record<string, unknown>;
  cells: CellJson[];
  [unknown: string]: unknown;
}

/** Rich outputs the renderer draws; each payload carries `version: 1`. */
export const MIME = {
  distribution: 'application/vnd.loss-lab.distribution+json',
  curve: 'application/vnd.loss-lab.curve+json',
  tensor: 'application/vnd.loss-lab.tensor+json',
  scene: 'application/vnd.loss-lab.scene+json',
} as const;

/** Bars of one or more named distributions over the same labels (probabilities, targets, gradients). */
export interface DistributionPayload {
  version: 1;
  title?: string;
  labels: string[];
  series: { name: string; values: number[] }[];
}

/** Lines y(x), e.g. a loss as a function of a parameter, or a loss curve. */
export interface CurvePayload {
  version: 1;
  title?: string;
  x: number[];
  series: { name: string; y: number[] }[];
  xTitle?: string;
  yTitle?: string;
  logY?: boolean;
}

/** A snapshot of a playground scene: its numbers and charts at the moment it was sent to a notebook. */
export interface ScenePayload {
  version: 1;
  scene: string;
  title: string;
  numbers: string;
  charts: ({ kind: 'distribution' } & DistributionPayload | { kind: 'curve' } & CurvePayload)[];
}

/** A tensor shown as a table (rank ≤ 2). */
export interface TensorPayload {
  version: 1;
  title?: string;
  shape: number[];
  data: number[];
}

/** host → kernel: run one cell. */
export interface RunCellMessage {
  type: 'run';
  id: number;
  code: string;
  language: 'javascript' | 'typescript';
  /** Cell label used in stack traces, e.g. "cell 3". */
  name: string;
}

/** kernel → host: the cell's outputs, in order, and whether it failed. */
export interface CellDoneMessage {
  type: 'done';
  id: number;
  outputs: CellOutputJson[];
  ok: boolean;
}

export type ToKernel = RunCellMessage;
export type FromKernel = CellDoneMessage;
