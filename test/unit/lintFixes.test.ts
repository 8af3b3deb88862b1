// The linter's quick fixes (applied, the result re-linted clean), `# losslab: ignore[...]`, and notebook cells.
import * as assert from 'node:assert/strict';
import { joinCells, splitFindings } from '../../src/lint/cells';
import { lintPython } from '../../src/lint/lint';
import { loadPython } from '../../src/lint/parser';
import type { Fix } from '../../src/lint/rule';

function apply(text: string, fix: Fix): string {
  let out = text;
  for (const e of [...fix.edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

const HEAD = 'import torch\nimport torch.nn.functional as F\n\ndef step(z, y, tok):\n';

const FIXES: [string, string, string, string][] = [
  ['LL002', '    return F.binary_cross_entropy_with_logits(torch.sigmoid(z), y)\n', 'Drop the sigmoid', '    return F.binary_cross_entropy_with_logits(z, y)\n'],
  ['LL002', '    return F.binary_cross_entropy_with_logits(z.sigmoid(), y)\n', 'Drop the sigmoid', '    return F.binary_cross_entropy_with_logits(z, y)\n'],
  ['LL001', '    return F.cross_entropy(F.softmax(z, dim=-1), y)\n', 'Drop the softmax', '    return F.cross_entropy(z, y)\n'],
  ['LL001', '    return F.nll_loss(torch.softmax(z, 1), y)\n', 'log_softmax', '    return F.nll_loss(torch.log_softmax(z, 1), y)\n'],
  ['LL003', '    return torch.log(F.softmax(z, dim=-1))\n', 'log_softmax', '    return F.log_softmax(z, dim=-1)\n'],
  ['LL003', '    return z.softmax(-1).log()\n', 'log_softmax', '    return z.log_softmax(-1)\n'],
  ['LL003', '    return torch.log(torch.sigmoid(z))\n', 'logsigmoid', '    return F.logsigmoid(z)\n'],
  ['LL003', '    return F.binary_cross_entropy(torch.sigmoid(z), y)\n', 'with_logits', '    return F.binary_cross_entropy_with_logits(z, y)\n'],
  ['LL005', '    y[y == tok.pad_token_id] = -1\n    return F.cross_entropy(z.view(-1, 5), y.view(-1))\n', 'ignore_index=-1', '    y[y == tok.pad_token_id] = -1\n    return F.cross_entropy(z.view(-1, 5), y.view(-1), ignore_index=-1)\n'],
  ['LL005', '    y[y == tok.pad_token_id] = -100\n    return F.cross_entropy(z, y, ignore_index=tok.pad_token_id)\n', 'ignore_index=-100', '    y[y == tok.pad_token_id] = -100\n    return F.cross_entropy(z, y, ignore_index=-100)\n'],
];

describe('loss linter: fixes, suppressions, notebooks', () => {
  before(() => loadPython());

  for (const [code, body, title, fixed] of FIXES) {
    it(`${code} fix "${title}": ${body.trim().split('\n').pop()}`, () => {
      const text = HEAD + body;
      const [finding] = lintPython(text).findings.filter((f) => f.code === code);
      assert.ok(finding?.fix, 'a fix is offered');
      assert.match(finding.fix.title, new RegExp(title.replace(/[()]/g, '\\$&')));
      const after = apply(text, finding.fix);
      assert.equal(after, HEAD + fixed);
      assert.deepEqual(lintPython(after).findings.map((f) => f.code), []);
    });
  }

  it('offers no fix where the value reaches the loss through a name (the name may have other uses)', () => {
    const [f] = lintPython(HEAD + '    p = torch.sigmoid(z)\n    return F.binary_cross_entropy_with_logits(p, y)\n').findings;
    assert.equal(f.code, 'LL002');
    assert.equal(f.fix, undefined);
  });

  it('# losslab: ignore[CODE] silences that code on its line only', () => {
    const body = '    a = F.binary_cross_entropy_with_logits(torch.sigmoid(z), y)  # losslab: ignore[LL002]\n    b = F.binary_cross_entropy_with_logits(torch.sigmoid(z), y)  # losslab: ignore[LL004]\n    return torch.log(torch.sigmoid(z))  # losslab: ignore\n';
    const findings = lintPython(HEAD + body).findings;
    assert.deepEqual(findings.map((f) => [f.code, f.line]), [['LL002', 5]]);
  });

  it('lints the cells of a notebook as one module and places findings in their cells', () => {
    const cells = ['!pip install torch\nimport torch.nn.functional as F', 'x = 1', 'loss = F.cross_entropy(logits.softmax(-1), y)'];
    const joined = joinCells(cells);
    const found = splitFindings(joined, lintPython(joined.text).findings);
    assert.deepEqual(found.map((f) => [f.code, f.cell, f.line, f.column, cells[f.cell].slice(f.start, f.end)]), [['LL001', 2, 0, 7, 'F.cross_entropy(logits.softmax(-1), y)']]);
    assert.equal(cells[2].slice(found[0].fix!.edits[0].start, found[0].fix!.edits[0].end), 'logits.softmax(-1)');
  });
});
