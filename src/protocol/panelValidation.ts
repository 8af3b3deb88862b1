// The host's one check of every message from the playground panel, before it acts on any of it: each field's
// type, range and size, names that cannot reach an object's prototype, scenes from an allow-list. What passes
// is rebuilt from the checked fields alone; what fails gets a message naming the field and the bad value.
import { checkChart, type ChartJson } from './panelCharts';
import { array, keys, object, PanelRefusal, refuse, show, string, type Fields } from './panelFields';
import { PANEL_LIMITS as LIMIT, PANEL_SCENES, type FromPanel, type PanelInput, type PanelOpRequest, type PanelSceneId, type SceneSettings, type ToPanel, type TrainingOverrides } from './panel';
import type { DType, TensorJson } from './tensor';

export type PanelCheck = { ok: true; message: FromPanel } | { ok: false; error: string };

export interface PanelContext {
  /** How many training presets the host offers (a train message names one by index). */
  presets: number;
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** A Python identifier, as an op, argument or extra name is. */
function name(v: unknown, what: string): string {
  const s = string(v, LIMIT.nameLength, what);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) || RESERVED.has(s)) refuse(`${what} must be a name such as "cross_entropy", got ${show(s)}`);
  return s;
}

/** Scene settings as received from a command's arguments: a flat object of numbers and booleans, else undefined. */
export function asSceneSettings(value: unknown): SceneSettings | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value);
  return entries.every(([, v]) => typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) ? Object.fromEntries(entries) : undefined;
}

export const isPanelScene = (v: unknown): v is PanelSceneId => PANEL_SCENES.includes(v as PanelSceneId);

function scene(v: unknown, what: string): PanelSceneId {
  if (!isPanelScene(v)) refuse(`${what} must be one of the playground's scenes (${PANEL_SCENES.join(', ')}), got ${show(v)}`);
  return v as PanelSceneId;
}

function wholeNumber(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) refuse(`${what} must be a whole number from ${min} to ${max}, got ${show(v)}`);
  return v as number;
}

const DTYPES: readonly DType[] = ['float32', 'float64', 'int64'];
const NON_FINITE = ['NaN', 'Infinity', '-Infinity'];

/** Counts the elements of a message's tensors against the one cap they share. */
class Budget {
  private used = 0;
  take(n: number): void {
    this.used += n;
    if (this.used > LIMIT.elements) refuse(`the message's tensors hold more than ${LIMIT.elements} elements in all, more than a playground sends`);
  }
}

function tensor(v: Fields, what: string, budget: Budget): TensorJson {
  keys(v, ['dtype', 'shape', 'data'], what);
  if (!DTYPES.includes(v.dtype as DType)) refuse(`${what}: unsupported dtype ${show(v.dtype)}; expected "float32", "float64" or "int64"`);
  const dtype = v.dtype as DType;
  const shape = array(v.shape, LIMIT.rank, `${what}: shape`).map((d, i) => wholeNumber(d, 0, LIMIT.elements, `${what}: shape[${i}]`));
  const numel = shape.reduce((a, b) => a * b, 1);
  if (numel > LIMIT.elements) refuse(`${what}: shape [${shape.join(', ')}] has ${numel} elements, more than the playground's ${LIMIT.elements}`);
  budget.take(numel);
  const data = array(v.data, LIMIT.elements, `${what}: data`);
  if (data.length !== numel) refuse(`${what}: shape [${shape.join(', ')}] needs ${numel} values, got ${data.length}`);
  for (let i = 0; i < numel; i++) {
    const x = data[i];
    if (dtype === 'int64' ? !Number.isSafeInteger(x) : !(typeof x === 'number' && Number.isFinite(x)) && !NON_FINITE.includes(x as string)) {
      refuse(dtype === 'int64' ? `${what}: int64 tensor needs integers within ±${Number.MAX_SAFE_INTEGER}, got ${show(x)} at data[${i}]` : `${what}: data[${i}] must be a number (or "NaN", "Infinity", "-Infinity"), got ${show(x)}`);
    }
  }
  return { dtype, shape, data: data.slice() as number[] };
}

