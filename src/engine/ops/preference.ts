// Preference losses as TRL defines them: dpo_loss (sigmoid/cDPO, hinge, ipo, robust) and the
// Bradley-Terry reward_model_loss. Stable: −log σ(z) is computed as softplus(−z).
import { add, div, greater, mul, negLogSigmoid, relu, sub } from '../graph/math';
import { cast } from '../graph/shape';
import { mean } from '../graph/nn';
import { checkSameShape } from './common';
import { fail, numberOption, oneOf, type OpDefinition } from './op';

const LOSS_TYPES = ['sigmoid', 'hinge', 'ipo', 'robust'] as const;

export const dpoLoss: OpDefinition = {
  name: 'dpo_loss',
  inputs: { policy_chosen_logps: 'float', policy_rejected_logps: 'float', reference_chosen_logps: 'float', reference_rejected_logps: 'float' },
  defaults: { beta: 0.1, loss_type: 'sigmoid', label_smoothing: 0 },
  check(inputs, options) {
    oneOf(options, 'loss_type', LOSS_TYPES);
    const beta = numberOption(options, 'beta');
    if (beta <= 0) fail(`dpo_loss(): beta must be positive, got ${beta}`);
    const eps = numberOption(options, 'label_smoothing');
    if (eps < 0 || eps >= 0.5) fail(`dpo_loss(): label_smoothing must be in [0, 0.5), got ${eps}`);
    const [first, ...rest] = Object.entries(inputs);
    for (const other of rest) checkSameShape('dpo_loss', first, other);
  },
  build(_g, x, options) {
    const beta = numberOption(options, 'beta');
    const eps = numberOption(options, 'label_smoothing');
    const chosenRatio = sub(x.policy_chosen_logps, x.reference_chosen_logps);
    const rejectedRatio = sub(x.policy_rejected_logps, x.reference_rejected_logps);
    const delta = sub(chosenRatio, rejectedRatio);
    const z = mul(delta, beta);
    const lossType = oneOf(options, 'loss_type', LOSS_TYPES);
    let loss;
    if (lossType === 'sigmoid') {
      // cDPO (TRL ≤ 0.23): −(1−ε)·log σ(βΔ) − ε·log σ(−βΔ).
      loss = eps > 0 ? add(mul(negLogSigmoid(z), 1 - eps), mul(negLogSigmoid(mul(z, -1)), eps)) : negLogSigmoid(z);
    } else if (lossType === 'robust') {
      // TRL 1.x robust DPO: [−(1−ε)·log σ(βΔ) + ε·log σ(−βΔ)] / (1 − 2ε).
      loss = div(sub(mul(negLogSigmoid(z), 1 - eps), mul(negLogSigmoid(mul(z, -1)), eps)), 1 - 2 * eps);
    } else if (lossType === 'hinge') {
      loss = relu(sub(1, z));
    } else {
      const d = sub(delta, 1 / (2 * beta));
      loss = mul(d, d);
    }
    const chosenRewards = mul(chosenRatio, beta);
    const rejectedRewards = mul(rejectedRatio, beta);
    return {
      output: loss,
      extras: {
        chosen_rewards: chosenRewards,
        rejected_rewards: rejectedRewards,
        reward_accuracies: cast(greater(chosenRewards, rejectedRewards), chosenRewards.dtype),
        reward_margins: sub(chosenRewards, rejectedRewards),
      },
    };
  },
};

export const rewardModelLoss: OpDefinition = {
  name: 'reward_model_loss',
  inputs: { chosen_rewards: 'float', rejected_rewards: 'float' },
  defaults: { margin: 0, center_rewards_coefficient: 0 },
  check({ chosen_rewards, rejected_rewards }, options) {
    checkSameShape('reward_model_loss', ['chosen_rewards', chosen_rewards], ['rejected_rewards', rejected_rewards]);
    numberOption(options, 'margin');
    numberOption(options, 'center_rewards_coefficient');
  },
  build(_g, { chosen_rewards: c, rejected_rewards: r }, options) {
    let loss = mean(negLogSigmoid(sub(sub(c, r), numberOption(options, 'margin'))));
    const center = numberOption(options, 'center_rewards_coefficient');
    if (center) {
      const s = add(c, r);
      loss = add(loss, mul(mean(mul(s, s)), center));
    }
    return { output: loss };
  },
};
