// The `losslab-golden/1` case format and the `losslab-results/1` output, and the tolerance rule of the
// golden README: |a − b| ≤ tol·max(1, |b|), tol = 1e-4 (1e-3 for */extreme/* cases).
import type { TensorJson } from '../protocol/tensor';

export interface GoldenCase {
  id: string;
  op: string;
  inputs: Record<string, TensorJson>;
  options?: Record<string, unknown>;
  expected?: { output: TensorJson; grad?: Record<string, TensorJson>; [extra: string]: unknown };
}

export interface GoldenFile {
  format: 'losslab-golden/1';
  cases: GoldenCase[];
}

export interface CaseError {
  id: string;
  error: string;
}

export type CaseResult = { id: string; output: TensorJson; grad: Record<string, TensorJson>; [extra: string]: unknown } | CaseError;

export function isCaseError(r: CaseResult): r is CaseError {
  return typeof (r as CaseError).error === 'string';
}

export function parseGoldenFile(text: string): GoldenFile {
  const file = JSON.parse(text.replace(/^\ufeff/, '')) as GoldenFile;
  if (file?.format !== 'losslab-golden/1' || !Array.isArray(file.cases)) {
    throw new Error(`expected {"format": "losslab-golden/1", "cases": [...]}, got format ${JSON.stringify(file?.format)}`);
  }
  return file;
}

export function tolerance(caseId: string): number {
  return caseId.includes('/extreme/') ? 1e-3 : 1e-4;
}

/** A JSON tensor value as a number ("NaN", "Infinity", "-Infinity" are how JSON carries those). */
function valueOf(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

/** Why `t` is not a usable expected tensor, or undefined. */
function expectedProblem(what: string, t: unknown): string | undefined {
  if (!t || typeof t !== 'object') return `${what} must be a tensor {"dtype", "shape", "data"}, got ${JSON.stringify(t) ?? 'nothing'}`;
  const { shape, data } = t as { shape?: unknown; data?: unknown };
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) return `${what}: "shape" must be a list of sizes, got ${JSON.stringify(shape) ?? 'nothing'}`;
  if (!Array.isArray(data)) return `${what}: "data" must be a list of numbers, got ${JSON.stringify(data) ?? 'nothing'}`;
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  if (data.length !== numel) return `${what}: shape [${shape.join(', ')}] needs ${numel} values, got ${data.length}`;
  const bad = data.findIndex((v) => valueOf(v) === undefined);
  if (bad >= 0) return `${what}: data[${bad}] must be a number, got ${JSON.stringify(data[bad])}`;
  return undefined;
}

/** The first disagreement between a result and the expected values, or undefined when they agree. */
export function mismatch(result: CaseResult, golden: GoldenCase): string | undefined {
  if (isCaseError(result)) return result.error;
  const expected = golden.expected as unknown;
  if (expected === undefined) return undefined;
  if (!expected || typeof expected !== 'object' || Array.isArray(expected)) return `expected must be an object {"output", "grad"}, got ${JSON.stringify(expected)}`;
  const tol = tolerance(golden.id);
  const compare = (what: string, actual: TensorJson | undefined, want: unknown): string | undefined => {
    const problem = expectedProblem(`expected ${what}`, want);
    if (problem) return problem;
    const w = want as TensorJson;
    if (!actual) return `${what}: missing`;
    if (actual.shape.join() !== w.shape.join()) return `${what}: shape [${actual.shape}] ≠ expected [${w.shape}]`;
    for (let i = 0; i < w.data.length; i++) {
      const a = valueOf(actual.data[i]) as number;
      const b = valueOf(w.data[i]) as number;
      const same = Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
      if (!same) return `${what}[${i}]: ${a} ≠ expected ${b} (tolerance ${tol})`;
    }
    return undefined;
  };
  const e = expected as Record<string, unknown>;
  const problems = [compare('output', result.output, e.output)];
  const grads = e.grad ?? {};
  if (typeof grads !== 'object' || grads === null) return `expected grad must be an object of tensors, got ${JSON.stringify(grads)}`;
  for (const [name, want] of Object.entries(grads)) problems.push(compare(`grad.${name}`, Object.hasOwn(result.grad, name) ? result.grad[name] : undefined, want));
  for (const [name, want] of Object.entries(e)) {
    if (name !== 'output' && name !== 'grad') problems.push(compare(name, Object.hasOwn(result, name) ? (result[name] as TensorJson) : undefined, want));
  }
  return problems.find((p) => p !== undefined);
}