function input(v: unknown, index: number, what: string, budget: Budget): PanelInput {
  const o = object(v, what);
  if (!('ref' in o)) return tensor(o, what, budget);
  if ('data' in o || 'shape' in o || 'dtype' in o) refuse(`${what} is either a tensor {dtype, shape, data} or a { ref } to an earlier request, not both`);
  keys(o, ['ref', 'extra'], what);
  if (index === 0) refuse(`${what}: ref ${show(o.ref)} names no earlier request (this is the first)`);
  const ref = wholeNumber(o.ref, 0, index - 1, `${what}: ref`);
  return o.extra === undefined ? { ref } : { ref, extra: name(o.extra, `${what}: extra`) };
}

function request(v: unknown, index: number, budget: Budget): PanelOpRequest {
  const at = `compute request ${index}`;
  const r = object(v, at);
  keys(r, ['op', 'inputs', 'options'], at);
  const op = name(r.op, `${at}: op`);
  const inputs: PanelOpRequest['inputs'] = {};
  const options: PanelOpRequest['options'] = {};
  const given = object(r.inputs, `${at} (${op}): inputs`);
  const entries = Object.entries(given);
  if (entries.length > LIMIT.names) refuse(`${at} (${op}) has ${entries.length} inputs, more than ${LIMIT.names}`);
  for (const [k, t] of entries) inputs[name(k, `${op}() input name`)] = input(t, index, `${op}() input '${k}'`, budget);
  const opts = Object.entries(object(r.options, `${at} (${op}): options`));
  if (opts.length > LIMIT.names) refuse(`${at} (${op}) has ${opts.length} options, more than ${LIMIT.names}`);
  for (const [k, o] of opts) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) || RESERVED.has(k) || k.length > LIMIT.nameLength) refuse(`${op}() got an unexpected keyword argument ${show(k)}`);
    const what = `${op}() argument '${k}'`;
    if (typeof o === 'boolean') options[k] = o;
    else if (typeof o === 'number') options[k] = Number.isFinite(o) ? o : refuse(`${what} must be a finite number, got ${show(o)}`);
    else if (typeof o === 'string') options[k] = string(o, LIMIT.optionLength, what);
    else if (o !== null && typeof o === 'object' && !Array.isArray(o)) options[k] = tensor(o as Fields, what, budget);
    else refuse(`${what} must be a number, string, bool or tensor, got ${show(o)}`);
  }
  return { op, inputs, options };
}

/** Each training setting the panel may change: its check. */
const OVERRIDES: Record<keyof TrainingOverrides, (v: unknown, what: string) => unknown> = {
  optimizer: (v, what) => oneOf(v, ['sgd', 'momentum', 'adam'], what),
  reduction: (v, what) => oneOf(v, ['token', 'sequence'], what),
  lr: (v, what) => between(v, 1e-6, 10, what),
  steps: (v, what) => wholeNumber(v, 1, 100_000, what),
  batchSize: (v, what) => wholeNumber(v, 1, 4096, what),
  gradAccumulation: (v, what) => wholeNumber(v, 1, 64, what),
  clipNorm: (v, what) => between(v, 0, 1e6, what),
  labelSmoothing: (v, what) => between(v, 0, 0.99, what),
  focalGamma: (v, what) => between(v, 0, 10, what),
  warmupSteps: (v, what) => wholeNumber(v, 0, 100_000, what),
  seed: (v, what) => wholeNumber(v, 0, 2 ** 31 - 1, what),
};

function oneOf<T extends string>(v: unknown, allowed: readonly T[], what: string): T {
  if (!allowed.includes(v as T)) refuse(`${what} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(v)}`);
  return v as T;
}

function between(v: unknown, min: number, max: number, what: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) refuse(`${what} must be a number from ${min} to ${max}, got ${show(v)}`);
  return v as number;
}

function overrides(v: unknown): TrainingOverrides {
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(object(v, 'training settings'))) {
    if (!Object.hasOwn(OVERRIDES, k)) refuse(`unknown training setting ${show(k)}; the panel may set ${Object.keys(OVERRIDES).join(', ')}`);
    out[k] = OVERRIDES[k as keyof TrainingOverrides](x, k);
  }
  return out as TrainingOverrides;
}

