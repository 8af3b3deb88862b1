// `losslab inspect FILE [--logits NAME --labels NAME --mask NAME --input-ids NAME --ignore-index N --pad-id N
//  --shift | --no-shift --tokenizer FILE --worst N] [--format text|json|html] [-o OUT]`
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inspectTensors } from '../inspect/inspect';
import { inspectHtml } from '../charts/inspectReport';
import { defaultSettings, missingRoles } from '../inspect/roles';
import { loadTokenizer, type TokenText } from '../inspect/tokenizer';
import { openTensorFile } from '../tensorfile/open';
import { byteLength, TensorFileError } from '../tensorfile/tensorFile';
import type { InspectReport } from '../protocol/inspect';

const VALUED = ['--logits', '--labels', '--mask', '--input-ids', '--ignore-index', '--pad-id', '--tokenizer', '--worst', '--format', '-o', '--out'];
const USAGE = 'usage: losslab inspect FILE [--logits NAME] [--labels NAME] [--mask NAME] [--input-ids NAME] [--ignore-index -100] [--pad-id N] [--shift | --no-shift] [--tokenizer tokenizer.json] [--worst 20] [--format text|json|html] [-o OUT]\n';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function integer(args: string[], name: string): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v)) throw new Error(`${name} must be an integer, got '${v}'`);
  return Number(v);
}

export async function inspectCommand(args: string[]): Promise<number> {
  const files = args.filter((a, i) => !a.startsWith('-') && !VALUED.includes(args[i - 1]) && !/^-\d/.test(a));
  const unknown = args.filter((a, i) => a.startsWith('--') && !VALUED.includes(a) && a !== '--shift' && a !== '--no-shift' && !VALUED.includes(args[i - 1]));
  if (files.length !== 1 || unknown.length) {
    process.stderr.write(unknown.length ? `losslab inspect: unknown option ${unknown[0]}\n${USAGE}` : USAGE);
    return 2;
  }
  const format = flag(args, '--format') ?? 'text';
  if (!['text', 'json', 'html'].includes(format)) throw new Error(`--format must be text, json or html, got '${format}'`);
  const file = await openTensorFile(path.resolve(files[0]));
  try {
    const tensors = file.entries.map((e) => ({ name: e.name, dtype: e.dtype, shape: e.shape, bytes: byteLength(e) }));
    const guessed = defaultSettings(tensors);
    const logits = flag(args, '--logits') ?? guessed?.roles.logits;
    const labels = flag(args, '--labels') ?? guessed?.roles.labels;
    if (!logits || !labels) {
      throw new TensorFileError(`${path.basename(files[0])}: ${missingRoles(tensors) || 'cannot tell the logits and labels apart'}; name them with --logits and --labels`);
    }
    const settings = {
      roles: {
        logits,
        labels,
        mask: flag(args, '--mask') ?? (flag(args, '--labels') ? undefined : guessed?.roles.mask),
        inputIds: flag(args, '--input-ids') ?? (flag(args, '--labels') ? undefined : guessed?.roles.inputIds),
      },
      ignoreIndex: integer(args, '--ignore-index') ?? -100,
      padId: integer(args, '--pad-id'),
      shift: args.includes('--shift') ? true : args.includes('--no-shift') ? false : (flag(args, '--labels') ? false : guessed?.shift ?? false),
      worst: integer(args, '--worst') ?? 20,
    };
    const tokenizerPath = flag(args, '--tokenizer') ?? [path.join(path.dirname(path.resolve(files[0])), 'tokenizer.json')].find(existsSync);
    const tokenizer = tokenizerPath ? loadTokenizer(tokenizerPath) : undefined;
    const report = await inspectTensors(file, settings, { strip: format === 'html' });
    const peak = peakRss();
    const out = flag(args, '-o') ?? flag(args, '--out');
    const text = format === 'json' ? JSON.stringify({ ...report, peak_rss_bytes: peak }, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)) + '\n'
      : format === 'html' ? inspectHtml(report, readFileSync(path.join(__dirname, 'plotly.min.js'), 'utf8'), tokenizer?.token)
      : textReport(report, tokenizer, peak);
    if (out) writeFileSync(out, text);
    else process.stdout.write(text);
    if (out || format !== 'text') process.stderr.write(`inspected ${report.tokens} tokens in ${report.seconds.toFixed(2)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB\n`);
    return 0;
  } finally {
    file.close();
  }
}

const fmt = (v: number | null, digits = 4) => (v === null ? '—' : v.toFixed(digits));

/**
 * This process's peak RSS in bytes. On Linux getrusage's maxRSS starts from the forking parent's RSS (the
 * high-water mark of the address space a child is forked with survives exec): a `losslab inspect` started by a
 * 3.7 GB process reported 3.7 GB. VmHWM is the high-water mark of this process's own address space.
 */
function peakRss(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

function textReport(r: InspectReport, tokenizer: TokenText | undefined, peak: number): string {
  const name = (id: number) => (tokenizer ? JSON.stringify(tokenizer.token(id)) : String(id));
  const lines = [
    `${path.basename(r.file)}: ${r.tensors.map((t) => `${t.name} ${t.dtype}[${t.shape.join(', ')}]`).join(', ')}`,
    `logits '${r.settings.roles.logits}', labels '${r.settings.roles.labels}'${r.settings.roles.mask ? `, mask '${r.settings.roles.mask}'` : ''}, ignore_index ${r.settings.ignoreIndex}${r.settings.shift ? ', shifted by one' : ''}`,
    '',
    `tokens counted       ${r.tokens} of ${r.shape.sequences * r.shape.positions} (B ${r.shape.sequences}, T ${r.shape.positions}, V ${r.shape.vocabulary})`,
    `loss (token mean)    ${fmt(r.loss_token_mean)}    Σ loss / counted tokens (what F.cross_entropy returns)`,
    `loss (sequence mean) ${fmt(r.loss_sequence_mean)}    mean over sequences of each sequence's own mean`,
    `perplexity           ${fmt(r.perplexity, 3)}`,
    `top-1 / top-5        ${fmt(r.top1)} / ${fmt(r.top5)}`,
    `ECE (15 bins)        ${fmt(r.ece)}`,
    '',
    'worst tokens:',
    '  seq   pos  target                 loss       p   rank  top-5',
    ...r.worst.map((w) => `  ${String(w.sequence).padStart(3)} ${String(w.position).padStart(5)}  ${name(w.target).padEnd(18).slice(0, 18)} ${w.loss.toFixed(4).padStart(8)} ${w.p.toExponential(1).padStart(8)} ${String(w.rank).padStart(6)}  ${w.top5.map(name).join(' ')}`),
  ];
  if (r.warnings.length) lines.push('', 'warnings:', ...r.warnings.map((w) => `  [${w.code}] ${w.message}`));
  lines.push('', `${r.seconds.toFixed(2)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MB`);
  return lines.join('\n') + '\n';
}
