// Token-normalised losses as written by hand: `(loss * mask).sum() / mask.sum()` and `loss[mask].mean()`.
import { argument, field, methodName, methodObject, named, unparen } from './ast';
import type { PyModule } from './module';
import type { Node } from './syntax';

/** `X.sum()` or `torch.sum(X)` over everything: X; otherwise undefined. */
function summed(m: PyModule, node: Node): Node | undefined {
  const n = m.origin(node, false);
  if (n.type !== 'call') return undefined;
  if (methodName(n) === 'sum' && named(field(n, 'arguments')!).length === 0 && !m.qualify(methodObject(n)!)) return methodObject(n);
  if (m.torch(field(n, 'function')!) === 'sum' && named(field(n, 'arguments')!).length === 1) return argument(n, 0, 'input');
  // `mask.sum().clamp(min=1)`: still the count
  if (methodName(n) === 'clamp' || methodName(n) === 'clamp_min' || methodName(n) === 'clip') return summed(m, methodObject(n)!);
  return undefined;
}

/** The factors of a product `a * b * c` (through local names), as the texts of their origins. */
function factors(m: PyModule, node: Node, out: string[] = []): string[] {
  const n = m.origin(node, false);
  if (n.type === 'binary_operator' && field(n, 'operator')!.text === '*') {
    factors(m, field(n, 'left')!, out);
    factors(m, field(n, 'right')!, out);
  } else out.push(n.text);
  return out;
}

/** Is `node` a mean over the masked tokens of one batch (the count is this batch's own)? */
export function isTokenMean(m: PyModule, node: Node): boolean {
  const n = unparen(node);
  if (n.type === 'binary_operator' && field(n, 'operator')!.text === '/') {
    const numerator = summed(m, field(n, 'left')!);
    const count = summed(m, field(n, 'right')!);
    if (!numerator || !count) return false;
    const mask = m.origin(count, false).text;
    return factors(m, numerator).includes(mask);
  }
  if (n.type === 'call' && methodName(n) === 'mean' && named(field(n, 'arguments')!).length === 0) {
    const of = unparen(methodObject(n)!);
    if (of.type === 'subscript') {
      const index = of.childrenForFieldName('subscript').filter((s): s is Node => !!s);
      return index.length === 1 && (index[0].type === 'comparison_operator' || /mask/i.test(index[0].text));
    }
    if (of.type === 'call' && (methodName(of) === 'masked_select' || m.qualify(field(of, 'function')!) === 'torch.masked_select')) return true;
  }
  return false;
}

/** Does the value of `node` come from a token mean (through local names)? The token mean, if so. */
export function tokenMeanOf(m: PyModule, node: Node): Node | undefined {
  for (const n of m.trace(node, false)) if (isTokenMean(m, n)) return n;
  return undefined;
}
