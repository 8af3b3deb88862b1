// Fuzzes `losslab plot --format json`: a folder holding one good log and one damaged, odd or hostile file
// (empty, symlink loops, FIFOs, devices, BOMs, odd delimiters and numbers, cut or corrupted event records,
// random byte damage). The good log must always come through; the damaged one must be read right or named.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileVersionEvent, scalarEvent, tfrecords } from '../../src/logs/eventWriter';
import type { FuzzContext } from './evalCases';
import { leak, type Outcome } from './outcome';
import type { Random } from './random';

type Scalars = Record<string, [number, number | null, number | null][]>;
/** Judges the damaged file's series (keys without the sentinel) and stderr; undefined: judged generically. */
type Oracle = (series: Scalars, stderr: string) => [Outcome, string];

interface Plan {
  name: string;
  /** Writes the damaged file into `dir` and returns its base name. */
  make(dir: string): string;
  /** 'named': it cannot be read and stderr must say which file; 'any': no crash; or an oracle. */
  expect: 'named' | 'any' | Oracle;
}

const SENTINEL = 'sentinel_loss';
const GOOD = [1, 2, 3, 4, 5].map((s) => JSON.stringify({ step: s, [SENTINEL]: s / 10 })).join('\n') + '\n';

function events(n: number): Uint8Array[] {
  return [fileVersionEvent(), ...Array.from({ length: n }, (_, i) => scalarEvent(i, 1_700_000_000 + i, 'loss', 1 / (i + 1)))];
}

/** The series of the damaged file (keys are "<run>/<tag>" when there are several runs). */
function others(s: Scalars): Scalars {
  return Object.fromEntries(Object.entries(s).filter(([k]) => !k.endsWith(SENTINEL)));
}

function tag(s: Scalars, name: string): [number, number | null, number | null][] | undefined {
  const key = Object.keys(s).find((k) => k === name || k.endsWith(`/${name}`));
  return key ? s[key] : undefined;
}

const csv = (file: string, text: string | Buffer) => (dir: string) => (writeFileSync(path.join(dir, file), text), file);

const expectSteps = (name: string, steps: number[], mustNote: boolean): Oracle => (s, stderr) => {
  const pts = tag(s, name);
  const got = pts?.map((p) => p[0]) ?? [];
  if (got.join() !== steps.join()) return ['wrong', `${name} steps [${got}] ≠ [${steps}]; series ${Object.keys(others(s))}`];
  if (Object.keys(others(s)).some((k) => k.includes('\ufeff'))) return ['wrong', 'a series name kept the BOM'];
  if (mustNote) return stderr.trim() ? ['warned', stderr.trim().split('\n')[0]] : ['wrong', 'skipped rows without a word'];
  return ['correct', ''];
};

