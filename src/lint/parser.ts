// Python parsing with tree-sitter (VS Code's own build of the runtime and the Python grammar, as wasm):
// no Python process. Loaded once per thread; `parsePython` is synchronous after `loadPython()`.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, type Edit, type Tree, type TreeCursor } from '@vscode/tree-sitter-wasm';

export type { Tree, Edit, TreeCursor };

let parser: Parser | undefined;
let loading: Promise<Parser> | undefined;

/** Where the wasm files are: beside the bundle (dist/tree-sitter) or in node_modules when run from source. */
function wasmDir(): string {
  const candidates = [path.join(__dirname, 'tree-sitter'), path.join(__dirname, '../../node_modules/@vscode/tree-sitter-wasm/wasm')];
  const found = candidates.find((d) => existsSync(path.join(d, 'tree-sitter-python.wasm')));
  if (!found) throw new Error(`tree-sitter-python.wasm not found (looked in ${candidates.join(', ')})`);
  return found;
}

/** Loads the runtime and the grammar (about 100 ms the first time); later calls return the same parser. */
export function loadPython(): Promise<Parser> {
  loading ??= (async () => {
    const dir = wasmDir();
    await Parser.init({ locateFile: () => path.join(dir, 'tree-sitter.wasm') });
    const python = await Language.load(path.join(dir, 'tree-sitter-python.wasm'));
    const p = new Parser();
    p.setLanguage(python);
    parser = p;
    return p;
  })();
  return loading;
}

/** Parses `text`, reusing `old` (already edited to match) when given. Needs `loadPython()` first. */
export function parsePython(text: string, old?: Tree): Tree {
  if (!parser) throw new Error('the Python parser is not loaded: await loadPython() first');
  const tree = parser.parse(text, old ?? null);
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
