// A cell's values as text, as a PyTorch user expects to read them: floats with 4 decimals (PyTorch's own
// rule, from the tensor printer), tensors as `tensor([...])`, lists and objects in JavaScript's notation with
// the same rules inside. Cycles, deep nesting and long lists are cut short rather than refused.

/** Text for values the tensor library knows (tensors, values/indices pairs), or undefined for others. */
export type LibraryFormatter = (value: unknown) => string | undefined;

const MAX_ITEMS = 100;
const MAX_DEPTH = 6;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** A JS number as PyTorch prints a Python float in a tensor: 4 decimals, or scientific when tiny or huge. */
export function formatNumber(v: number): string {
  if (Number.isInteger(v)) return Object.is(v, -0) ? '-0' : String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(v);
  if (abs < 1e-4 || abs >= 1e8) return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return v.toFixed(4);
}

function key(k: string): string {
  return IDENTIFIER.test(k) ? k : JSON.stringify(k);
}

export function formatValue(value: unknown, library: LibraryFormatter = () => undefined): string {
  const seen = new Set<object>();
  const inner = (v: unknown, depth: number, top: boolean): string => {
    const known = library(v);
    if (known !== undefined) return known;
    switch (typeof v) {
      case 'string':
        return top ? v : JSON.stringify(v);
      case 'number':
        return formatNumber(v);
      case 'bigint':
        return String(v);
      case 'undefined':
        return 'undefined';
      case 'symbol':
        return v.toString();
      case 'function':
        return `[Function${v.name ? ` ${v.name}` : ''}]`;
      case 'boolean':
        return String(v);
    }
    if (v === null) return 'null';
    const o = v as object;
    if (seen.has(o)) return '[Circular]';
    if (depth >= MAX_DEPTH) return Array.isArray(o) ? '[Array]' : '[Object]';
    if (o instanceof Error || (typeof (o as Error).message === 'string' && typeof (o as Error).name === 'string' && 'stack' in o)) return `${(o as Error).name}: ${(o as Error).message}`;
    seen.add(o);
    try {
      const list = (items: unknown[], open: string, close: string) => {
        const shown = items.slice(0, MAX_ITEMS).map((x) => inner(x, depth + 1, false));
        if (items.length > MAX_ITEMS) shown.push(`... ${items.length - MAX_ITEMS} more`);
        return `${open}${shown.join(', ')}${close}`;
      };
      if (Array.isArray(o)) return list(o, '[', ']');
      if (ArrayBuffer.isView(o) && !(o instanceof DataView)) return list(Array.from(o as unknown as ArrayLike<number | bigint>), `${o.constructor.name}(${(o as unknown as ArrayLike<number>).length}) [`, ']');
      if (o instanceof Map) {
        const pairs = [...o].slice(0, MAX_ITEMS).map(([k, x]) => `${inner(k, depth + 1, false)} => ${inner(x, depth + 1, false)}`);
        return `Map(${o.size}) {${pairs.length ? ` ${pairs.join(', ')}${o.size > MAX_ITEMS ? `, ... ${o.size - MAX_ITEMS} more` : ''} ` : ''}}`;
      }
      if (o instanceof Set) return list([...o], `Set(${o.size}) {`, '}');
      if (o instanceof Date) return o.toISOString();
      if (o instanceof Promise) return 'Promise { <pending> } (add `await` to get its value)';
      const entries = Object.entries(o);
      const name = Object.getPrototypeOf(o) === null || Object.getPrototypeOf(o)?.constructor?.name === 'Object' ? '' : `${Object.getPrototypeOf(o)?.constructor?.name ?? ''} `;
      if (!entries.length) return `${name}{}`;
      const shown = entries.slice(0, MAX_ITEMS).map(([k, x]) => `${key(k)}: ${inner(x, depth + 1, false)}`);
      if (entries.length > MAX_ITEMS) shown.push(`... ${entries.length - MAX_ITEMS} more`);
      return `${name}{ ${shown.join(', ')} }`;
    } finally {
      seen.delete(o);
    }
  };
  return inner(value, 0, true);
}
