// The KL-regularised RLHF objective over a finite set of responses: J(π) = E_π[r] − β·KL(π‖π_ref), with
// π = softmax(logits) and π_ref = softmax(ref_logits). Its maximiser is π* ∝ π_ref·exp(r/β) (returned as the
// extra `optimal_logprobs`), where J reaches β·log Σ π_ref·exp(r/β); DPO's implicit reward β·log(π/π_ref)
// (the extra `implicit_rewards`) equals r minus that constant at π = π*.
import { add, div, exp, mul, sub } from '../graph/math';
import { logSoftmax, logSumExp, sum } from '../graph/nn';
import { reshape } from '../graph/shape';
import { checkSameShape, reduce, REDUCTIONS } from './common';
import { fail, knownValues, oneOf, shapeText, type OpDefinition } from './op';

export const klRegularizedObjective: OpDefinition = {
  name: 'kl_regularized_objective',
  inputs: { logits: 'float', ref_logits: 'float', rewards: 'float', beta: 'float' },
  defaults: { reduction: 'none' },
  check({ logits, ref_logits, rewards, beta }, options) {
    oneOf(options, 'reduction', REDUCTIONS);
    if (logits.shape.length < 1 || logits.shape.at(-1)! < 1) fail(`kl_regularized_objective(): logits need a response axis (the last one), got shape ${shapeText(logits.shape)}`);
    checkSameShape('kl_regularized_objective', ['logits', logits], ['ref_logits', ref_logits]);
    checkSameShape('kl_regularized_objective', ['logits', logits], ['rewards', rewards]);
    const rows = logits.shape.slice(0, -1);
    if (beta.data.length !== 1 && beta.shape.join() !== rows.join()) {
      fail(`kl_regularized_objective(): beta must be one number or one per row (shape ${shapeText(rows)}), got shape ${shapeText(beta.shape)}`);
    }
    const bad = Array.from(knownValues(beta) ?? []).find((b) => !(b > 0));
    if (bad !== undefined) fail(`kl_regularized_objective(): beta must be positive, got ${bad}`);
  },
  build(_g, { logits, ref_logits, rewards, beta }, options) {
    const rows = logits.shape.slice(0, -1);
    const b = reshape(beta, beta.size === 1 ? rows.map(() => 1) : rows); // one β, or one per row
    const bCol = reshape(b, [...b.shape, 1]);
    const logPi = logSoftmax(logits, -1);
    const logRef = logSoftmax(ref_logits, -1);
    const pi = exp(logPi);
    const expected = sum(mul(pi, rewards), [-1]);
    const kl = sum(mul(pi, sub(logPi, logRef)), [-1]);
    const objective = sub(expected, mul(b, kl));
    const scaled = div(rewards, bCol);
    return {
      output: reduce(objective, oneOf(options, 'reduction', REDUCTIONS)),
      extras: {
        expected_reward: expected,
        kl,
        optimal_logprobs: logSoftmax(add(logRef, scaled), -1),
        optimal_objective: mul(b, logSumExp(add(logRef, scaled), -1)),
        implicit_rewards: mul(bCol, sub(logPi, logRef)),
      },
    };
  },
};