const PLANS: Plan[] = [
  { name: 'empty trainer_state.json', make: csv('trainer_state.json', ''), expect: 'named' },
  { name: 'trainer_state.json without log_history', make: csv('trainer_state.json', '{}'), expect: 'named' },
  { name: 'trainer_state.json that is null', make: csv('trainer_state.json', 'null'), expect: 'named' },
  { name: 'symlink loop named *.jsonl', make: (d) => (symlinkSync('loop.jsonl', path.join(d, 'loop.jsonl')), 'loop.jsonl'), expect: 'named' },
  { name: 'symlink to a directory named *.jsonl', make: (d) => (mkdirSync(path.join(d, 'real')), symlinkSync('real', path.join(d, 'dir.jsonl')), 'dir.jsonl'), expect: 'named' },
  { name: 'dangling symlink named *.csv', make: (d) => (symlinkSync('nowhere', path.join(d, 'gone.csv')), 'gone.csv'), expect: 'named' },
  { name: 'FIFO named *.jsonl', make: (d) => (execFileSync('mkfifo', [path.join(d, 'pipe.jsonl')]), 'pipe.jsonl'), expect: 'named' },
  { name: '/dev/zero linked as *.csv', make: (d) => (symlinkSync('/dev/zero', path.join(d, 'zero.csv')), 'zero.csv'), expect: 'named' },
  { name: 'CSV with a BOM', make: csv('bom.csv', '\ufeffstep,loss\n1,0.5\n2,0.4\n3,0.3\n'), expect: expectSteps('loss', [1, 2, 3], false) },
  {
    name: 'CSV value 0x10',
    make: csv('hex.csv', 'step,loss\n1,0x10\n2,0.4\n'),
    expect: (s) => (tag(s, 'loss')?.some((p) => p[2] === 16) ? ['wrong', '0x10 read as 16'] : ['correct', '']),
  },
  { name: 'CSV with a non-numeric step', make: csv('steps.csv', 'step,loss\n1,0.5\nabc,0.4\n3,0.3\n'), expect: expectSteps('loss', [1, 3], true) },
  { name: 'tab-separated CSV', make: csv('tabs.csv', 'step\tloss\n1\t0.5\n2\t0.4\n'), expect: expectSteps('loss', [1, 2], false) },
  { name: 'semicolon-separated CSV', make: csv('semi.csv', 'step;loss\n1;0.5\n2;0.4\n'), expect: expectSteps('loss', [1, 2], false) },
  {
    name: 'log_history entry that is a list',
    make: csv('trainer_state.json', JSON.stringify({ log_history: [{ step: 1, loss: 0.5 }, [1, 2], { step: 2, loss: 0.4 }] })),
    expect: (s) => ('0' in others(s) || tag(s, '0') || tag(s, '1') ? ['wrong', `series ${Object.keys(others(s))}`] : expectSteps('loss', [1, 2], false)(s, '')),
  },
  {
    name: 'detectron2 metrics.json with time',
    make: csv('metrics.json', [19, 39].map((it) => JSON.stringify({ iteration: it, time: 0.25, total_loss: 1.5 })).join('\n') + '\n'),
    expect: (s) => (tag(s, 'time')?.length === 2 ? ['correct', ''] : ['wrong', `no "time" series: ${Object.keys(others(s))}`]),
  },
  {
    name: 'event record with a cut fixed64 field (valid CRC)',
    make: (d) => {
      const cut = new Uint8Array([(1 << 3) | 1, 1, 2, 3]); // wall_time: 3 of its 8 bytes
      writeFileSync(path.join(d, 'events.out.tfevents.1.cut64'), tfrecords([...events(5), cut, ...events(3).slice(1)]));
      return 'events.out.tfevents.1.cut64';
    },
    expect: (s) => {
      const pts = tag(s, 'loss') ?? [];
      const odd = pts.find((p) => (p[1] !== null && p[1] < 1e9) || (p[2] !== null && Math.abs(p[2]) < 1e-30));
      return odd ? ['wrong', `garbage point ${JSON.stringify(odd)}`] : pts.length === 8 ? ['correct', ''] : ['wrong', `${pts.length} of 8 points`];
    },
  },
  {
    name: 'event record with a cut fixed32 value (valid CRC)',
    make: (d) => {
      const good = scalarEvent(7, 1_700_000_007, 'loss', 0.5);
      writeFileSync(path.join(d, 'events.out.tfevents.1.cut32'), tfrecords([...events(4), good.subarray(0, good.length - 2)]));
      return 'events.out.tfevents.1.cut32';
    },
    expect: (s) => {
      const pts = tag(s, 'loss') ?? [];
      return pts.length === 4 && pts.every((p) => p[2] !== null && p[2] >= 0.2) ? ['correct', ''] : ['wrong', `points ${JSON.stringify(pts.slice(4))}`];
    },
  },
  {
    name: 'event file with one flipped length bit',
    make: (d) => {
      const bytes = tfrecords(events(120));
      // Record 3's length (the file-version record comes first): flip a low bit, so its length CRC fails.
      let pos = 0;
      for (let k = 0; k < 3; k++) pos += 12 + Number(new DataView(bytes.buffer).getBigUint64(pos, true)) + 4;
      bytes[pos] ^= 0x02;
      writeFileSync(path.join(d, 'events.out.tfevents.1.flip'), bytes);
      return 'events.out.tfevents.1.flip';
    },
    expect: (s, stderr) => {
      const n = tag(s, 'loss')?.length ?? 0;
      if (n < 119) return ['wrong', `${n} of 120 points kept`];
      return /skip|corrupt|mismatch/i.test(stderr) ? ['warned', stderr.trim().split('\n')[0]] : ['wrong', 'a skipped record was not reported'];
    },
  },
];

