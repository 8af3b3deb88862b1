// The linter's entry: Python text in, findings out (sorted, suppressions applied). Synchronous once the
// parser is loaded; shared by the CLI and the editor's worker.
import { PyModule } from './module';
import { parsePython, type Tree } from './parser';
import { copyTree, type Node } from './syntax';
import type { Finding } from '../protocol/lint';
import { moduleContext, type StatementMemo } from './memo';
import { RULE_CODES, type RuleCode, type RuleContext } from './rule';
import { RULES } from './rules';

export type { Finding } from '../protocol/lint';

export interface LintOptions {
  /** Only these rules (all when absent). */
  select?: readonly RuleCode[];
}

export interface LintResult {
  findings: Finding[];
  /** The first syntax error, when the text does not parse (findings are still given for the rest). */
  syntaxError?: { line: number; column: number };
}

/** Lints one Python file. `tree` is a parse of `text` to reuse. */
export function lintPython(text: string, options: LintOptions = {}, tree?: Tree): LintResult {
  const own = !tree;
  const t = tree ?? parsePython(text);
  try {
    return lintTree(copyTree(t, text), text, options);
  } finally {
    if (own) t.delete();
  }
}

/**
 * Lints a parsed file. The rules check one top-level statement at a time; with `memo` (the editor keeps one
 * per document), statements carried over unchanged from the previous tree keep their findings.
 */
export function lintTree(root: Node, text: string, options: LintOptions = {}, memo?: StatementMemo): LintResult {
  const module = new PyModule(root, text);
  const codes = options.select ?? RULE_CODES;
  memo?.begin(moduleContext(module, codes));
  const point = (index: number) => root.source.point(index);
  const all: Finding[] = [];
  for (const statement of root.children) {
    let found = memo?.get(statement, point);
    if (!found) {
      found = checkStatement(module, statement, codes);
      memo?.set(statement, found);
    }
    all.push(...found);
  }
  memo?.end();
  const seen = new Set<string>();
  const suppressed = suppressions(text);
  const findings = all.filter((f) => {
    const key = `${f.code}:${f.start}`;
    if (seen.has(key) || isSuppressed(suppressed, f.line, f.code)) return false;
    seen.add(key);
    return true;
  });
  findings.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  return { findings, syntaxError: root.hasError ? firstError(root) : undefined };
}

/** Every rule's findings that start from the calls and expressions of one top-level statement. */
function checkStatement(module: PyModule, statement: Node, codes: readonly RuleCode[]): Finding[] {
  const context: RuleContext = { module, calls: statement.descendantsOfType('call'), nodes: (types) => statement.descendantsOfType(types) };
  const out: Finding[] = [];
  for (const code of codes) {
    for (const f of RULES[code].check(context)) {
      if (hasErrorAround(f.node)) continue; // mid-edit code: prefer silence
      const start = f.node.startPosition;
      const end = f.node.endPosition;
      out.push({ code, message: f.message, line: start.row, column: start.column, endLine: end.row, endColumn: end.column, start: f.node.startIndex, end: f.node.endIndex, fix: f.fix });
    }
  }
  return out;
}

function hasErrorAround(node: Node): boolean {
  let statement: Node | null = node;
  while (statement && !statement.type.endsWith('statement') && statement.type !== 'function_definition') statement = statement.parent;
  return !!(statement ?? node).hasError;
}

/** `# losslab: ignore[LL004, LL005]` (or bare `# losslab: ignore`) by 0-based line: the codes, or '*' for all. */
function suppressions(text: string): Map<number, Set<string>> {
  const map = new Map<number, Set<string>>();
  if (!text.includes('losslab:')) return map;
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const m = /#\s*losslab:\s*ignore(?:\[([A-Z0-9,\s]*)\])?/i.exec(l);
    if (m) map.set(i, new Set(m[1] ? m[1].split(',').map((c) => c.trim().toUpperCase()) : ['*']));
  });
  return map;
}

function isSuppressed(map: Map<number, Set<string>>, line: number, code: string): boolean {
  const codes = map.get(line);
  return !!codes && (codes.has('*') || codes.has(code));
}

function firstError(root: Node): { line: number; column: number } | undefined {
  const bad = root.descendantsOfType('ERROR')[0] ?? findMissing(root);
  return bad ? { line: bad.startPosition.row, column: bad.startPosition.column } : { line: 0, column: 0 };
}

function findMissing(node: Node): Node | undefined {
  if (node.isMissing) return node;
  for (const c of node.children) {
    if (c?.hasError) {
      const m = findMissing(c);
      if (m) return m;
    }
  }
  return node.isError ? node : undefined;
}
