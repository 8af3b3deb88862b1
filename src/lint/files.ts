// The files `losslab lint PATH...` looks at: .py and .ipynb, folders walked, paths a .gitignore (of the
// folder or any parent up to the walk's root) ignores are skipped — with git's own rules via `ignore`.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

const LINTED = /\.(py|ipynb)$/;

interface Rules {
  base: string;
  rules: Ignore;
}

function gitignoreOf(dir: string): Rules | undefined {
  const file = path.join(dir, '.gitignore');
  return existsSync(file) ? { base: dir, rules: ignore().add(readFileSync(file, 'utf8')) } : undefined;
}

function ignored(stack: readonly Rules[], file: string, isDir: boolean): boolean {
  return stack.some(({ base, rules }) => {
    const rel = path.relative(base, file).split(path.sep).join('/');
    return rel !== '' && !rel.startsWith('..') && rules.ignores(isDir ? `${rel}/` : rel);
  });
}

/** The files to lint under each path (a file given by name is always linted). Throws for a path that does not exist. */
export function lintTargets(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new Error(`${p}: no such file or directory`);
    if (statSync(p).isDirectory()) walk(path.resolve(p), [], out, p);
    else out.push(p);
  }
  return out;
}

function walk(dir: string, parents: Rules[], out: string[], shown: string): void {
  const own = gitignoreOf(dir);
  const stack = own ? [...parents, own] : parents;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name === '.git') continue;
    const full = path.join(dir, entry.name);
    const isDir = entry.isDirectory();
    if (ignored(stack, full, isDir)) continue;
    const display = path.join(shown, entry.name);
    if (isDir) walk(full, stack, out, display);
    else if (entry.isFile() && LINTED.test(entry.name)) out.push(display);
  }
}
