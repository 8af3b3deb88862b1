// Whatever a cell throws (an Error of the cell's context, null, a string, an object whose `stack` is a
// number or a getter that throws), read safely as { name, message, stack } strings.
import { inspect } from 'node:util';

export interface ThrownValue {
  name: string;
  message: string;
  stack?: string;
}

function read(o: object, key: string): unknown {
  try {
    return (o as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function show(v: unknown): string {
  try {
    return typeof v === 'string' ? v : inspect(v, { depth: 2, breakLength: Infinity });
  } catch {
    return 'a value that cannot be shown';
  }
}

export function thrownValue(error: unknown): ThrownValue {
  if (error === null || typeof error !== 'object') {
    return { name: 'Error', message: typeof error === 'string' ? error : `${show(error)} was thrown (not an Error)` };
  }
  const name = read(error, 'name');
  const message = read(error, 'message');
  const stack = read(error, 'stack');
  const isError = typeof message === 'string';
  return {
    name: typeof name === 'string' && name ? name : 'Error',
    message: isError ? message : message === undefined ? `${show(error)} was thrown (not an Error)` : show(message),
    stack: typeof stack === 'string' ? stack : undefined,
  };
}
