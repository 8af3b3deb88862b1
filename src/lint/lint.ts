// The linter's entry: Python text in, findings out (sorted, suppressions applied). Synchronous once the
// parser is loaded; shared by the CLI and the editor's worker.
import { PyModule } from './module';
import { parsePython, type Node, type Tree } from './parser';
import type { Finding } from '../protocol/lint';
import { RULE_CODES, type RuleCode } from './rule';
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

/** Lints one Python file. `tree` is a parse of `text` to reuse (the editor keeps one per document). */
export function lintPython(text: string, options: LintOptions = {}, tree?: Tree): LintResult {
  const own = !tree;
  const t = tree ?? parsePython(text);
  try {
    return lintTree(t.rootNode, text, options);
  } finally {
    if (own) t.delete();
  }
}

export function lintTree(root: Node, text: string, options: LintOptions = {}): LintResult {
  const module = new PyModule(root, text);
  const calls = root.descendantsOfType('call').filter((c): c is Node => !!c);
  const codes = options.select ?? RULE_CODES;
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const suppressed = suppressions(text);
  for (const code of codes) {
    for (const f of RULES[code].check({ module, calls })) {
      if (hasErrorAround(f.node)) continue; // mid-edit code: prefer silence
      const line = f.node.startPosition.row;
      const key = `${code}:${f.node.startIndex}`;
      if (seen.has(key) || isSuppressed(suppressed, line, code)) continue;
      seen.add(key);
      findings.push({
        code,
        message: f.message,
        line,
        column: f.node.startPosition.column,
        endLine: f.node.endPosition.row,
        endColumn: f.node.endPosition.column,
        start: f.node.startIndex,
        end: f.node.endIndex,
        fix: f.fix,
      });
    }
  }
  findings.sort((a, b) => a.start - b.start || a.code.localeCompare(b.code));
  return { findings, syntaxError: root.hasError ? firstError(root) : undefined };
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
