// The linter's findings, and the messages between the extension host and the linter's worker thread.

export const RULE_CODES = ['LL001', 'LL002', 'LL003', 'LL004', 'LL005', 'LL006', 'LL007', 'LL008'] as const;
export type RuleCode = (typeof RULE_CODES)[number];

/** A replacement of text[start, end) (offsets in the linted text). */
export interface TextEdit {
  start: number;
  end: number;
  text: string;
}

/** A fix offered only where it is certain; applying all its edits fixes the finding. */
export interface Fix {
  title: string;
  edits: TextEdit[];
}

export interface Finding {
  code: RuleCode;
  message: string;
  /** 0-based, UTF-16 columns (as VS Code and JavaScript strings count). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Offsets in the linted text. */
  start: number;
  end: number;
  fix?: Fix;
}

/** host → worker: lint `text` (the document `key`, at `version`); the worker keeps its last tree per key. */
export interface LintRequest {
  type: 'lint';
  id: number;
  key: string;
  text: string;
  select?: RuleCode[];
}

/** host → worker: the document is closed; drop its tree. */
export interface LintForget {
  type: 'forget';
  key: string;
}

/** worker → host: the findings for request `id`, or why linting failed. */
export interface LintReply {
  type: 'findings';
  id: number;
  findings: Finding[];
  /** Time the worker spent on the request, ms (parse + rules). */
  ms: number;
  error?: string;
}

export type ToLintWorker = LintRequest | LintForget;
