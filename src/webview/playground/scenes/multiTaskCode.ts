// The multi-task scene's tiny model and the notebook cell that recomputes the scene; no DOM here, so the tests
// run that cell too. Three tasks share one parameter, the token-embedding matrix W [V, D] (a frozen encoder gives
// the hidden states): a causal LM head and an MLM head score the vocabulary as h·Wᵀ, and a contrastive loss
// pulls each token's embedding towards its paired view among all the views (InfoNCE at τ = 0.1).

export const MT_VOCAB = 5;
export const MT_DIM = 3;
export const MT_TASKS = ['LM', 'MLM', 'contrastive'] as const;
export const MT_STRATEGIES = ['weighted', 'normalized', 'adaptive'] as const;
export type MultiTaskStrategy = (typeof MT_STRATEGIES)[number];

/** W at step 0 [V, D]. */
export const MT_W0 = [
  [0.8, -0.3, 0.5],
  [-0.2, 0.9, 0.1],
  [0.4, 0.4, -0.7],
  [-0.6, -0.1, 0.6],
  [0.1, -0.8, -0.3],
];
/** LM: hidden states of 4 positions [4, D] and the next token of each. */
export const MT_LM = {
  hidden: [
    [1.0, 0.2, -0.5],
    [0.3, -1.1, 0.4],
    [-0.7, 0.5, 0.9],
    [0.6, 0.8, 0.2],
  ],
  target: [1, 3, 0, 2],
};
/** MLM: bidirectional hidden states at the 2 masked positions [2, D] and the tokens that were masked. */
export const MT_MLM = {
  hidden: [
    [-0.4, 1.2, 0.3],
    [0.9, -0.2, -1.0],
  ],
  target: [1, 0],
};
/** Contrastive: each token's second view [V, D]; row i of W should be most similar to row i here. */
export const MT_VIEWS = [
  [0.2, 0.9, -0.4],
  [0.7, 0.1, 0.6],
  [-0.5, 0.3, 0.8],
  [0.9, -0.6, 0.1],
  [-0.3, -0.7, -0.6],
];
export const MT_TEMPERATURE = 0.1;
/** The short training run of each strategy: plain SGD on W with the combined gradient. */
export const MT_STEPS = 30;

/** The settings the scene's controls hold. */
export interface MultiTaskSettings {
  /** w_LM, w_MLM, w_contrastive. */
  weights: [number, number, number];
  /** log₁₀ ε of the adaptive weights. */
  logEps: number;
  lr: number;
}

const rows = (m: number[][]) => JSON.stringify(m);

/**
 * The notebook cell: each task's gradient of W from its own backward, the three combinations by the engine's
 * multi_task_gradient and written out with tensor ops, then the same SGD run per strategy.
 */
export function multiTaskNotebookCode(s: MultiTaskSettings): string {
  const eps = +(10 ** s.logEps).toPrecision(6);
  return [
    `// Three tasks on one shared W [${MT_VOCAB}, ${MT_DIM}]: LM and MLM heads (h·Wᵀ, cross-entropy) and a contrastive loss (InfoNCE, τ = ${MT_TEMPERATURE})`,
    `const W0 = ${rows(MT_W0)};`,
    `const h_lm = torch.tensor(${rows(MT_LM.hidden)}, { dtype: torch.float32 }), y_lm = torch.tensor(${JSON.stringify(MT_LM.target)});`,
    `const h_mlm = torch.tensor(${rows(MT_MLM.hidden)}, { dtype: torch.float32 }), y_mlm = torch.tensor(${JSON.stringify(MT_MLM.target)});`,
    `const views = torch.tensor(${rows(MT_VIEWS)}, { dtype: torch.float32 });`,
    `const weights = torch.tensor([${s.weights.join(', ')}], { dtype: torch.float32 }), eps = ${eps}, lr = ${s.lr};`,
    'const taskLosses = (W) => [F.cross_entropy(F.linear(h_lm, W), y_lm), F.cross_entropy(F.linear(h_mlm, W), y_mlm), F.info_nce(W, views, { temperature: ' + MT_TEMPERATURE + ' })];',
    '// g_k = ∂L_k/∂W, one backward per task (the .grad emptied in between)',
    'function taskGradients(W) {',
    '  const losses = taskLosses(W);',
    '  const grads = losses.map((loss) => { W.grad = null; loss.backward(); return W.grad.flatten(); });',
    '  return { losses: losses.map((l) => l.item()), grads: torch.stack(grads) };',
    '}',
    '// c_k for each strategy, written out: w_k, w_k/‖g_k‖, 1/(‖g_k‖ + ε)',
    'const coefficients = (norms, strategy) => strategy === "weighted" ? weights : strategy === "normalized" ? weights.div(norms) : torch.ones(3).div(norms.add(eps));',
    'const strategyWeights = (strategy) => (strategy === "adaptive" ? torch.ones(3) : weights);',
    'const W = torch.tensor(W0, { dtype: torch.float32 }).requires_grad_();',
    'const { grads } = taskGradients(W);',
    'const norms = grads.norm(2, 1);',
    'console.log("‖g_k‖", norms.tolist(), "cos(g_LM, g_MLM)", F.cosine_similarity(grads.narrow(0, 0, 1), grads.narrow(0, 1, 1)).item());',
    `for (const strategy of ${JSON.stringify(MT_STRATEGIES)}) {`,
    '  const total = F.multi_task_gradient(grads, strategyWeights(strategy), { strategy, eps });',
    '  const byHand = grads.mul(coefficients(norms, strategy).unsqueeze(1)).sum(0);',
    '  console.log(strategy, "c", total.extras.coefficients.tolist(), "‖g_total‖", total.norm().item(), "by hand", byHand.norm().item());',
    '}',
    `// ${MT_STEPS} steps of W ← W − lr·g_total per strategy: each task's loss after every step`,
    'const curves = {};',
    `for (const strategy of ${JSON.stringify(MT_STRATEGIES)}) {`,
    '  const W = torch.tensor(W0, { dtype: torch.float32 }).requires_grad_();',
    '  const opt = optim.SGD([W], { lr });',
    '  const seen = [];',
    `  for (let step = 0; step <= ${MT_STEPS}; step++) {`,
    '    const { losses, grads } = taskGradients(W);',
    '    seen.push(losses);',
    `    if (step === ${MT_STEPS}) break;`,
    '    const total = F.multi_task_gradient(grads, strategyWeights(strategy), { strategy, eps });',
    '    W.grad = total.reshape(W.shape);',
    '    opt.step();',
    '  }',
    '  curves[strategy] = seen;',
    `  console.log(strategy, "after ${MT_STEPS} steps", seen.at(-1));`,
    '}',
    `const tasks = ${JSON.stringify(MT_TASKS)};`,
    `plot.curve(curves.weighted.map((_, i) => i), Object.fromEntries(${JSON.stringify(MT_STRATEGIES)}.flatMap((s) => tasks.map((task, k) => [\`\${task} (\${s})\`, curves[s].map((l) => l[k])]))), { title: "each task's loss, per strategy", xTitle: "step", logY: true });`,
  ].join('\n');
}
