// Runs golden-format cases through an engine client, one result per case; a bad case yields an error entry.
import type { EngineClient } from '../engine/client';
import { fromJson, optionsFromJson, toJson } from '../engine/tensorJson';
import type { CaseResult, GoldenCase } from './format';

export async function evaluateCase(engine: EngineClient, c: GoldenCase): Promise<CaseResult> {
  try {
    const inputs = Object.fromEntries(Object.entries(c.inputs ?? {}).map(([name, t]) => [name, fromJson(name, t)]));
    const r = await engine.evaluate({ op: c.op, inputs, options: optionsFromJson(c.options) });
    const grad = Object.fromEntries(Object.entries(r.grad).map(([name, t]) => [name, toJson(t)]));
    const extras = Object.fromEntries(Object.entries(r.extras).map(([name, t]) => [name, toJson(t)]));
    return { id: c.id, output: toJson(r.output), grad, ...extras };
  } catch (error) {
    return { id: String(c.id), error: error instanceof Error ? error.message : String(error) };
  }
}
