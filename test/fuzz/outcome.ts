// How one fuzzed input ended, and the tally the fuzz run prints and fails on.

/**
 * error: refused with a clear message; correct: the right answer (or, for damaged input, a sound one);
 * warned: computed and flagged; wrong: a silent wrong answer (accepted what must be refused, a wrong number,
 * stale outputs); crash: an internal error reached the user or a process died; hang: no answer in time;
 * lost: a good result was lost because of another input.
 */
export type Outcome = 'error' | 'correct' | 'warned' | 'wrong' | 'crash' | 'hang' | 'lost';

export const OUTCOMES: readonly Outcome[] = ['error', 'correct', 'warned', 'wrong', 'crash', 'hang', 'lost'];
export const BAD: readonly Outcome[] = ['wrong', 'crash', 'hang', 'lost'];

const LABEL: Record<Outcome, string> = { error: 'clear error', correct: 'correct', warned: 'warned', wrong: 'wrong', crash: 'crash', hang: 'hang', lost: 'lost good result' };

/** Words that only an implementation leaks: JS engine errors, ONNX Runtime node and op names, errno codes. */
const INTERNALS = [
  /Cannot read properties/i,
  /is not a function/,
  /cannot be converted to a BigInt/i,
  /Maximum call stack/i,
  /Invalid string length/i,
  /Invalid array length/i,
  /\bE[A-Z]{3,}\b:/, // EISDIR:, ENOENT: …
  /ShapeInferenceError|ScatterElements|GatherElements|onnxruntime|\bOrt\b|node_\d+|\[ONNXRuntimeError\]/,
  /dims\[\d+\] must be/,
  /Unexpected token .* in JSON|Unexpected end of JSON input|" is not valid JSON/,
  /\bat .*\.js:\d+:\d+/, // a stack frame of our own bundle
  /kernel stopped \(undefined\)|\(undefined\)/,
  /\[object Object\]/,
  /DataCloneError|could not be cloned/i,
];

/** The internal word `message` leaks, if any. */
export function leak(message: string): string | undefined {
  return INTERNALS.find((re) => re.test(message))?.source;
}

export interface Finding {
  target: string;
  name: string;
  outcome: Outcome;
  detail: string;
}

export class Tally {
  readonly counts: Record<Outcome, number> = { error: 0, correct: 0, warned: 0, wrong: 0, crash: 0, hang: 0, lost: 0 };
  readonly bad: Finding[] = [];

  add(target: string, name: string, outcome: Outcome, detail = ''): void {
    this.counts[outcome]++;
    if (BAD.includes(outcome)) this.bad.push({ target, name, outcome, detail });
  }

  merge(other: Tally): void {
    for (const o of OUTCOMES) this.counts[o] += other.counts[o];
    this.bad.push(...other.bad);
  }

  get total(): number {
    return OUTCOMES.reduce((n, o) => n + this.counts[o], 0);
  }

  /** "1234 inputs: clear error 500, correct 700, …". */
  summary(): string {
    return `${this.total} inputs: ${OUTCOMES.map((o) => `${LABEL[o]} ${this.counts[o]}`).join(', ')}`;
  }
}
