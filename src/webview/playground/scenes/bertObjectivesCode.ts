// The notebook cell that recomputes the BERT-family scene with the notebook tensor library: the scene's sample
// (its masking, order and generator draws) written out, the stand-in models rebuilt from tensors (the panel
// builds the same numbers in plain JS; the unit test of this cell checks both agree), and every loss through F.
// No DOM here, so the unit tests run this cell too.
import { IDS, MASK_ID, MASKABLE, mlmSample, plmSample, T, V, VOCAB } from './bertObjectivesModel';

export type Objective = 'mlm' | 'nsp' | 'plm' | 'rtd';

/** The settings the scene's controls hold. */
export interface BertSettings {
  objective: Objective;
  seed: number;
  rate: number;
  wholeWord: boolean;
  isNext: boolean;
  clsScore: number;
  K: number;
  lambda: number;
}

const list = (xs: readonly (number | string)[]) => `[${xs.map((x) => (typeof x === 'string' ? JSON.stringify(x) : x)).join(', ')}]`;

/** `samples`: the generator's draws at the predicted positions (ids), as the scene sampled them from the engine's softmax. */
export function bertNotebookCode(s: BertSettings, samples: number[]): string {
  const mlm = mlmSample(s.seed, s.rate, s.wholeWord);
  const plm = plmSample(s.seed, s.K);
  const rank = MASKABLE.map((p) => plm.order.indexOf(p));
  const corrupted = IDS.map((id, p) => (mlm.predicted.includes(p) ? samples[mlm.predicted.indexOf(p)] : id));
  return [
    `// BERT-family objectives on the playground's sentence pair: seed ${s.seed}, mask rate ${s.rate}, ${s.wholeWord ? 'whole-word' : 'token-level'} masking`,
    `const vocab = ${list(VOCAB)};`,
    `const V = ${V}, T = ${T}, MASK = ${MASK_ID};`,
    `const original = torch.tensor(${list(IDS)});`,
    '// The stand-in encoder: it copies the token it reads (not [MASK]) and leans towards the original word.',
    'const pattern = torch.arange(T).float().mul(1.3).unsqueeze(1).add(torch.arange(V).float().mul(0.7)).sin().mul(0.5);',
    'const encoder = (ids) => pattern.add(F.one_hot(ids, V).float().mul(ids.ne(MASK).float().mul(2.5).unsqueeze(1))).add(F.one_hot(original, V).float().mul(1.5));',
    '// Tokens that receive a gradient: the rows of ∂L/∂scores that are not all zero.',
    'const with_gradient = (scores, loss_of) => { const x = scores.detach().requires_grad_(); loss_of(x).backward(); return x.grad.ne(0).reshape(x.size(0), -1).any(1).sum().item(); };',
    '',
    `// MLM: the 80-10-10 draw gave this input; the labels are −100 (ignore_index) except at the ${mlm.predicted.length} predicted positions`,
    `const input = torch.tensor(${list(mlm.input)});`,
    `const labels = torch.tensor(${list(mlm.labels)});`,
    'const logits = encoder(input);',
    'const mlm = F.cross_entropy(logits, labels, { ignore_index: -100 });',
    'const mask = labels.ne(-100);',
    'const mlm_rows = F.cross_entropy(logits.at(mask), labels.at(mask)); // the same mean over the selected rows only',
    'console.log("L_MLM", mlm.item(), "selected rows", mlm_rows.item(), "gradient", with_gradient(logits, (x) => F.cross_entropy(x, labels, { ignore_index: -100 })));',
    '',
    `// NSP: binary cross-entropy on the [CLS] score, y = ${s.isNext ? '1 (IsNext)' : '0 (NotNext)'}`,
    `const cls_score = torch.tensor([${s.clsScore}], { dtype: torch.float32 });`,
    `const is_next = torch.tensor([${s.isNext ? 1 : 0}], { dtype: torch.float32 });`,
    'const nsp = F.binary_cross_entropy_with_logits(cls_score, is_next);',
    'console.log("L_NSP", nsp.item(), "L_MLM + L_NSP", mlm.add(nsp).item(), "gradient", with_gradient(cls_score, (x) => F.binary_cross_entropy_with_logits(x, is_next)));',
    '',
    `// PLM (XLNet): each word piece's step in the factorisation order z; piece i may see piece j when j comes earlier. The last ${plm.predictedCount} steps are predicted.`,
    `const pieces = torch.tensor(${list(MASKABLE)});`,
    `const rank = torch.tensor(${list(rank)});`,
    'const visible = rank.unsqueeze(0).lt(rank.unsqueeze(1)); // [n, n]: row i may see column j',
    'const n = pieces.size(0);',
    'const seen = visible.sum(1).float(); // the surer the more it sees',
    'const plm_logits = pattern.index_select(0, pieces).add(F.one_hot(original.index_select(0, pieces), V).float().mul(seen.mul(3 / n).add(0.5).unsqueeze(1)));',
    `const plm_targets = original.index_select(0, pieces).masked_fill(rank.lt(n - ${plm.predictedCount}), -100);`,
    'const plm = F.cross_entropy(plm_logits, plm_targets, { ignore_index: -100 });',
    'console.log("L_PLM", plm.item(), "gradient", with_gradient(plm_logits, (x) => F.cross_entropy(x, plm_targets, { ignore_index: -100 })));',
    '',
    '// RTD (ELECTRA): the generator reads [MASK] at the predicted positions; its draws replace them; the discriminator labels every token',
    `const gen_logits = encoder(original.masked_fill(mask, MASK));`,
    'const gen = F.cross_entropy(gen_logits, labels, { ignore_index: -100 });',
    `const corrupted = torch.tensor(${list(corrupted)});`,
    'const replaced = corrupted.ne(original).float();',
    'const disc_logits = replaced.mul(4).sub(2).add(torch.arange(T).float().mul(2.1).add(0.5).sin().mul(1.2));',
    'const disc = F.binary_cross_entropy_with_logits(disc_logits, replaced);',
    `const lambda = ${s.lambda};`,
    'console.log("L_G", gen.item(), "L_D", disc.item(), "L", gen.add(disc.mul(lambda)).item(), "gradient", with_gradient(disc_logits, (x) => F.binary_cross_entropy_with_logits(x, replaced)), "generator", with_gradient(gen_logits, (x) => F.cross_entropy(x, labels, { ignore_index: -100 })));',
    'plot.distribution({ "loss per position": F.cross_entropy(logits, labels, { reduction: "none" }) }, { labels: input.tolist().map((id) => vocab[id]), title: "MLM loss per position (0 where −100)" });',
  ].join('\n');
}
