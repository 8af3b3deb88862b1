// Field checks shared by the panel's message checks: each throws a PanelRefusal naming the field and quoting
// the bad value briefly (a 10 MB string is never echoed back).

/** A message refused: `message` names the field and the value. */
export class PanelRefusal extends Error {}

export type Fields = Record<string, unknown>;

/** A value as a message quotes it: short, whatever it is. */
export function show(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(v.slice(0, 60))}… (${v.length} characters)` : JSON.stringify(v);
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined;
  }
  if (text === undefined) return typeof v;
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

export const refuse = (message: string): never => {
  throw new PanelRefusal(message);
};

export function object(v: unknown, what: string): Fields {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) refuse(`${what} must be an object, got ${show(v)}`);
  return v as Fields;
}

/** Only `allowed` keys (own ones; an object from JSON may hold a key named "__proto__"). */
export function keys(o: Fields, allowed: readonly string[], what: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) refuse(`${what} has an unexpected field ${show(k)}`);
}

export function string(v: unknown, max: number, what: string): string {
  if (typeof v !== 'string') refuse(`${what} must be a string, got ${show(v)}`);
  const s = v as string;
  if (s.length > max) refuse(`${what} is ${s.length} characters long, more than ${max}`);
  return s;
}

export function array(v: unknown, max: number, what: string): unknown[] {
  if (!Array.isArray(v)) refuse(`${what} must be a list, got ${show(v)}`);
  const a = v as unknown[];
  if (a.length > max) refuse(`${what} has ${a.length} entries, more than ${max}`);
  return a;
}