/** Each message type: its check, which returns the message rebuilt from checked fields. */
const MESSAGES: { [K in FromPanel['type']]: (m: Fields, context: PanelContext) => Extract<FromPanel, { type: K }> } = {
  ready: (m) => (keys(m, ['type'], 'ready'), { type: 'ready' }),
  stopTraining: (m) => (keys(m, ['type'], 'stopTraining'), { type: 'stopTraining' }),
  trainingReceived: (m) => (keys(m, ['type', 'run', 'step'], 'trainingReceived'), { type: 'trainingReceived', run: string(m.run, LIMIT.title, 'training run'), step: wholeNumber(m.step, 0, Number.MAX_SAFE_INTEGER, 'training step') }),
  clearTrainingRuns: (m) => (keys(m, ['type'], 'clearTrainingRuns'), { type: 'clearTrainingRuns' }),
  state: (m) => (keys(m, ['type', 'scene'], 'state'), { type: 'state', scene: scene(m.scene, 'state: scene') }),
  train: (m, context) => {
    keys(m, ['type', 'preset', 'overrides'], 'train');
    if (context.presets < 1) refuse('there is no training preset');
    return { type: 'train', preset: wholeNumber(m.preset, 0, context.presets - 1, 'training preset'), overrides: overrides(m.overrides) };
  },
  compute: (m) => {
    keys(m, ['type', 'id', 'requests'], 'compute');
    const id = wholeNumber(m.id, 0, Number.MAX_SAFE_INTEGER, 'compute: id');
    const requests = array(m.requests, LIMIT.requests, 'compute: requests');
    if (!requests.length) refuse('compute: requests is empty');
    const budget = new Budget();
    return { type: 'compute', id, requests: requests.map((r, i) => request(r, i, budget)) };
  },
  openInNotebook: (m) => {
    keys(m, ['type', 'title', 'code', 'snapshot'], 'openInNotebook');
    const snap = object(m.snapshot, 'snapshot');
    keys(snap, ['version', 'scene', 'title', 'numbers', 'charts'], 'snapshot');
    if (snap.version !== 1) refuse(`snapshot: version must be 1, got ${show(snap.version)}`);
    const budget = { values: 0 };
    const charts: ChartJson[] = array(snap.charts, LIMIT.charts, 'snapshot: charts').map((c, i) => checkChart(c, `snapshot: chart ${i}`, budget));
    return {
      type: 'openInNotebook',
      title: string(m.title, LIMIT.title, 'notebook title'),
      code: string(m.code, LIMIT.code, 'notebook code'),
      snapshot: { version: 1, scene: scene(snap.scene, 'snapshot: scene'), title: string(snap.title, LIMIT.title, 'snapshot: title'), numbers: string(snap.numbers, LIMIT.numbers, 'snapshot: numbers'), charts },
    };
  },
};

/** Checks a message from the panel; on success the message holds only what was checked. */
export function checkFromPanel(m: unknown, context: PanelContext): PanelCheck {
  try {
    const o = object(m, 'a panel message');
    if (typeof o.type !== 'string' || !Object.hasOwn(MESSAGES, o.type)) refuse(`unknown panel message type ${show(o.type)}`);
    return { ok: true, message: MESSAGES[o.type as FromPanel['type']](o, context) };
  } catch (error) {
    if (error instanceof PanelRefusal) return { ok: false, error: error.message };
    throw error;
  }
}

/** The host's answer to a refused message: the compute's own reply, a failed training run, or an inline notice. */
export function refusalReply(m: unknown, error: string): ToPanel {
  const o = (m !== null && typeof m === 'object' ? m : {}) as Fields;
  if (o.type === 'compute' && Number.isSafeInteger(o.id) && (o.id as number) >= 0) return { type: 'result', id: o.id as number, error };
  if (o.type === 'train') return { type: 'trainingEnd', run: '', reason: 'failed', message: error, stepsPerSecond: 0 };
  return { type: 'refused', message: error };
}
