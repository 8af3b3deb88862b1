// JSON written piece by piece to a stream: long number lists go out in slices, so no output is ever one
// string too long for V8, and a slow reader holds the writer back (drain) instead of filling memory.
import type { Writable } from 'node:stream';

const SLICE = 16_384;

export class JsonStream {
  constructor(private readonly out: Writable) {}

  async write(text: string): Promise<void> {
    if (!this.out.write(text)) await new Promise<void>((resolve) => this.out.once('drain', resolve));
  }

  /** Writes `value` as JSON; non-finite numbers as "NaN" / "Infinity" / "-Infinity". */
  async value(value: unknown): Promise<void> {
    if (Array.isArray(value)) {
      if (value.length > SLICE && value.every((v) => typeof v !== 'object' || v === null)) {
        await this.write('[');
        for (let i = 0; i < value.length; i += SLICE) {
          await this.write((i ? ',' : '') + value.slice(i, i + SLICE).map(scalar).join(','));
        }
        return this.write(']');
      }
      await this.write('[');
      for (let i = 0; i < value.length; i++) {
        if (i) await this.write(',');
        await this.value(value[i]);
      }
      return this.write(']');
    }
    if (value && typeof value === 'object') {
      await this.write('{');
      let first = true;
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined) continue;
        await this.write(`${first ? '' : ', '}${JSON.stringify(k)}: `);
        await this.value(v);
        first = false;
      }
      return this.write('}');
    }
    return this.write(scalar(value));
  }
}

function scalar(v: unknown): string {
  if (typeof v === 'number' && !Number.isFinite(v)) return `"${v}"`;
  return JSON.stringify(v) ?? 'null';
}
