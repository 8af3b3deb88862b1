// Parsing a 1,000,000-line JSONL training log with the log reader against a bare JSON.parse loop over
// the same lines (the floor any JSONL reader pays).
import { emptyRun } from '../logs/model';
import { readJsonLines } from '../logs/text';
import { time, type Report } from './timing';


function syntheticLog(lines: number): string {
  const out: string[] = [];
  for (let step = 1; step <= lines; step++) {
    const loss = 2 + Math.exp(-step / 1e5) + Math.sin(step) * 0.01;
    out.push(step % 50 === 0 ? `{"step": ${step}, "eval_loss": ${loss.toFixed(6)}}` : `{"step": ${step}, "loss": ${loss.toFixed(6)}, "learning_rate": ${(3e-4 * (1 - step / lines)).toExponential(6)}, "grad_norm": ${(1 + Math.cos(step) * 0.2).toFixed(5)}, "epoch": ${(step / 2e5).toFixed(5)}}`);
  }
  return out.join('\n') + '\n';
}

export async function benchLogParse(report: Report): Promise<void> {
  const text = syntheticLog(1_000_000);
  const parse = await time(3, async () => () => readJsonLines(text, emptyRun('bench', 'jsonl'), 0, true));
  // Lines are cut as the reader cuts them (indexOf and slice, one at a time): `text.split('\n')` would first
  // build an array of a million strings, work that is not JSON.parse's and that no reader has to do.
  const bare = await time(3, async () => () => {
    let n = 0;
    for (let start = 0, nl = text.indexOf('\n'); nl >= 0; start = nl + 1, nl = text.indexOf('\n', start)) {
      if (nl > start) n += Object.keys(JSON.parse(text.slice(start, nl))).length;
    }
    return n;
  });
  report('parse 1M-line JSONL log', parse, 'JSON.parse loop', bare);
}
