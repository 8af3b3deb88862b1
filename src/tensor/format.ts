// Printing tensors as PyTorch does (torch/_tensor_str.py): 4 decimals, its rule for scientific notation,
// integer-valued floats as "1.", summarization past 1000 elements, 80-column lines, and the dtype=,
// grad_fn=<…> / requires_grad=True suffixes.
import type { Tensor } from './tensor';

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE = 3;
const LINEWIDTH = 80;

/** Python's '{:.Nf}': exact-value rounding with ties to even (JS toFixed rounds ties up). */
function fixed(v: number, digits: number): string {
  const scaled = v * 10 ** digits;
  if (Number.isFinite(scaled) && Math.abs(scaled) < 2 ** 52 && Number.isInteger(scaled * 2) && !Number.isInteger(scaled)) {
    const down = Math.floor(scaled);
    const even = down % 2 === 0 ? down : down + 1;
    return (even / 10 ** digits).toFixed(digits);
  }
  return v.toFixed(digits);
}

/** Python's '{:.Ne}': mantissa then an exponent of at least two digits. */
function scientific(v: number, digits: number): string {
  return v.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
}

function special(v: number): string | undefined {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return undefined;
}

class Formatter {
  private intMode = true;
  private sciMode = false;
  width = 1;

  constructor(private readonly floating: boolean, private readonly isBool: boolean, values: number[]) {
    if (!floating) {
      for (const v of values) this.width = Math.max(this.width, this.plain(v).length);
      return;
    }
    // As PyTorch: only nonzero finite values decide the mode and the width.
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (!finite.length) return;
    const abs = finite.map(Math.abs);
    const min = Math.min(...abs);
    const max = Math.max(...abs);
    this.intMode = finite.every((v) => v === Math.ceil(v));
    this.sciMode = max / min > 1000 || max > 1e8 || (!this.intMode && min < 1e-4);
    for (const v of finite) {
      const text = this.sciMode ? scientific(v, PRECISION) : this.intMode ? `${v.toFixed(0)}.` : fixed(v, PRECISION);
      this.width = Math.max(this.width, text.length);
    }
  }

  private plain(v: number): string {
    return this.isBool ? (v ? 'True' : 'False') : String(v);
  }

  format(v: number): string {
    let text: string;
    if (!this.floating) text = this.plain(v);
    else text = special(v) ?? (this.sciMode ? scientific(v, PRECISION) : this.intMode ? `${v.toFixed(0)}.` : fixed(v, PRECISION));
    return text.padStart(this.width);
  }
}

interface View {
  shape: number[];
  at(index: number[]): number;
}

/** The elements PyTorch's formatter looks at: all of them, or the first and last EDGE along each axis when summarized. */
function shownValues(view: View, summarize: boolean): number[] {
  const out: number[] = [];
  const walk = (prefix: number[]) => {
    const d = prefix.length;
    if (d === view.shape.length) return void out.push(view.at(prefix));
    const n = view.shape[d];
    const idx = summarize && n > 2 * EDGE ? [...Array(EDGE).keys(), ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)] : [...Array(n).keys()];
    for (const i of idx) walk([...prefix, i]);
  };
  walk([]);
  return out;
}

function body(view: View, prefix: number[], indent: number, summarize: boolean, f: Formatter): string {
  const dim = view.shape.length - prefix.length;
  const n = view.shape[prefix.length];
  if (dim === 0) return f.format(view.at(prefix));
  if (dim === 1) {
    const perLine = Math.max(1, Math.floor((LINEWIDTH - indent) / (f.width + 2)));
    const items = summarize && n > 2 * EDGE
      ? [...Array.from({ length: EDGE }, (_, i) => f.format(view.at([...prefix, i]))), ' ...', ...Array.from({ length: EDGE }, (_, i) => f.format(view.at([...prefix, n - EDGE + i])))]
      : Array.from({ length: n }, (_, i) => f.format(view.at([...prefix, i])));
    const lines: string[] = [];
    for (let i = 0; i < items.length; i += perLine) lines.push(items.slice(i, i + perLine).join(', '));
    return `[${lines.join(`,\n${' '.repeat(indent + 1)}`)}]`;
  }
  const sub = (i: number) => body(view, [...prefix, i], indent + 1, summarize, f);
  const parts = summarize && n > 2 * EDGE
    ? [...Array.from({ length: EDGE }, (_, i) => sub(i)), '...', ...Array.from({ length: EDGE }, (_, i) => sub(n - EDGE + i))]
    : Array.from({ length: n }, (_, i) => sub(i));
  return `[${parts.join(`,${'\n'.repeat(dim - 1)}${' '.repeat(indent + 1)}`)}]`;
}

function withSuffixes(text: string, suffixes: string[], indent: number): string {
  let out = text;
  let lastLine = text.length - text.lastIndexOf('\n') + 1;
  for (const s of suffixes) {
    if (lastLine + s.length + 2 > LINEWIDTH) {
      out += `,\n${' '.repeat(indent)}${s}`;
      lastLine = indent + s.length;
    } else {
      out += `, ${s}`;
      lastLine += s.length + 2;
    }
  }
  return `${out})`;
}

/** The values of `shape` in row-major `data` as PyTorch prints them (without the tensor( ) wrapper). */
export function formatValues(data: ArrayLike<number | bigint>, shape: number[], dtype: string, indent = 7): string {
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const view: View = { shape, at: (index) => Number(data[index.reduce((o, k, i) => o + k * strides[i], 0)]) };
  const numel = shape.reduce((a, b) => a * b, 1);
  const summarize = numel > THRESHOLD;
  const f = new Formatter(dtype.startsWith('float'), dtype === 'bool', shownValues(view, summarize));
  return body(view, [], indent, summarize, f);
}

/** torch's repr of a tensor: `tensor([[0.1000, 0.2000]], grad_fn=<AddBackward0>)`. */
export function formatTensor(t: Tensor): string {
  const prefix = 'tensor(';
  const suffixes: string[] = [];
  let text: string;
  if (t.numel() === 0) {
    if (t.ndim !== 1) suffixes.push(`size=(${t.shape.join(', ')})`);
    if (t.dtype !== 'float32') suffixes.push(`dtype=torch.${t.dtype}`);
    text = '[]';
  } else {
    text = formatValues(t.data(), t.shape, t.dtype, prefix.length);
    if (t.dtype === 'float64') suffixes.push('dtype=torch.float64');
  }
  if (t.gradFn) suffixes.push(`grad_fn=<${t.gradFn}>`);
  else if (t.requires_grad) suffixes.push('requires_grad=True');
  return withSuffixes(prefix + text, suffixes, prefix.length);
}
