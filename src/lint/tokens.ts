// Which tensor a value is, as far as the file shows it: a key that is equal for two expressions only when
// both are the same binding (`input_ids` bound once, `batch["input_ids"]`), and the model call whose inputs
// produced a tensor of logits.
import { field, methodName, methodObject, named, splats, unparen } from './ast';
import { VIEW_LIKE } from './module';
import type { PyModule } from './module';
import type { Node } from './syntax';

/** Is `subscript` a slice (`x[:, 1:]`, `x[..., :-1]`) rather than an index (`x[0]`, `x["input_ids"]`)? */
export function isSlice(subscript: Node): boolean {
  return subscript.childrenForFieldName('subscript').some((s) => !!s && (s.type === 'slice' || s.type === 'ellipsis'));
}

function indexText(subscript: Node): string | undefined {
  const parts = subscript.childrenForFieldName('subscript').filter((s): s is Node => !!s);
  if (parts.length !== 1) return undefined;
  const p = parts[0];
  if (p.type === 'string') return named(p).find((c) => c.type === 'string_content')?.text ?? '';
  if (p.type === 'integer') return p.text;
  return undefined;
}

/**
 * A key naming the tensor `expression` is, or undefined (unknown, or a slice of something). Local names and
 * copies (`labels = input_ids.clone()`) keep the key; with `changed`, a copy written in place afterwards
 * (`corrupted[mask] = mask_id`) is a tensor of its own.
 */
export function tensorKey(m: PyModule, expression: Node, changed = false): string | undefined {
  let o = unparen(expression);
  for (let i = 0; i < 24; i++) {
    if (o.type === 'identifier') {
      const def = m.lookup(o);
      if (!def?.value || def.operator || (changed && m.writtenInPlace(o, def))) return `${o.text}@${def ? def.index : 'free'}`;
      o = unparen(def.value);
    } else if (o.type === 'call' && VIEW_LIKE.has(methodName(o) ?? '') && !m.qualify(field(o, 'function')!)) o = unparen(methodObject(o)!);
    else break;
  }
  if (o.type === 'subscript') {
    const index = indexText(o);
    const base = index === undefined ? undefined : tensorKey(m, field(o, 'value')!, changed);
    return base && `${base}[${index}]`;
  }
  if (o.type === 'attribute') {
    const base = tensorKey(m, field(o, 'object')!, changed);
    return base && `${base}.${field(o, 'attribute')!.text}`;
  }
  return undefined;
}

/** True when the value comes through a slice anywhere between `expression` and where it was made. */
export function sliced(m: PyModule, expression: Node): boolean {
  return m.trace(expression, true).some((n) => n.type === 'subscript' && isSlice(n));
}

/** The call that produced a tensor of logits: through `.logits`, `out[0]`, `out["logits"]` and local names. */
export function producingCall(m: PyModule, expression: Node): Node | undefined {
  let n = m.origin(expression, false);
  for (let i = 0; i < 8; i++) {
    const act = m.activation(n);
    if (act && act.kind !== 'log') {
      n = m.origin(act.input, false);
      continue;
    }
    if (n.type === 'call') return m.qualify(field(n, 'function')!) ? undefined : n;
    if (n.type === 'attribute' && field(n, 'attribute')!.text === 'logits') n = m.origin(field(n, 'object')!, false);
    else if (n.type === 'subscript' && !isSlice(n) && indexText(n) !== undefined) n = m.origin(field(n, 'value')!, false);
    else return undefined;
  }
  return undefined;
}

/** Keys of the tensors a model call reads: its arguments, `**batch` as `batch["input_ids"]`, and the inputs of calls among them. */
export function inputKeys(m: PyModule, call: Node, depth = 0): Set<string> {
  const keys = new Set<string>();
  const args = field(call, 'arguments');
  if (!args || depth > 3) return keys;
  for (const a of named(args)) {
    const value = a.type === 'keyword_argument' ? field(a, 'value') : a.type === 'list_splat' || a.type === 'dictionary_splat' ? undefined : a;
    if (!value) continue;
    const k = tensorKey(m, value, true);
    if (k) keys.add(k);
    const o = unparen(m.origin(value, false));
    if (o.type === 'call' && isLayerCall(m, o)) for (const inner of inputKeys(m, o, depth + 1)) keys.add(inner);
  }
  for (const s of splats(call)) {
    const base = tensorKey(m, s, true);
    if (base) keys.add(`${base}[input_ids]`).add(`${base}.input_ids`);
  }
  return keys;
}

/**
 * A call that runs part of the model on its input (`self.transformer(ids)`, `model.backbone(x)`), whose
 * inputs are the model's inputs too. Plain helper functions (`shift_right(labels)`) and anything named
 * like a shift transform their input, so their arguments are not the model's input.
 */
function isLayerCall(m: PyModule, call: Node): boolean {
  const fn = unparen(field(call, 'function')!);
  return fn.type === 'attribute' && !m.qualify(fn) && !/shift/i.test(fn.text);
}
