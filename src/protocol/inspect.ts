// The Loss Inspector's report of a tensor file (the CLI's `losslab inspect --format json` and the custom
// editor's view): per-token statistics, totals, calibration and the checks. Types only.

/** Which tensor plays which part; names are the file's entry names. */
export interface InspectRoles {
  logits: string;
  labels: string;
  /** 1 = counted, 0 = left out (attention_mask / loss_mask). */
  mask?: string;
  /** Also compared with the labels: equal labels mean the shift was forgotten. */
  inputIds?: string;
}

export interface InspectSettings {
  roles: InspectRoles;
  ignoreIndex: number;
  /** Tokens with this label are padding; a warning when they are counted. */
  padId?: number;
  /** Labels are the input ids: position t is scored against label t + 1 (a causal LM's labels before the shift). */
  shift: boolean;
  /** Rows kept in the worst-tokens table. */
  worst?: number;
}

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  bytes: number;
}

/** One scored position: sequence b, position t (after the shift), target id, and what the model said. */
export interface TokenRow {
  sequence: number;
  position: number;
  target: number;
  loss: number;
  p: number;
  rank: number;
  entropy: number;
  top5: number[];
  top5p: number[];
}

export interface ReliabilityBin {
  /** (lower, upper] of max-probability confidence. */
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

export interface InspectWarning {
  code: 'probabilities' | 'log-probabilities' | 'unshifted-labels' | 'pad-counted' | 'labels-out-of-range' | 'non-finite' | 'all-masked-sequence';
  message: string;
  /** The playground scene that explains it. */
  scene?: string;
}

export interface InspectReport {
  file: string;
  tensors: TensorInfo[];
  settings: InspectSettings;
  /** Sequences B, positions T (after the shift), vocabulary V. */
  shape: { sequences: number; positions: number; vocabulary: number };
  tokens: number;
  loss_token_mean: number | null;
  loss_sequence_mean: number | null;
  perplexity: number | null;
  top1: number | null;
  top5: number | null;
  ece: number | null;
  reliability: ReliabilityBin[];
  /** Loss histogram: `edges` has one more value than `counts`. */
  histogram: { edges: number[]; counts: number[] };
  /** Mean loss at each position t over the sequences that count it (null where none does). */
  by_position: (number | null)[];
  /** Mean loss of each sequence (null for a sequence with no counted token), and its counted tokens. */
  by_sequence: (number | null)[];
  sequence_tokens: number[];
  worst: TokenRow[];
  warnings: InspectWarning[];
  /** Per position [B·T] (after the shift): loss (NaN where not counted), for the token strip. */
  strip?: { loss: number[]; target: number[]; p: number[]; rank: number[]; top5: number[][]; top5p: number[][] };
  seconds: number;
}

/** host → inspection worker: inspect `file` (settings guessed from the file when omitted). */
export interface InspectFileMessage {
  type: 'inspect';
  file: string;
  settings?: InspectSettings;
  /** A Hugging Face tokenizer.json; the one beside the file when omitted. */
  tokenizer?: string;
}

/**
 * host → inspection worker: stop after the block being scored (the worker answers `cancelled`). The host never
 * terminates a worker in the middle of an ONNX Runtime run: that aborts the whole process.
 */
export interface CancelInspectMessage {
  type: 'cancel';
}

export type ToInspectWorker = InspectFileMessage | CancelInspectMessage;

/** worker → host: the file's tensors and the settings in use (before the statistics). */
export interface OpenedMessage {
  type: 'opened';
  tensors: TensorInfo[];
  settings?: InspectSettings;
}

/** worker → host: share of the logits rows scored so far. */
export interface ProgressMessage {
  type: 'progress';
  fraction: number;
}

/** worker → host: the finished report; `tokenText` maps the ids it mentions to text when a tokenizer was found. */
export interface ReportMessage {
  type: 'report';
  report: InspectReport;
  tokenText?: Record<number, string>;
  /** The tokenizer.json that gave `tokenText`. */
  tokenizer?: string;
  /** Why the tokenizer.json could not be read (the ids are then shown as numbers). */
  tokenizerError?: string;
}

/** worker → host: the file or settings were refused; `message` names the file and entry. */
export interface InspectErrorMessage {
  type: 'error';
  message: string;
}

/** worker → host: the inspection stopped on `cancel`; no ONNX Runtime run is left in flight. */
export interface InspectCancelledMessage {
  type: 'cancelled';
}

export type FromInspectWorker = OpenedMessage | ProgressMessage | ReportMessage | InspectErrorMessage | InspectCancelledMessage;

/** host → Inspector view: show this report (or this error, or progress). */
export type ToInspectorView =
  | { type: 'show'; report: InspectReport; tokenText?: Record<number, string>; tokenizer?: string; tokenizerError?: string }
  | { type: 'progress'; fraction: number; tensors: TensorInfo[] }
  | { type: 'failed'; message: string; tensors: TensorInfo[]; settings?: InspectSettings }
  /**
   * The user cancelled the run at `fraction` of the rows and its worker has stopped: say so and offer to run it
   * again with `settings` (guessed from the file when undefined); a report already shown stays.
   */
  | { type: 'cancelled'; fraction: number; tensors: TensorInfo[]; settings?: InspectSettings };

/** Inspector view → host: re-run with these settings; open a playground scene; the view finished drawing. */
export type FromInspectorView =
  | { type: 'ready' }
  | { type: 'settings'; settings: InspectSettings }
  /** Run the cancelled inspection again: with these settings, or with the guessed ones when undefined. */
  | { type: 'runAgain'; settings?: InspectSettings }
  | { type: 'openScene'; scene: string }
  /** Choose a tokenizer.json (a file dialog in the host), then inspect again with these settings. */
  | { type: 'chooseTokenizer'; settings?: InspectSettings }
  /** What the view shows now: the totals as drawn, or the error and the tensors listed (read by the integration tests). */
  | { type: 'rendered'; totals: Record<string, string>; stripTokens: number; reliabilityBins: number; warnings: string[]; tokenizer?: string; error?: string; tensorRows: number };
