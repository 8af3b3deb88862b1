// Text logs: Hugging Face trainer_state.json, JSON Lines (one object per line) and CSV (Lightning / Keras).
import { hparamsFromTrainerState } from './hparams';
import { skip, type Run } from './model';
import { RecordWriter, STEP_KEYS } from './records';

/** JSON as Python's json module writes it: bare NaN / Infinity / -Infinity become strings first. */
export function parseJsonLenient(textContent: string): unknown {
  try {
    return JSON.parse(textContent);
  } catch (error) {
    const quoted = textContent.replace(/([:\[,]\s*)(NaN|-?Infinity)(?=\s*[,\]}])/g, '$1"$2"');
    if (quoted === textContent) throw error;
    return JSON.parse(quoted);
  }
}

/** trainer_state.json: `log_history` is a list of dicts; train and eval entries interleave. */
export function readTrainerState(textContent: string, run: Run): void {
  if (textContent.trim() === '') throw new Error('the file is empty (a trainer_state.json holds {"log_history": [...]})');
  let state: { log_history?: unknown } | null;
  try {
    state = parseJsonLenient(textContent) as { log_history?: unknown } | null;
  } catch (error) {
    const at = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const token = /Unexpected token '(.+?)'/.exec(error instanceof Error ? error.message : '');
    throw new Error(`not valid JSON${at ? ` (at byte ${at[1]})` : token ? ` (unexpected ${JSON.stringify(token[1])})` : ' (it ends early)'}`);
  }
  if (!state || typeof state !== 'object' || !Array.isArray(state.log_history)) throw new Error('not a trainer_state.json: no "log_history" list');
  const hparams = hparamsFromTrainerState(state as Record<string, unknown>);
  if (Object.keys(hparams).length) run.hparams = hparams;
  const writer = new RecordWriter(run);
  state.log_history.forEach((entry, i) => {
    if (entry && typeof entry === 'object' && !Array.isArray(entry)) writer.add(entry as Record<string, unknown>, i);
    else skip(run, 'log_history entry that is not an object');
  });
  writer.finish();
}

export interface LineProgress {
  /** Characters consumed: everything up to and including the last newline. */
  consumed: number;
  lines: number;
}

/**
 * JSON Lines from `textContent`; a last line without its newline is left for the next read (a run still
 * writing), unless `final` says the file is complete. `firstLine` numbers lines across incremental reads.
 */
export function readJsonLines(textContent: string, run: Run, firstLine = 0, final = false): LineProgress {
  const writer = new RecordWriter(run);
  try {
    return readLines(textContent, run, writer, firstLine, final);
  } finally {
    writer.finish();
  }
}

/**
 * JSON Lines fed in chunks of bytes as they are read (never the whole file): a line, a CRLF or a UTF-8
 * character cut by a chunk's end is completed by the next chunk. A BOM at the start is dropped.
 */
export class JsonLinesStream {
  private readonly decoder = new TextDecoder();
  private readonly writer: RecordWriter;
  /** The text after the last newline so far: a line still being read. */
  private rest = '';
  private lines = 0;
  /** Bytes pushed so far, and the file's size as last said (expect): together, how much is still coming. */
  private pushed = 0;
  private expected = 0;

  constructor(private readonly run: Run) {
    this.writer = new RecordWriter(run);
  }

  /** The file holds `bytes` in all: after each chunk, every series gets room for its share of the rest. */
  expect(bytes: number): void {
    this.expected = bytes;
  }

  /** Adds the complete lines `chunk` ends (the caller may reuse `chunk` afterwards). */
  push(chunk: Uint8Array): void {
    this.pushed += chunk.length;
    const text = this.rest + this.decoder.decode(chunk, { stream: true });
    const progress = readLines(text, this.run, this.writer, this.lines, false);
    this.lines = progress.lines;
    this.rest = text.slice(progress.consumed);
    // Lines so far stand for the file: 5% more room than their rate predicts (a log's lines vary little).
    if (this.expected > this.pushed) this.writer.reserve((1.05 * this.expected) / this.pushed);
    this.writer.finish();
  }

