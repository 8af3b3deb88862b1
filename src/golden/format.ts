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
  const file = JSON.parse(text) as GoldenFile;
  if (file?.format !== 'losslab-golden/1' || !Array.isArray(file.cases)) {
    throw new Error(`expected {"format": "losslab-golden/1", "cases": [...]}, got format ${JSON.stringify(file?.format)}`);
  }
  return file;
}

export function tolerance(caseId: string): number {
  return caseId.includes('/extreme/') ? 1e-3 : 1e-4;
}

/** The first disagreement between a result and the expected values, or undefined when they agree. */
export function mismatch(result: CaseResult, golden: GoldenCase): string | undefined {
  if (isCaseError(result)) return result.error;
  const expected = golden.expected;
  if (!expected) return undefined;
  const tol = tolerance(golden.id);
  const compare = (what: string, actual: TensorJson | undefined, want: TensorJson): string | undefined => {
    if (!actual) return `${what}: missing`;
    if (actual.shape.join() !== want.shape.join()) return `${what}: shape [${actual.shape}] ≠ expected [${want.shape}]`;
    for (let i = 0; i < want.data.length; i++) {
      const a = actual.data[i];
      const b = want.data[i];
      const same = Number.isNaN(b) ? Number.isNaN(a) : a === b || Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
      if (!same) return `${what}[${i}]: ${a} ≠ expected ${b} (tolerance ${tol})`;
    }
    return undefined;
  };
  const problems = [compare('output', result.output, expected.output)];
  for (const [name, want] of Object.entries(expected.grad ?? {})) problems.push(compare(`grad.${name}`, result.grad[name], want));
  for (const [name, want] of Object.entries(expected)) {
    if (name !== 'output' && name !== 'grad') problems.push(compare(name, result[name] as TensorJson | undefined, want as TensorJson));
  }
  return problems.find((p) => p !== undefined);
}