function damaged(r: Random): Plan {
  const kinds: [string, () => Buffer][] = [
    ['jsonl', () => Buffer.from(Array.from({ length: 30 }, (_, i) => JSON.stringify({ step: i, loss: 1 / (i + 1), lr: 1e-3 })).join('\n') + '\n')],
    ['csv', () => Buffer.from('epoch,step,train_loss,val_loss\n' + Array.from({ length: 30 }, (_, i) => `0,${i},${1 / (i + 1)},${i % 5 ? '' : 0.5}`).join('\n') + '\n')],
    ['trainer_state.json', () => Buffer.from(JSON.stringify({ log_history: Array.from({ length: 30 }, (_, i) => ({ step: i, loss: 1 / (i + 1), learning_rate: 1e-4 })) }))],
    ['tfevents', () => Buffer.from(tfrecords(events(30)))],
  ];
  const [kind, make] = r.pick(kinds);
  const how = r.pick(['flip bytes', 'truncate', 'insert garbage', 'zero a run']);
  const file = kind === 'tfevents' ? 'events.out.tfevents.2.damaged' : kind === 'trainer_state.json' ? 'trainer_state.json' : `damaged.${kind}`;
  const seed = r.int(1 << 30);
  return {
    name: `${kind}: ${how}`,
    expect: 'any',
    make: (d) => {
      let b = make();
      const at = (x: number) => Math.floor(((seed * (x + 1)) % 9973) / 9973 * b.length);
      if (how === 'flip bytes') for (let k = 0; k < 4; k++) b[at(k)] ^= 1 << (seed % 8);
      else if (how === 'truncate') b = b.subarray(0, at(0));
      else if (how === 'insert garbage') b = Buffer.concat([b.subarray(0, at(0)), Buffer.from([0xff, 0xfe, 0x00, 0x22, 0x7b, 0x0a]), b.subarray(at(0))]);
      else b.fill(0, at(0), Math.min(b.length, at(0) + 16));
      writeFileSync(path.join(d, file), b);
      return file;
    },
  };
}

export function fuzzLogs(ctx: FuzzContext): void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'losslab-fuzz-logs-'));
  const r = ctx.random;
  try {
    const plans = [...PLANS];
    while (plans.length < ctx.count) plans.push(damaged(r));
    const chosen = ctx.count >= plans.length ? plans : Array.from({ length: ctx.count }, () => r.pick(plans));
    chosen.forEach((plan, k) => {
      const dir = path.join(root, `run-${k}`);
      mkdirSync(dir);
      writeFileSync(path.join(dir, 'good.jsonl'), GOOD);
      const file = plan.make(dir);
      const p = spawnSync(process.execPath, [ctx.cli, 'plot', dir, '--format', 'json'], { encoding: 'utf8', timeout: ctx.timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 28 });
      const [outcome, detail] = judge(plan, file, p);
      ctx.tally.add('plot', plan.name, outcome, detail);
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

function judge(plan: Plan, file: string, p: ReturnType<typeof spawnSync>): [Outcome, string] {
  const stderr = String(p.stderr ?? '');
  if (p.error && /ETIMEDOUT/.test(String((p.error as NodeJS.ErrnoException).code))) return ['hang', 'losslab plot did not finish'];
  let series: Scalars | undefined;
  try {
    series = JSON.parse(String(p.stdout)) as Scalars;
  } catch {
    series = undefined;
  }
  const good = series && tag(series, SENTINEL);
  if (!series || p.status !== 0 || good?.length !== 5) {
    const first = stderr.trim().split('\n')[0] ?? '';
    return [leak(first) ? 'crash' : 'lost', `exit ${p.status}, good log ${good ? `${good.length} points` : 'missing'}: ${first}`];
  }
  const internal = leak(stderr);
  if (internal) return ['crash', `stderr leaks ${internal}: ${stderr.trim().split('\n')[0]}`];
  if (plan.expect === 'named') {
    if (Object.keys(others(series)).length) return ['wrong', `read something from it: ${Object.keys(others(series))}`];
    return stderr.includes(file) ? ['error', stderr.trim().split('\n')[0]] : ['wrong', 'skipped without saying which file'];
  }
  if (plan.expect === 'any') return stderr.includes(file) ? ['warned', stderr.trim().split('\n')[0]] : ['correct', ''];
  return plan.expect(series, stderr);
}