  /** The file is complete: its last line counts even without a newline. */
  end(): void {
    const text = this.rest + this.decoder.decode();
    this.rest = '';
    this.lines = readLines(text, this.run, this.writer, this.lines, true).lines;
    this.writer.finish();
  }
}

function readLines(textContent: string, run: Run, writer: RecordWriter, firstLine: number, final: boolean): LineProgress {
  let start = 0;
  let line = firstLine;
  for (;;) {
    const nl = textContent.indexOf('\n', start);
    if (nl < 0 && !final) break;
    const end = nl < 0 ? textContent.length : nl;
    const raw = textContent.slice(start, end);
    let record: unknown;
    let valid = true;
    try {
      record = JSON.parse(raw);
    } catch {
      try {
        record = parseJsonLenient(raw);
      } catch {
        valid = false;
      }
    }
    if (valid || raw.trim() !== '') {
      if (!valid) skip(run, 'line that is not valid JSON');
      else if (record && typeof record === 'object' && !Array.isArray(record)) writer.add(record as Record<string, unknown>, line);
      else skip(run, 'JSON line that is not an object');
      line++;
    }
    if (nl < 0) return { consumed: textContent.length, lines: line };
    start = nl + 1;
  }
  return { consumed: start, lines: line };
}

/** A number as Python's float() reads it ("1e-3", " 2 ", "inf", "nan"), or undefined ("0x10", "1,5", "abc"). */
export function pythonFloat(cell: string): number | undefined {
  const t = cell.trim().replace(/(\d)_(?=\d)/g, '$1');
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  if (/^[+-]?inf(inity)?$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  return undefined;
}

const DELIMITERS = [',', '\t', ';', '|'];

/**
 * The delimiter of a CSV, as Python's csv.Sniffer guesses it: the candidate that occurs the same (non-zero)
 * number of times in most of the first lines; ',' when nothing is consistent.
 */
export function sniffDelimiter(rows: string[]): string {
  const sample = rows.slice(0, 20);
  let best = ',';
  let bestScore = 0;
  for (const d of DELIMITERS) {
    const counts = sample.map((r) => splitCsvRow(r, d).length - 1);
    const mode = counts[0];
    if (!mode) continue;
    const score = counts.filter((c) => c === mode).length / counts.length;
    if (score > bestScore) (best = d), (bestScore = score);
  }
  return best;
}

/** CSV with a header row; empty cells are absent values (Lightning writes sparse rows). */
export function readCsv(textContent: string, run: Run): void {
  const rows = textContent.replace(/^\ufeff/, '').split(/\r?\n/).filter((r) => r.trim() !== '');
  if (!rows.length) return;
  const delimiter = sniffDelimiter(rows);
  const header = splitCsvRow(rows[0], delimiter).map((h) => h.trim());
  const stepColumns = header.map((h, k) => (STEP_KEYS.includes(h) ? k : -1)).filter((k) => k >= 0);
  const writer = new RecordWriter(run);
  rows.slice(1).forEach((row, i) => {
    const cells = splitCsvRow(row, delimiter);
    if (cells.length !== header.length) return skip(run, 'CSV row with the wrong number of cells');
    if (stepColumns.some((k) => cells[k].trim() !== '' && pythonFloat(cells[k]) === undefined)) return skip(run, 'CSV row whose step is not a number');
    const record: Record<string, unknown> = {};
    let odd = false;
    header.forEach((name, k) => {
      const cell = cells[k].trim();
      if (cell === '') return;
      const n = pythonFloat(cell);
      if (n === undefined) odd = true;
      else record[name] = Number.isFinite(n) ? n : String(n).toLowerCase().replace('infinity', 'inf');
    });
    if (odd) skip(run, 'CSV cell that is not a number (left out)');
    writer.add(record, i);
  });
  writer.finish();
}

function splitCsvRow(row: string, delimiter = ','): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < row.length; i++) {
    const ch = row[i];
    if (quoted) {
      if (ch === '"' && row[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === delimiter) (cells.push(cell), (cell = ''));
    else cell += ch;
  }
  cells.push(cell);
  return cells;
}
