// Small helpers over tree-sitter's Python syntax tree.
import type { Node } from './syntax';

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** The expression inside any number of parentheses. */
export function unparen(node: Node): Node {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChild(0)!;
  return n;
}

export function named(node: Node): Node[] {
  return node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
}

/** Positional arguments of a call (keyword arguments and splats left out). */
export function positional(call: Node): Node[] {
  const args = field(call, 'arguments');
  if (!args || args.type !== 'argument_list') return [];
  return named(args).filter((a) => a.type !== 'keyword_argument' && a.type !== 'list_splat' && a.type !== 'dictionary_splat');
}

export function keyword(call: Node, name: string): Node | undefined {
  const args = field(call, 'arguments');
  if (!args) return undefined;
  for (const a of named(args)) if (a.type === 'keyword_argument' && field(a, 'name')?.text === name) return field(a, 'value');
  return undefined;
}

/** The argument bound to parameter `name`, given at `index` or by keyword. */
export function argument(call: Node, index: number, name: string): Node | undefined {
  return keyword(call, name) ?? positional(call)[index];
}

export function splats(call: Node): Node[] {
  const args = field(call, 'arguments');
  if (!args) return [];
  return named(args).filter((a) => a.type === 'dictionary_splat').map((a) => named(a)[0]).filter((a): a is Node => !!a);
}

/** `obj.name(...)`: the method name, or undefined for other calls. */
export function methodName(call: Node): string | undefined {
  const fn = field(call, 'function');
  return fn?.type === 'attribute' ? field(fn, 'attribute')?.text : undefined;
}

export function methodObject(call: Node): Node | undefined {
  const fn = field(call, 'function');
  return fn?.type === 'attribute' ? field(fn, 'object') : undefined;
}

/** The innermost function definition holding `node`, or undefined at module level. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition') return p;
  return undefined;
}

export function enclosingClass(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'class_definition') return p;
  return undefined;
}

/** A Python integer literal's value, also negative (`-100`); undefined for anything else. */
export function intLiteral(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const n = unparen(node);
  if (n.type === 'integer') return Number(n.text.replace(/_/g, ''));
  if (n.type === 'unary_operator' && field(n, 'operator')?.text === '-') {
    const v = intLiteral(field(n, 'argument'));
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

export function isAncestor(ancestor: Node, node: Node): boolean {
  return ancestor.startIndex <= node.startIndex && node.endIndex <= ancestor.endIndex;
}
