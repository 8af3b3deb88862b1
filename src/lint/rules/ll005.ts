// LL005 — ignore_index mismatch: the labels are padded or masked with one value, the loss ignores another,
// so the padding positions are trained on (as a real class, or out of range).
import { argument, field, intLiteral, keyword, methodName, methodObject, named, unparen } from '../ast';
import { IGNORE_INDEX_DEFAULT, lossCall, lossOption, type LossCall } from '../losses';
import type { PyModule } from '../module';
import type { Node } from '../syntax';
import { replace, type Fix, type Rule } from '../rule';

export const LL005: Rule = {
  code: 'LL005',
  title: 'labels padded with a value the loss does not ignore',
  math: 'L = Σ_t m_t ℓ_t / Σ_t m_t with m_t = [y_t ≠ ignore_index]: a pad value ≠ ignore_index gives m_t = 1 on padding, which is then trained as a class (or fails as out of range)',
  scene: 'masks',
  sceneSettings: { maskPadding: false },
  *check({ module, calls }) {
    for (const call of calls) {
      const loss = lossCall(module, call);
      if (!loss?.target || loss.kind === 'binary_cross_entropy' || loss.kind === 'binary_cross_entropy_with_logits') continue;
      const ignore = lossOption(loss, 'ignore_index');
      const ignored: Value = ignore ? valueOf(module, ignore) : { number: IGNORE_INDEX_DEFAULT, text: String(IGNORE_INDEX_DEFAULT) };
      const pads = padValues(module, loss.target, call).filter((p) => ignored.number === undefined || !p.index?.includes(ignored.text)); // `labels[labels == -100] = pad` undoes the masking
      const wrong = pads.find((p) => differ(p, ignored));
      if (!wrong) continue;
      yield {
        node: call,
        message: `the labels are padded with ${wrong.text} but the loss ignores ${ignored.text}${ignore ? '' : ' (the default ignore_index)'}: the padding positions count as targets — trained as token ${wrong.text} or out of range — and enter the mean's denominator. Make ignore_index match the padding value.`,
        fix: fixIgnoreIndex(loss, ignore, wrong),
      };
    }
  },
};

interface Value {
  number?: number;
  text: string;
  /** For `labels[index] = value`: the index's text. */
  index?: string;
}

function valueOf(m: PyModule, node: Node): Value {
  const n = unparen(node);
  const literal = intLiteral(n) ?? intLiteral(m.valueOf(n));
  return { number: literal, text: n.text };
}

const padLike = (v: Value) => /pad/i.test(v.text);

/** Certainly different values: two different integers, or a pad token id (never negative) against a negative integer. */
function differ(a: Value, b: Value): boolean {
  if (a.number !== undefined && b.number !== undefined) return a.number !== b.number;
  if (a.number === undefined && b.number !== undefined) return padLike(a) && b.number < 0;
  if (b.number === undefined && a.number !== undefined) return padLike(b) && a.number < 0;
  return false;
}

/**
 * The values the labels were filled with before the loss: `labels[labels == pad] = v`, `labels.masked_fill_(m, v)`,
 * `labels = labels.masked_fill(m, v)`, `torch.where(m, v, labels)`, `F.pad(labels, …, value=v)`.
 */
function padValues(m: PyModule, target: Node, before: Node): Value[] {
  const values: Value[] = [];
  for (const n of m.trace(target, false)) {
    if (n.type === 'identifier') values.push(...writes(m, n, before));
    if (n.type !== 'call') continue;
    const method = methodName(n);
    const fname = m.torch(field(n, 'function')!);
    if (method === 'masked_fill' || method === 'masked_fill_') {
      const v = argument(n, 1, 'value');
      if (v) values.push(valueOf(m, v));
      values.push(...padValues(m, methodObject(n)!, before));
    } else if (fname === 'where') {
      const [, a, b] = named(field(n, 'arguments')!);
      for (const v of [a, b]) if (v && (valueOf(m, v).number !== undefined || padLike(valueOf(m, v)))) values.push(valueOf(m, v));
    } else if (fname === 'pad') {
      const v = keyword(n, 'value');
      if (v) values.push(valueOf(m, v));
    }
  }
  return values;
}

/** In-place writes to the binding `name` sees, between that binding and `before`. */
function writes(m: PyModule, name: Node, before: Node): Value[] {
  const def = m.lookup(name);
  const from = def?.index ?? 0;
  const scope = m.scopeOf(name);
  const body = scope.fn ?? scope.root;
  const values: Value[] = [];
  for (const a of body.descendantsOfType(['assignment', 'call'])) {
    if (!a || a.startIndex < from || a.endIndex > before.startIndex || m.scopeOf(a) !== scope) continue;
    if (a.type === 'assignment') {
      const left = field(a, 'left')!;
      if (left.type !== 'subscript' || field(left, 'value')!.text !== name.text) continue;
      const index = left.childrenForFieldName('subscript').map((s) => s?.text ?? '').join(',');
      const v = valueOf(m, field(a, 'right')!);
      // a write is padding when it writes a negative or pad id, or writes where the labels equal a pad / the mask is 0
      if ((v.number !== undefined && v.number < 0) || padLike(v) || /pad|mask/i.test(index)) values.push({ ...v, index });
    } else if (methodName(a) === 'masked_fill_' && methodObject(a)!.text === name.text) {
      const v = argument(a, 1, 'value');
      if (v) values.push(valueOf(m, v));
    }
  }
  return values;
}

function fixIgnoreIndex(loss: LossCall, ignore: Node | undefined, pad: Value): Fix | undefined {
  const title = `Set ignore_index=${pad.text}`;
  const inline = !loss.built || unparen(loss.callee).id === loss.built.id; // a shared module may serve other calls
  if (!inline) return undefined;
  if (ignore) return { title, edits: [replace(ignore, pad.text)] };
  const args = field(loss.built ?? loss.call, 'arguments')!;
  const close = args.endIndex - 1;
  const empty = named(args).length === 0;
  return { title, edits: [{ start: close, end: close, text: `${empty ? '' : ', '}ignore_index=${pad.text}` }] };
}
