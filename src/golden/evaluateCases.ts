// Runs golden-format cases through an engine client, one result per case; a bad case yields an error entry
// naming what is wrong in it, never an exception.
import type { EngineClient } from '../engine/client';
import { inputsFromJson, optionsFromJson, toJson } from '../engine/tensorJson';
import type { CaseResult } from './format';

/** The case's id as written, or its place in the file when it has none. */
export function caseId(c: unknown, index: number): string {
  const id = c && typeof c === 'object' ? (c as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id !== '' ? id : `case ${index + 1}`;
}

export async function evaluateCase(engine: EngineClient, c: unknown, index = 0): Promise<CaseResult> {
  const id = caseId(c, index);
  try {
    if (!c || typeof c !== 'object' || Array.isArray(c)) throw new Error(`a case must be an object {"id", "op", "inputs", "options"}, got ${JSON.stringify(c) ?? String(c)}`);
    const { op, inputs, options } = c as { op?: unknown; inputs?: unknown; options?: unknown };
    if (typeof op !== 'string') throw new Error(`"op" must be the name of an op, got ${JSON.stringify(op) ?? 'nothing'}`);
    const r = await engine.evaluate({ op, inputs: inputsFromJson(inputs), options: optionsFromJson(options ?? {}) });
    const grad = Object.fromEntries(Object.entries(r.grad).map(([name, t]) => [name, toJson(t)]));
    const extras = Object.fromEntries(Object.entries(r.extras).map(([name, t]) => [name, toJson(t)]));
    const flags = { ...(r.nonFinite.length ? { nonFinite: r.nonFinite } : {}), ...(r.warnings?.length ? { warnings: r.warnings } : {}) };
    return { id, output: toJson(r.output), grad, ...extras, ...flags };
  } catch (error) {
    return { id, error: error instanceof Error ? error.message : String(error) };
  }
}
