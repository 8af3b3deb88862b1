// A corpus of realistic training scripts (Hugging Face, Lightning, plain loops, DDP, RL, speech, vision) that
// get their losses right, often in ways that look like the bugs: the linter must find nothing in them. Then
// one bug put into a script each, to show the rules do see these scripts' data flow.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { lintPython } from '../../src/lint/lint';
import { loadPython } from '../../src/lint/parser';

const DIR = path.resolve(__dirname, '../lint/corpus');
const files = readdirSync(DIR).filter((f) => f.endsWith('.py')).sort();
const read = (f: string) => readFileSync(path.join(DIR, f), 'utf8');

const MUTATIONS: [string, string, string, string][] = [
  ['lightning_classifier.py', 'loss = self.criterion(logits, y)', 'loss = self.criterion(logits.softmax(-1), y)', 'LL001'],
  ['multilabel_bce.py', 'return self.loss_fn(logits, targets.float()), probs', 'return self.loss_fn(probs, targets.float()), probs', 'LL002'],
  ['ctc_speech.py', 'log_probs = F.log_softmax(logits, dim=-1).transpose(0, 1)', 'log_probs = torch.log(F.softmax(logits, dim=-1)).transpose(0, 1)', 'LL003'],
  ['lightning_lm.py', 'inputs, targets = tokens[:, :-1], tokens[:, 1:]', 'inputs, targets = tokens, tokens', 'LL004'],
  ['bert_mlm.py', 'targets = input_ids.masked_fill(~mask_positions, -100)', 'targets = input_ids.masked_fill(~mask_positions, -1)', 'LL005'],
  ['ddp_token_loss.py', '        dist.all_reduce(n_tokens, op=dist.ReduceOp.SUM)\n', '', 'LL006'],
  ['focal_detection.py', 'p_t = logp_t.exp()', 'p_t = logp_t.exp().detach()', 'LL007'],
  ['hf_custom_loop_accum.py', 'loss = outputs.loss / accumulation_steps', 'loss = outputs.loss', 'LL008'],
];

describe('loss linter on a corpus of correct training scripts', () => {
  before(() => loadPython());

  it('holds at least 20 scripts', () => assert.ok(files.length >= 20, `${files.length} scripts`));

  for (const f of files) it(`no finding in ${f}`, () => assert.deepEqual(lintPython(read(f)).findings.map((x) => `${x.line + 1}:${x.column + 1} ${x.code} ${x.message}`), []));

  for (const [file, from, to, code] of MUTATIONS) {
    it(`finds ${code} once a bug is put into ${file}`, () => {
      const text = read(file);
      assert.ok(text.includes(from), `${file} still holds: ${from}`);
      const codes = lintPython(text.replace(from, to)).findings.map((x) => x.code);
      assert.deepEqual(codes, [code]);
    });
  }
});
