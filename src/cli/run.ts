// `losslab run NOTEBOOK.lossnb [--out FILE]`: runs every code cell with the notebook kernel, outside VS Code,
// and writes the outputs (into --out, or back into the notebook). Exit code 1 if a cell fails.
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { KernelClient } from '../kernel/client';
import { parseNotebook, serializeNotebook } from '../notebook/format';

export async function runCommand(args: string[]): Promise<number> {
  const outIndex = args.indexOf('--out');
  const out = outIndex >= 0 ? args[outIndex + 1] : undefined;
  const files = args.filter((a, i) => !a.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
  if (files.length !== 1 || (outIndex >= 0 && !out)) {
    process.stderr.write('usage: losslab run NOTEBOOK.lossnb [--out FILE]\n');
    return 2;
  }
  const nb = parseNotebook(readFileSync(files[0], 'utf8'));
  const kernel = new KernelClient(path.join(__dirname, 'kernel-worker.js'));
  let failed = 0;
  try {
    for (const [i, cell] of nb.cells.entries()) {
      if (cell.kind !== 'code') continue;
      const language = cell.language === 'typescript' ? 'typescript' : 'javascript';
      const { outputs, ok } = await kernel.run(cell.source, language, `cell ${i + 1}`);
      cell.outputs = outputs;
      process.stderr.write(`cell ${i + 1}: ${ok ? 'ok' : 'FAILED'}\n`);
      if (!ok) {
        failed++;
        const error = outputs.at(-1)?.items[0]?.data as { stack?: string } | undefined;
        process.stderr.write(`${error?.stack ?? ''}\n`);
        break;
      }
    }
  } finally {
    kernel.dispose();
  }
  writeFileSync(out ?? files[0], serializeNotebook(nb));
  return failed ? 1 : 0;
}
