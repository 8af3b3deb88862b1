// Hyperparameters where the frameworks write them, as flat {name: value} maps. Pure (the node side that finds
// the files is hparamsFiles.ts):
//   TensorBoard hparams plugin   `_hparams_/session_start_info` summaries (add_hparams in torch.utils.tensorboard,
//                                tensorboardX, Keras' hp.hparams): HParamsPluginData.session_start_info.hparams
//   Hugging Face                 trainer_state.json's run fields (train_batch_size, num_train_epochs, max_steps,
//                                trial_params…), training_args.json (TrainingArguments.to_json_string()) and the
//                                model's config.json beside it (keys prefixed "model/")
//   PyTorch Lightning            hparams.yaml beside metrics.csv or the event files (save_hyperparameters)
// Nested values are flattened with "/" as Lightning's loggers do; lists become their JSON text; null is left out.
import { parseDocument } from 'yaml';
import type { HParams, HParamValue, Run } from './model';
import { ProtoReader, text, view } from './protoReader';

/** The plugin name TensorBoard's hparams summaries carry in SummaryMetadata.plugin_data. */
export const HPARAMS_PLUGIN = 'hparams';

/** Flattens `value` into `out` under `prefix` ("optimizer/lr"); scalars kept, lists as JSON, null dropped. */
export function flattenHparams(value: unknown, out: HParams = {}, prefix = ''): HParams {
  if (value === null || value === undefined) return out;
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
    if (prefix) out[prefix] = value;
  } else if (Array.isArray(value)) {
    if (prefix) out[prefix] = JSON.stringify(value);
  } else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flattenHparams(v, out, prefix ? `${prefix}/${k}` : k);
  } else if (typeof value === 'bigint') {
    if (prefix) out[prefix] = Number(value);
  }
  return out;
}

/** Lightning's hparams.yaml (PyYAML's dump of the saved hyperparameters); python/* tags read as plain values. */
export function hparamsFromYaml(content: string): HParams {
  // PyYAML's default Dumper writes tuples as !!python/tuple: an unknown tag is only a warning, the list is kept.
  const parsed = parseDocument(content, { uniqueKeys: false });
  if (parsed.errors.length) throw new Error(`not valid YAML (${parsed.errors[0].message.split('\n')[0]})`);
  const doc: unknown = parsed.toJS();
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`expected a mapping of hyperparameters, got ${Array.isArray(doc) ? 'a list' : typeof doc}`);
  return flattenHparams(doc);
}

/** A parsed JSON document (training_args.json, config.json) as hyperparameters under `prefix`. */
export function hparamsFromObject(doc: unknown, prefix = ''): HParams {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('expected a JSON object');
  return flattenHparams(doc, {}, prefix);
}

/** trainer_state.json's run-level fields: everything but the log history and the callback/checkpoint bookkeeping. */
export function hparamsFromTrainerState(state: Record<string, unknown>): HParams {
  const ignored = new Set(['log_history', 'stateful_callbacks', 'best_model_checkpoint', 'best_global_step', 'global_step', 'epoch', 'total_flos', 'is_local_process_zero', 'is_world_process_zero', 'is_hyper_param_search', 'best_metric']);
  return flattenHparams(Object.fromEntries(Object.entries(state).filter(([k]) => !ignored.has(k))));
}

// --- TensorBoard hparams plugin -------------------------------------------------------------------------

/** SummaryMetadata (Summary.Value field 9) → PluginData {plugin_name: 1, content: 2}: the content's range if hparams. */
export function hparamsPluginContent(bytes: Uint8Array, start: number, end: number): { start: number; end: number } | undefined {
  let content: { start: number; end: number } | undefined;
  new ProtoReader(bytes, start, end).forEach((field, v) => {
    if (field !== 1 || v.wire !== 2) return;
    let name = '';
    let body: { start: number; end: number } | undefined;
    new ProtoReader(bytes, v.start, v.end).forEach((f, w) => {
      if (f === 1) name = text(bytes, w);
      else if (f === 2 && w.wire === 2) body = { start: w.start, end: w.end };
    });
    if (name === HPARAMS_PLUGIN) content = body ?? { start: v.end, end: v.end };
  });
  return content;
}

/** google.protobuf.Value: null (1), number (2, double), string (3), bool (4), struct (5), list (6). */
function protoValue(bytes: Uint8Array, start: number, end: number): HParamValue | undefined {
  let out: HParamValue | undefined;
  new ProtoReader(bytes, start, end).forEach((field, v) => {
    if (field === 2 && v.wire === 1) out = view(bytes).getFloat64(v.offset, true);
    else if (field === 3) out = text(bytes, v);
    else if (field === 4 && v.wire === 0) out = v.value !== 0n;
  });
  return out;
}

/**
 * HParamsPluginData {version: 1, experiment: 2, session_start_info: 3, session_end_info: 4}: the hparams of a
 * session_start_info (SessionStartInfo.hparams, field 1, a map<string, Value>), or undefined for the others.
 */
export function sessionStartHparams(bytes: Uint8Array, start: number, end: number): HParams | undefined {
  let hparams: HParams | undefined;
  new ProtoReader(bytes, start, end).forEach((field, v) => {
    if (field !== 3 || v.wire !== 2) return;
    hparams = {};
    new ProtoReader(bytes, v.start, v.end).forEach((f, entry) => {
      if (f !== 1 || entry.wire !== 2) return;
      let key = '';
      let value: HParamValue | undefined;
      new ProtoReader(bytes, entry.start, entry.end).forEach((k, w) => {
        if (k === 1) key = text(bytes, w);
        else if (k === 2 && w.wire === 2) value = protoValue(bytes, w.start, w.end);
      });
      if (value !== undefined) hparams![key] = value;
    });
  });
  return hparams;
}

/** Adds `hparams` to `run`'s (later keys win). */
export function addHparams(run: Run, hparams: HParams): void {
  run.hparams = { ...run.hparams, ...hparams };
}

/** The run an add_hparams session folder (`<run>/1700000000.123`) belongs to, if `name` is one. */
export function sessionParent(name: string): string | undefined {
  return /^(.*)[\\/]\d{9,}(\.\d+)?$/.exec(name)?.[1];
}

/**
 * add_hparams (torch.utils.tensorboard, tensorboardX) writes the session and its metric values into a sub-folder
 * named by the time (`<run>/1700000000.123/`): such a run is folded into `<run>` when that run exists.
 */
export function foldHparamsSessions(runs: Run[]): Run[] {
  const byName = new Map(runs.map((r) => [r.name, r]));
  return runs.filter((run) => {
    const name = sessionParent(run.name);
    const parent = name !== undefined && run.hparams ? byName.get(name) : undefined;
    if (!parent) return true;
    addHparams(parent, run.hparams!);
    for (const [tag, series] of Object.entries(run.scalars)) if (!Object.hasOwn(parent.scalars, tag)) parent.scalars[tag] = series;
    return false;
  });
}
