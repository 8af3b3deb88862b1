// The findings of each top-level statement, kept between two lints of one document as it is typed. The
// rules start from the calls and expressions of one statement, and what they read outside it is the
// module's context: its imports, its module-level statements (the bindings a function falls back to), and
// whether the file is distributed code sharing its token counts. A statement carried over unchanged from
// the previous syntax tree, in an unchanged context, has the findings it had, moved by the edit.
import type { Finding } from '../protocol/lint';
import type { PyModule } from './module';
import type { RuleCode } from './rule';
import type { Node } from './syntax';

interface Kept {
  /** The statement's start offset when its findings were made. */
  start: number;
  findings: Finding[];
}

/** Top-level statements nothing outside them reads: definitions (their bodies are their own scopes) and comments. */
const OWN_SCOPE = new Set(['function_definition', 'class_definition', 'comment']);

/** Everything outside a function or class statement that the rules may read while checking it. */
export function moduleContext(module: PyModule, codes: readonly RuleCode[]): string {
  const parts = [codes.join(','), String(module.distributed), String(module.sharesTokenCounts)];
  for (const s of module.root.descendantsOfType(['import_statement', 'import_from_statement'])) parts.push(s.text);
  for (const s of module.root.children) if (!OWN_SCOPE.has(s.type)) parts.push(s.text);
  return parts.join('\u0000');
}

export class StatementMemo {
  private context = '';
  private kept = new Map<Node, Kept>();
  private next = new Map<Node, Kept>();

  /** Starts a lint in `context`: a changed context forgets every kept statement. */
  begin(context: string): void {
    if (context !== this.context) this.kept.clear();
    this.context = context;
    this.next = new Map();
  }

  /** The findings of `statement` (a node carried over from the previous tree), at its offsets now. */
  get(statement: Node, point: (index: number) => { row: number; column: number }): Finding[] | undefined {
    const kept = this.kept.get(statement);
    if (!kept) return undefined;
    const delta = statement.startIndex - kept.start;
    const findings = delta === 0 ? kept.findings : kept.findings.map((f) => move(f, delta, point));
    this.next.set(statement, { start: statement.startIndex, findings });
    return findings;
  }

  /** Keeps the findings of `statement`, unless one of them reaches outside it (then it is checked every time). */
  set(statement: Node, findings: Finding[]): void {
    const inside = (start: number, end: number) => statement.startIndex <= start && end <= statement.endIndex;
    if (findings.every((f) => inside(f.start, f.end) && (f.fix?.edits ?? []).every((e) => inside(e.start, e.end)))) this.next.set(statement, { start: statement.startIndex, findings });
  }

  end(): void {
    this.kept = this.next;
    this.next = new Map();
  }
}

function move(f: Finding, delta: number, point: (index: number) => { row: number; column: number }): Finding {
  const start = point(f.start + delta);
  const end = point(f.end + delta);
  return {
    ...f,
    line: start.row,
    column: start.column,
    endLine: end.row,
    endColumn: end.column,
    start: f.start + delta,
    end: f.end + delta,
    fix: f.fix && { title: f.fix.title, edits: f.fix.edits.map((e) => ({ ...e, start: e.start + delta, end: e.end + delta })) },
  };
}
