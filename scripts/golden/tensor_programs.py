"""Golden data for the notebook tensor library: composed programs written once in PyTorch and once in the
notebook's JS, run here with PyTorch (CPU, float32) to record every output value and the gradient of every input
that requires grad. Run with Debian's PyTorch:

    /usr/bin/python3 scripts/golden/tensor_programs.py > test/golden/tensorPrograms.json

Each program: named inputs (data drawn from a seeded generator, exactly representable in float32), `py` and `js`
sources that set `out` (a tensor, or a list / dict of tensors) and optionally `loss` (the tensor backward() is
called on; default: `out` when it is a scalar that requires grad; `loss = None` when the program runs backward
itself). Random creation functions are not compared (the notebook's generator is not PyTorch's).
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

torch.set_num_threads(1)

PROGRAMS = []


def program(id, inputs, py, js, tol=None, repr=False, rtol=None):
    """`repr`: also record how PyTorch prints `out` (the notebook must print it the same). `rtol`: compare
    relative to each value only (for tiny values, where the default tolerance is mostly absolute)."""
    PROGRAMS.append({"id": id, "inputs": inputs, "py": py.strip(), "js": js.strip(), "tol": tol, "rtol": rtol, "repr": repr})


def f32(shape, seed, lo=-2.0, hi=2.0, grad=False):
    g = torch.Generator().manual_seed(seed)
    t = torch.rand(shape, generator=g) * (hi - lo) + lo
    return {"dtype": "float32", "shape": list(shape), "data": [float(v) for v in t.reshape(-1).tolist()], "requires_grad": grad}


def f32_log(shape, seed, lo_exp, hi_exp, grad=False):
    """Magnitudes 10**lo_exp .. 10**hi_exp, log-uniform, with random signs."""
    g = torch.Generator().manual_seed(seed)
    mag = torch.pow(10.0, torch.rand(shape, generator=g) * (hi_exp - lo_exp) + lo_exp)
    sign = torch.where(torch.rand(shape, generator=g) < 0.5, -1.0, 1.0)
    return {"dtype": "float32", "shape": list(shape), "data": [float(v) for v in (mag * sign).reshape(-1).tolist()], "requires_grad": grad}


def i64(shape, seed, lo, hi):
    g = torch.Generator().manual_seed(seed)
    t = torch.randint(lo, hi, shape, generator=g)
    return {"dtype": "int64", "shape": list(shape), "data": [int(v) for v in t.reshape(-1).tolist()], "requires_grad": False}


def ints(values):
    t = torch.tensor(values)
    return {"dtype": "int64", "shape": list(t.shape), "data": t.reshape(-1).tolist(), "requires_grad": False}


# ---- creation and dtypes
program("creation/arange_linspace_eye_full", {}, """
out = {"a": torch.arange(1, 10, 3), "b": torch.arange(5), "c": torch.linspace(-1, 1, 5), "d": torch.eye(3, 2),
       "e": torch.full((2, 2), 7.5), "f": torch.zeros(2, 3) + 1, "g": torch.ones(2) * 3, "h": torch.arange(0, 1, 0.25)}
""", """
out = { a: torch.arange(1, 10, 3), b: torch.arange(5), c: torch.linspace(-1, 1, 5), d: torch.eye(3, 2),
        e: torch.full([2, 2], 7.5), f: torch.zeros(2, 3).add(1), g: torch.ones([2]).mul(3), h: torch.arange(0, 1, 0.25) }
""")
program("creation/dtype_inference", {}, """
out = {"i": torch.tensor([[1, 2], [3, 4]]), "f": torch.tensor([1, 2.5]), "b": torch.tensor([True, False]),
       "d": torch.tensor([1, 2], dtype=torch.float64), "l": torch.tensor([1.0, 2.0]).long(), "s": torch.tensor([1, 2]) / 4,
       "p": torch.tensor([1, 2]) + 0.5, "q": torch.tensor([1, 2]) * torch.tensor([0.5, 1.5])}
""", """
out = { i: torch.tensor([[1, 2], [3, 4]]), f: torch.tensor([1, 2.5]), b: torch.tensor([true, false]),
        d: torch.tensor([1, 2], { dtype: torch.float64 }), l: torch.tensor([1.5, 2]).long(), s: torch.tensor([1, 2]).div(4),
        p: torch.tensor([1, 2]).add(0.5), q: torch.tensor([1, 2]).mul(torch.tensor([0.5, 1.5])) }
""")
program("creation/like_cat_stack", {"x": f32([2, 3], 1, grad=True), "y": f32([2, 3], 2, grad=True)}, """
out = torch.cat([x, torch.zeros_like(x), torch.ones_like(x) * y, torch.full_like(x, 2.0) - x], 1).pow(2).sum() + torch.stack([x, y], 2).mul(torch.stack([y, x], 0).permute(1, 2, 0)).sum()
""", """
out = torch.cat([x, torch.zeros_like(x), torch.ones_like(x).mul(y), torch.full_like(x, 2.0).sub(x)], 1).pow(2).sum().add(torch.stack([x, y], 2).mul(torch.stack([y, x], 0).permute(1, 2, 0)).sum())
""")
program("creation/where_triu_tril_isin", {"x": f32([3, 3], 3, grad=True), "y": f32([3, 3], 4, grad=True), "t": ints([1, 5, 2, 7])}, """
out = {"w": torch.where(x > 0, x * 2, y), "u": torch.triu(x, 1) + torch.tril(y, -1) + torch.triu(x * y), "in": torch.isin(t, torch.tensor([2, 7, 9]))}
loss = out["w"].sum() + (out["u"] * out["u"]).sum()
""", """
out = { w: torch.where(x.gt(0), x.mul(2), y), u: torch.triu(x, 1).add(torch.tril(y, -1)).add(torch.triu(x.mul(y))), in: torch.isin(t, torch.tensor([2, 7, 9])) }
loss = out.w.sum().add(out.u.mul(out.u).sum())
""")
# ---- arithmetic and broadcasting
program("arith/broadcast_add_sub_mul_div", {"a": f32([2, 1, 3], 5, grad=True), "b": f32([4, 1], 6, grad=True)}, """
out = ((a + b) * (a - b) / (b * b + 1)).sum()
""", """
out = a.add(b).mul(a.sub(b)).div(b.mul(b).add(1)).sum()
""")
program("arith/pow_neg_scalars", {"x": f32([3, 4], 7, 0.5, 2.0, grad=True), "e": f32([4], 8, 0.5, 1.5, grad=True)}, """
out = (x.pow(3).neg() + 2) / 4 + x.pow(e) + (1 - x) + 2 / (x.abs() + 1) - x ** 0.5
""", """
out = x.pow(3).neg().add(2).div(4).add(x.pow(e)).add(x.rsub(1)).add(x.abs().add(1).reciprocal().mul(2)).sub(x.pow(0.5))
""")
program("arith/int_float_promotion", {"i": ints([[1, 2, 3], [4, 5, 6]]), "x": f32([3], 9, grad=True)}, """
out = {"a": i * x, "b": i / 2, "c": i + 1, "d": (i * 2 - x).sum(0), "e": i // 2}
loss = out["a"].sum() + out["d"].sum()
""", """
out = { a: i.mul(x), b: i.div(2), c: i.add(1), d: i.mul(2).sub(x).sum(0), e: i.div(2, { rounding_mode: 'floor' }) }
loss = out.a.sum().add(out.d.sum())
""")
program("matmul/2d_1d_batched", {"a": f32([3, 4], 10, grad=True), "b": f32([4, 2], 11, grad=True), "v": f32([4], 12, grad=True), "p": f32([2, 1, 3, 4], 13, grad=True), "q": f32([5, 4, 2], 14, grad=True)}, """
out = {"mm": a @ b, "mv": a @ v, "vm": v @ b, "dot": v @ v, "bmm": p @ q}
loss = out["mm"].sum() + out["mv"].pow(2).sum() + out["vm"].sum() + out["dot"] + (out["bmm"] * out["bmm"]).mean()
""", """
out = { mm: a.matmul(b), mv: a.matmul(v), vm: v.matmul(b), dot: v.matmul(v), bmm: p.matmul(q) }
loss = out.mm.sum().add(out.mv.pow(2).sum()).add(out.vm.sum()).add(out.dot).add(out.bmm.mul(out.bmm).mean())
""")
# ---- views and reshapes
program("shape/permute_reshape_T", {"x": f32([2, 3, 4], 15, grad=True), "w": f32([6], 16, grad=True)}, """
out = (x.permute(2, 0, 1).reshape(4, -1).T * w.view(6, 1)).transpose(0, 1).t().sum(0)
""", """
out = x.permute(2, 0, 1).reshape(4, -1).T.mul(w.view(6, 1)).transpose(0, 1).t().sum(0)
""")
program("shape/flatten_squeeze_expand", {"x": f32([2, 1, 3], 17, grad=True), "y": f32([3], 18, grad=True)}, """
out = x.flatten().unsqueeze(0) * 2 + x.squeeze(1).flatten(0, 1) + x.squeeze().unsqueeze(-1).expand(2, 3, 4).sum(-1).flatten() + y.expand_as(x).reshape(-1) + y.expand(2, -1).reshape(6)
""", """
out = x.flatten().unsqueeze(0).mul(2).add(x.squeeze(1).flatten(0, 1)).add(x.squeeze().unsqueeze(-1).expand(2, 3, 4).sum(-1).flatten()).add(y.expand_as(x).reshape(-1)).add(y.expand(2, -1).reshape(6))
""")
# ---- elementwise
# log1p where 1 + x rounds (|x| down to 1e-8) and across -0.5 .. 10; softplus (logsigmoid) where exp(-|z|) is tiny
program("elementwise/log1p_small", {"x": f32_log([4, 8], 91, -8, -3, grad=True)}, """
out = x.log1p()
loss = (out * out).sum()
""", """
out = x.log1p()
loss = out.mul(out).sum()
""", rtol=1e-6)
program("elementwise/log1p_range", {"x": f32([4, 8], 92, -0.5, 10.0, grad=True)}, """
out = torch.log1p(x)
loss = (out * x).sum()
""", """
out = torch.log1p(x)
loss = out.mul(x).sum()
""", rtol=1e-6)
program("elementwise/logsigmoid_far_tail", {"z": f32([3, 5], 93, 12.0, 40.0, grad=True)}, """
out = F.logsigmoid(z)
loss = out.sum() * 1e6
""", """
out = F.logsigmoid(z)
loss = out.sum().mul(1e6)
""", rtol=1e-5)
program("elementwise/exp_log_log1p_sqrt_abs", {"x": f32([3, 4], 19, 0.1, 3.0, grad=True), "y": f32([3, 4], 20, grad=True)}, """
out = x.exp() * 0.1 + x.log() + x.log1p() * x.sqrt() + y.abs() * x
""", """
out = x.exp().mul(0.1).add(x.log()).add(x.log1p().mul(x.sqrt())).add(y.abs().mul(x))
""")
program("elementwise/sigmoid_tanh_relu_clamp", {"x": f32([4, 5], 21, -3, 3, grad=True)}, """
out = x.sigmoid() * x.tanh() + x.relu() + x.clamp(-1, 0.5) * 2 + x.clamp(min=0.2) + x.clamp(max=-0.3)
""", """
out = x.sigmoid().mul(x.tanh()).add(x.relu()).add(x.clamp(-1, 0.5).mul(2)).add(x.clamp({ min: 0.2 })).add(x.clamp(null, -0.3))
""")
program("elementwise/softmax_log_softmax_dims", {"x": f32([2, 3, 4], 22, grad=True), "w": f32([2, 3, 4], 23, grad=True)}, """
out = (x.softmax(-1) * w).sum() + (x.log_softmax(1) * w).sum() + (F.softmax(x, dim=0) * F.log_softmax(w, dim=2)).sum()
""", """
out = x.softmax(-1).mul(w).sum().add(x.log_softmax(1).mul(w).sum()).add(F.softmax(x, 0).mul(F.log_softmax(w, { dim: 2 })).sum())
""")
# ---- reductions, with and without keepdim
for name, py, js in [
    ("sum", "x.sum({d}{k})", "x.sum({d}{k})"),
    ("mean", "x.mean({d}{k})", "x.mean({d}{k})"),
    ("amax", "x.amax({d}{k})", "x.amax({d}{k})"),
    ("amin", "x.amin({d}{k})", "x.amin({d}{k})"),
    ("logsumexp", "x.logsumexp({d}{k})", "x.logsumexp({d}{k})"),
]:
    for kd in (False, True):
        pk = ", keepdim=True" if kd else ""
        jk = ", { keepdim: true }" if kd else ""
        terms_py = [py.format(d="1", k=pk), py.format(d="(0, 2)", k=pk), py.format(d="-1", k=pk)]
        terms_js = [js.format(d="1", k=jk), js.format(d="[0, 2]", k=jk), js.format(d="-1", k=jk)]
        if name in ("sum", "mean", "amax", "amin"):
            terms_py.append(py.format(d="", k=""))
            terms_js.append(js.format(d="", k=""))
        program(f"reduce/{name}{'/keepdim' if kd else ''}", {"x": f32([2, 3, 4], 30 + len(PROGRAMS), grad=True)},
                "out = [" + ", ".join(terms_py) + "]\nloss = sum((t * t).sum() for t in out)",
                "out = [" + ", ".join(terms_js) + "]\nloss = out.map((t) => t.mul(t).sum()).reduce((a, b) => a.add(b))")
program("reduce/std_var", {"x": f32([3, 5], 40, grad=True)}, """
out = [x.std(), x.var(), x.std(1), x.var(0, keepdim=True), x.var(1, unbiased=False), x.std(1, correction=0, keepdim=True), x.var(None, correction=2)]
loss = sum(t.sum() for t in out)
""", """
out = [x.std(), x.var(), x.std(1), x.var(0, { keepdim: true }), x.var(1, { unbiased: false }), x.std(1, { correction: 0, keepdim: true }), x.var(null, { correction: 2 })]
loss = out.map((t) => t.sum()).reduce((a, b) => a.add(b))
""")
program("reduce/max_min_dim", {"x": f32([3, 4], 41, grad=True)}, """
m = x.max(1); n = x.min(0, keepdim=True)
out = {"mv": m.values, "mi": m.indices, "nv": n.values, "ni": n.indices, "all": x.max(), "amin": x.min()}
loss = (m.values * 2).sum() + n.values.sum() + out["all"] - out["amin"] * 3
""", """
const m = x.max(1); const n = x.min(0, { keepdim: true })
out = { mv: m.values, mi: m.indices, nv: n.values, ni: n.indices, all: x.max(), amin: x.min() }
loss = m.values.mul(2).sum().add(n.values.sum()).add(out.all).sub(out.amin.mul(3))
""")
program("reduce/argmax_argmin", {"x": f32([3, 4], 42)}, """
out = [x.argmax(), x.argmax(1), x.argmin(0), x.argmax(1, keepdim=True), x.argmin(dim=1)]
""", """
out = [x.argmax(), x.argmax(1), x.argmin(0), x.argmax(1, { keepdim: true }), x.argmin({ dim: 1 })]
""")
program("reduce/topk", {"x": f32([3, 6], 43, grad=True)}, """
a = x.topk(3); b = x.topk(2, dim=0, largest=False)
out = {"av": a.values, "ai": a.indices, "bv": b.values, "bi": b.indices}
loss = (a.values * torch.arange(3.0)).sum() + b.values.sum()
""", """
const a = x.topk(3); const b = x.topk(2, { dim: 0, largest: false })
out = { av: a.values, ai: a.indices, bv: b.values, bi: b.indices }
loss = a.values.mul(torch.arange(3.0, { dtype: torch.float32 })).sum().add(b.values.sum())
""")
program("reduce/any_all", {"x": f32([3, 4], 44)}, """
out = [(x > 1).any(), (x > -3).all(), (x > 1).any(1), (x > 0).all(0, keepdim=True), (x > 0).any(1).any(0)]
""", """
out = [x.gt(1).any(), x.gt(-3).all(), x.gt(1).any(1), x.gt(0).all(0, { keepdim: true }), x.gt(0).any({ dim: [0, 1] })]
""")
# ---- comparisons and logic
program("logic/compare_masked_fill", {"x": f32([3, 4], 45, grad=True), "y": f32([3, 4], 46)}, """
m = (x > 0) & (y <= 0.5) | (x == y)
out = {"m": m, "ne": x != y, "lt": x < y, "ge": x >= y, "not": ~m, "xor": torch.logical_xor(x > 0, y > 0),
       "f": x.masked_fill(m, 0.0) * 2 + x.masked_fill(~m, -1.0)}
loss = out["f"].sum()
""", """
const m = x.gt(0).logical_and(y.le(0.5)).logical_or(x.eq(y))
out = { m, ne: x.ne(y), lt: x.lt(y), ge: x.ge(y), not: m.logical_not(), xor: x.gt(0).logical_xor(y.gt(0)),
        f: x.masked_fill(m, 0.0).mul(2).add(x.masked_fill(m.logical_not(), -1.0)) }
loss = out.f.sum()
""")
# ---- indexing
program("index/slices", {"x": f32([3, 4, 5], 47, grad=True)}, """
out = [x[:, :-1], x[1:, ::2], x[..., 0], x[None, -1], x[:, 1, 1:4:2], x[-2:, ..., ::3], x[0, 0, 0]]
loss = sum((t * (i + 1)).sum() for i, t in enumerate(out))
""", """
out = [x.at(':, :-1'), x.at('1:, ::2'), x.at('..., 0'), x.at('None, -1'), x.at(':, 1, 1:4:2'), x.at('-2:, ..., ::3'), x.at(0, 0, 0)]
loss = out.map((t, i) => t.mul(i + 1).sum()).reduce((a, b) => a.add(b))
""")
program("index/bool_mask", {"x": f32([3, 4], 48, grad=True), "r": f32([3], 49)}, """
out = [x[x > 0], x[r > 0], x.masked_select(x < -0.5)]
loss = (out[0] * 2).sum() + out[1].pow(2).sum() + out[2].sum()
""", """
out = [x.at(x.gt(0)), x.at(r.gt(0)), x.masked_select(x.lt(-0.5))]
loss = out[0].mul(2).sum().add(out[1].pow(2).sum()).add(out[2].sum())
""")
program("index/int_tensor_gather_index_select_narrow", {"x": f32([4, 5], 50, grad=True), "i": ints([2, -1, 0, 2]), "g": ints([[0, 4], [1, 1], [3, 2], [4, 0]]), "s": ints([4, 0, 0])}, """
out = [x[i], x.gather(1, g), x.index_select(1, s), x.index_select(0, s[1:]), x.narrow(1, 1, 3), x.narrow(0, -2, 2)]
loss = sum((t * t).sum() * (k + 1) for k, t in enumerate(out))
""", """
out = [x.at(i), x.gather(1, g), x.index_select(1, s), x.index_select(0, s.at('1:')), x.narrow(1, 1, 3), x.narrow(0, -2, 2)]
loss = out.map((t, k) => t.mul(t).sum().mul(k + 1)).reduce((a, b) => a.add(b))
""")
# ---- torch.nn.functional
program("F/linear", {"x": f32([4, 3], 51, grad=True), "W": f32([5, 3], 52, grad=True), "b": f32([5], 53, grad=True)}, """
out = F.linear(x, W, b).relu().sum(1) + F.linear(x, W).mean(1)
""", """
out = F.linear(x, W, b).relu().sum(1).add(F.linear(x, W).mean(1))
""")
program("F/normalize_infonce", {"q": f32([4, 6], 54, grad=True), "k": f32([4, 6], 55, grad=True)}, """
qn = F.normalize(q, dim=1); kn = F.normalize(k, p=2, dim=-1)
logits = qn @ kn.T / 0.1
out = F.cross_entropy(logits, torch.arange(4))
""", """
const qn = F.normalize(q, { dim: 1 }); const kn = F.normalize(k, { p: 2, dim: -1 })
const logits = qn.matmul(kn.T).div(0.1)
out = F.cross_entropy(logits, torch.arange(4))
""")
program("F/one_hot_embedding", {"W": f32([6, 3], 56, grad=True), "ids": ints([[1, 5, 1], [0, 2, 1]])}, """
e = F.embedding(ids, W)
oh = F.one_hot(ids, 6)
out = {"e": e, "oh": oh, "mix": (oh.float() @ W * e).sum(-1)}
loss = out["mix"].sum() + e.pow(2).sum()
""", """
const e = F.embedding(ids, W)
const oh = F.one_hot(ids, 6)
out = { e, oh, mix: oh.float().matmul(W).mul(e).sum(-1) }
loss = out.mix.sum().add(e.pow(2).sum())
""")
program("F/gelu_relu_logsigmoid_silu", {"x": f32([3, 5], 57, -4, 4, grad=True)}, """
out = F.gelu(x) + F.relu(x) * 0.5 + F.logsigmoid(x) + F.gelu(x, approximate="tanh") * 0.25 + F.silu(x)
""", """
out = F.gelu(x).add(F.relu(x).mul(0.5)).add(F.logsigmoid(x)).add(F.gelu(x, { approximate: 'tanh' }).mul(0.25)).add(F.silu(x))
""")
program("F/pad", {"x": f32([2, 3, 4], 58, grad=True)}, """
out = [F.pad(x, (1, 2)), F.pad(x, (0, 1, 2, 0), value=-1.0), F.pad(x, (-1, 1))]
loss = sum((t * t * (i + 1)).sum() for i, t in enumerate(out))
""", """
out = [F.pad(x, [1, 2]), F.pad(x, [0, 1, 2, 0], { value: -1.0 }), F.pad(x, [-1, 1])]
loss = out.map((t, i) => t.mul(t).mul(i + 1).sum()).reduce((a, b) => a.add(b))
""")
program("F/lm_loss_shift_pad_mask", {"logits": f32([2, 5, 7], 59, grad=True), "ids": ints([[3, 1, 4, 1, 5], [2, 6, 0, 0, 0]])}, """
labels = ids.masked_fill(ids == 0, -100)
shift_logits = logits[:, :-1, :]
shift_labels = labels[:, 1:]
out = F.cross_entropy(shift_logits.reshape(-1, 7), shift_labels.reshape(-1), ignore_index=-100)
""", """
const labels = ids.masked_fill(ids.eq(0), -100)
const shift_logits = logits.at(':, :-1, :')
const shift_labels = labels.at(':, 1:')
out = F.cross_entropy(shift_logits.reshape(-1, 7), shift_labels.reshape(-1), { ignore_index: -100 })
""")
program("F/label_smoothing_written_out", {"z": f32([4, 5], 60, grad=True), "y": ints([0, 3, 4, 1])}, """
eps = 0.1
lp = z.log_softmax(-1)
manual = ((1 - eps) * -lp.gather(1, y.unsqueeze(1)).squeeze(1) + eps * -lp.mean(-1)).mean()
out = [F.cross_entropy(z, y, label_smoothing=eps), manual]
loss = out[0] + out[1] * 2
""", """
const eps = 0.1
const lp = z.log_softmax(-1)
const manual = lp.gather(1, y.unsqueeze(1)).squeeze(1).neg().mul(1 - eps).add(lp.mean(-1).neg().mul(eps)).mean()
out = [F.cross_entropy(z, y, { label_smoothing: eps }), manual]
loss = out[0].add(out[1].mul(2))
""")
program("F/engine_losses_on_chains", {"x": f32([4, 3], 61, grad=True), "t": f32([4, 3], 62, 0, 1, grad=True)}, """
h = (x * 2).tanh()
out = [F.mse_loss(h, t), F.binary_cross_entropy_with_logits(h * 3, t), F.kl_div(h.log_softmax(1), t.softmax(1), reduction="batchmean"), F.l1_loss(x.sigmoid(), t, reduction="sum")]
loss = sum(out)
""", """
const h = x.mul(2).tanh()
out = [F.mse_loss(h, t), F.binary_cross_entropy_with_logits(h.mul(3), t), F.kl_div(h.log_softmax(1), t.softmax(1), { reduction: 'batchmean' }), F.l1_loss(x.sigmoid(), t, { reduction: 'sum' })]
loss = out.reduce((a, b) => a.add(b))
""")
program("F/dpo_from_logps", {"pc": f32([4], 63, -3, -1, grad=True), "pr": f32([4], 64, -3, -1, grad=True), "rc": f32([4], 65, -3, -1), "rr": f32([4], 66, -3, -1)}, """
beta = 0.1
logits = (pc - rc) - (pr - rr)
out = -F.logsigmoid(beta * logits).mean()
""", """
const beta = 0.1
const logits = pc.sub(rc).sub(pr.sub(rr))
out = F.logsigmoid(logits.mul(beta)).mean().neg()
""")
program("F/topk_accuracy_with_padding", {"z": f32([6, 5], 67)}, """
y = torch.tensor([1, 4, -100, 0, 2, -100])
valid = y != -100
hit = (z.topk(2, dim=-1).indices == y.unsqueeze(-1)).any(-1)
out = (hit & valid).sum().float() / valid.sum()
""", """
const y = torch.tensor([1, 4, -100, 0, 2, -100])
const valid = y.ne(-100)
const hit = z.topk(2, { dim: -1 }).indices.eq(y.unsqueeze(-1)).any(-1)
out = hit.logical_and(valid).sum().float().div(valid.sum())
""")
program("F/mlm_masked_positions", {"logits": f32([2, 4, 6], 68, grad=True)}, """
labels = torch.tensor([[-100, 3, -100, 5], [1, -100, -100, 0]])
mask = labels != -100
out = F.cross_entropy(logits[mask], labels[mask])
""", """
const labels = torch.tensor([[-100, 3, -100, 5], [1, -100, -100, 0]])
const mask = labels.ne(-100)
out = F.cross_entropy(logits.at(mask), labels.at(mask))
""")
# ---- longer chains
program("chain/softmax_layer_backprop", {"x": f32([5, 4], 69, grad=True), "W": f32([3, 4], 70, grad=True), "b": f32([3], 71, grad=True), "y": ints([0, 2, 1, 1, 0])}, """
yhat = (x @ W.T + b).softmax(-1)
onehot = F.one_hot(y, 3).float()
out = {"loss": -(onehot * yhat.log()).sum(1).mean(), "manual_gW": (yhat - onehot).T @ x / 5}
loss = out["loss"]
""", """
const yhat = x.matmul(W.T).add(b).softmax(-1)
const onehot = F.one_hot(y, 3).float()
out = { loss: onehot.mul(yhat.log()).sum(1).mean().neg(), manual_gW: yhat.sub(onehot).T.matmul(x).div(5) }
loss = out.loss
""")
program("chain/causal_attention", {"q": f32([2, 4, 8], 72, grad=True), "k": f32([2, 4, 8], 73, grad=True), "v": f32([2, 4, 8], 74, grad=True)}, """
s = q @ k.transpose(-2, -1) / math.sqrt(8)
mask = torch.triu(torch.ones(4, 4), 1).bool()
a = s.masked_fill(mask, float("-inf")).softmax(-1)
out = (a @ v).pow(2).mean()
""", """
const s = q.matmul(k.transpose(-2, -1)).div(Math.sqrt(8))
const mask = torch.triu(torch.ones(4, 4), 1).bool()
const a = s.masked_fill(mask, -Infinity).softmax(-1)
out = a.matmul(v).pow(2).mean()
""")
program("chain/twenty_ops", {"x": f32([8, 16], 75, grad=True), "w": f32([16], 76, grad=True)}, """
h = x
for i in range(5):
    h = (h * w + 0.1).tanh() * 1.5 - h.sigmoid() / 2
out = h.exp().log1p().mean()
""", """
let h = x
for (let i = 0; i < 5; i++) h = h.mul(w).add(0.1).tanh().mul(1.5).sub(h.sigmoid().div(2))
out = h.exp().log1p().mean()
""")
program("chain/grad_accumulation", {"x": f32([3, 2], 77, grad=True)}, """
(x * x).sum().backward()
(x * 3).sum().backward()
out = x.grad.clone()
loss = None
""", """
x.mul(x).sum().backward()
x.mul(3).sum().backward()
out = x.grad.clone()
loss = null
""")
# ---- modules and optimizers (weights copied in, so that both sides start equal)
program("nn/linear_embedding_modules", {"W": f32([4, 3], 78), "b": f32([4], 79), "E": f32([5, 3], 80), "ids": ints([[0, 4], [2, 2]])}, """
lin = torch.nn.Linear(3, 4)
emb = torch.nn.Embedding(5, 3)
with torch.no_grad():
    lin.weight.copy_(W); lin.bias.copy_(b); emb.weight.copy_(E)
h = lin(emb(ids))
loss = h.tanh().sum()
loss.backward()
out = {"h": h, "gW": lin.weight.grad, "gb": lin.bias.grad, "gE": emb.weight.grad, "n": torch.tensor(len(list(lin.parameters())))}
loss = None
""", """
const lin = torch.nn.Linear(3, 4)
const emb = new torch.nn.Embedding(5, 3)
torch.no_grad(() => { lin.weight.copy_(W); lin.bias.copy_(b); emb.weight.copy_(E) })
const h = lin(emb(ids))
const l = h.tanh().sum()
l.backward()
out = { h, gW: lin.weight.grad, gb: lin.bias.grad, gE: emb.weight.grad, n: torch.tensor(lin.parameters().length) }
loss = null
""")
TRAIN_PY = """
torch.manual_seed(0)
lin = torch.nn.Linear(4, 3)
with torch.no_grad():
    lin.weight.copy_(W); lin.bias.copy_(b)
opt = {opt}
losses = []
for step in range(20):
    opt.zero_grad()
    l = F.cross_entropy(lin(X), Y)
    l.backward()
    {clip}
    opt.step()
    losses.append(l.detach())
out = {{"losses": torch.stack(losses), "W": lin.weight.detach(), "b": lin.bias.detach()}}
loss = None
"""
TRAIN_JS = """
const lin = torch.nn.Linear(4, 3)
torch.no_grad(() => {{ lin.weight.copy_(W); lin.bias.copy_(b) }})
const opt = {opt}
const losses = []
for (let step = 0; step < 20; step++) {{
  opt.zero_grad()
  const l = F.cross_entropy(lin(X), Y)
  l.backward()
  {clip}
  opt.step()
  losses.push(l.detach())
}}
out = {{ losses: torch.stack(losses), W: lin.weight.detach(), b: lin.bias.detach() }}
loss = null
"""
TRAIN_INPUTS = lambda s: {"W": f32([3, 4], 81 + s, -0.5, 0.5), "b": f32([3], 82 + s, -0.5, 0.5), "X": f32([16, 4], 83 + s), "Y": i64([16], 84 + s, 0, 3)}
for name, opt_py, opt_js, clip_py, clip_js in [
    ("sgd", "torch.optim.SGD(lin.parameters(), lr=0.5)", "torch.optim.SGD(lin.parameters(), { lr: 0.5 })", "", ""),
    ("sgd_momentum_wd_nesterov", "torch.optim.SGD(lin.parameters(), lr=0.2, momentum=0.9, weight_decay=0.01, nesterov=True)", "torch.optim.SGD(lin.parameters(), { lr: 0.2, momentum: 0.9, weight_decay: 0.01, nesterov: true })", "", ""),
    ("adam", "torch.optim.Adam(lin.parameters(), lr=0.05)", "torch.optim.Adam(lin.parameters(), { lr: 0.05 })", "", ""),
    ("adam_wd_amsgrad", "torch.optim.Adam(lin.parameters(), lr=0.05, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)", "torch.optim.Adam(lin.parameters(), { lr: 0.05, betas: [0.8, 0.99], weight_decay: 0.1, amsgrad: true })", "", ""),
    ("adamw_clip", "torch.optim.AdamW(lin.parameters(), lr=0.05, weight_decay=0.05)", "torch.optim.AdamW(lin.parameters(), { lr: 0.05, weight_decay: 0.05 })", "torch.nn.utils.clip_grad_norm_(lin.parameters(), 0.5)", "torch.nn.utils.clip_grad_norm_(lin.parameters(), 0.5)"),
]:
    program(f"train/{name}", TRAIN_INPUTS(len(PROGRAMS)), TRAIN_PY.format(opt=opt_py, clip=clip_py), TRAIN_JS.format(opt=opt_js, clip=clip_js), tol=2e-4)


# ---- printing (str(tensor) as PyTorch writes it)
for name, py, js, inputs in [
    ("two_rows", "out = torch.tensor([[0.1, 0.2], [3.25, -4.5]])", "out = torch.tensor([[0.1, 0.2], [3.25, -4.5]])", {}),
    ("ints_bools", "out = {'i': torch.tensor([[1, -20], [300, 4]]), 'b': torch.tensor([True, False, True])}", "out = { i: torch.tensor([[1, -20], [300, 4]]), b: torch.tensor([true, false, true]) }", {}),
    ("scientific", "out = torch.tensor([1e-5, 1.0, 123.5])", "out = torch.tensor([1e-5, 1.0, 123.5])", {}),
    ("integer_floats", "out = torch.tensor([[1., 2.], [-3., 40.]])", "out = torch.tensor([[1, 2], [-3, 40]], { dtype: torch.float32 })", {}),
    ("big_integer_floats", "out = torch.tensor([1., 2e9])", "out = torch.tensor([1, 2e9], { dtype: torch.float32 })", {}),
    ("nan_inf", "out = torch.tensor([float('nan'), 1.5, float('inf'), -float('inf')])", "out = torch.tensor([NaN, 1.5, Infinity, -Infinity])", {}),
    ("float64_scalar", "out = {'d': torch.tensor([0.5, 2.0], dtype=torch.float64), 's': torch.tensor(3.25), 'z': torch.zeros(0, 3)}", "out = { d: torch.tensor([0.5, 2.0], { dtype: torch.float64 }), s: torch.tensor(3.25), z: torch.zeros(0, 3) }", {}),
    ("three_d", "out = torch.arange(24.).reshape(2, 3, 4) / 8", "out = torch.arange(24, { dtype: torch.float32 }).reshape(2, 3, 4).div(8)", {}),
    ("wrapped_row", "out = torch.arange(30.) / 7", "out = torch.arange(30, { dtype: torch.float32 }).div(7)", {}),
    ("summarized", "out = torch.arange(2000.).reshape(40, 50) / 7", "out = torch.arange(2000, { dtype: torch.float32 }).reshape(40, 50).div(7)", {}),
    ("summarized_1d", "out = torch.arange(5000)", "out = torch.arange(5000)", {}),
    ("grad_fns", "out = {'leaf': x, 'mul': x * 2, 'sum': x.sum(), 'mean': x.mean(), 'mm': x @ x.T, 'soft': x.softmax(-1), 'view': x.reshape(-1), 'ce': F.cross_entropy(x, torch.tensor([0, 1])), 'mse': F.mse_loss(x, x.detach() * 0)}\nloss = None",
     "out = { leaf: x, mul: x.mul(2), sum: x.sum(), mean: x.mean(), mm: x.matmul(x.T), soft: x.softmax(-1), view: x.reshape(-1), ce: F.cross_entropy(x, torch.tensor([0, 1])), mse: F.mse_loss(x, x.detach().mul(0)) }\nloss = null",
     {"x": f32([2, 3], 90, grad=True)}),
]:
    program(f"print/{name}", inputs, py, js, repr=True)


def to_tensor(spec):
    dtype = {"float32": torch.float32, "int64": torch.int64}[spec["dtype"]]
    t = torch.tensor(spec["data"], dtype=dtype).reshape(spec["shape"])
    return t.requires_grad_(True) if spec["requires_grad"] else t


def as_json(t):
    t = t.detach()
    dtype = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}[t.dtype]
    data = t.reshape(-1).tolist()
    data = [(None if math.isnan(v) else ("inf" if v == math.inf else "-inf" if v == -math.inf else v)) if isinstance(v, float) else (bool(v) if dtype == "bool" else v) for v in data]
    return {"dtype": dtype, "shape": list(t.shape), "data": data}


def named(out):
    if isinstance(out, torch.Tensor):
        return {"out": out}
    if isinstance(out, dict):
        return out
    return {str(i): v for i, v in enumerate(out)}


def outputs(out):
    return {k: as_json(v) for k, v in named(out).items()}


def run(p):
    inputs = {name: to_tensor(spec) for name, spec in p["inputs"].items()}
    ns = {"torch": torch, "F": F, "math": math, **inputs}
    exec(p["py"], ns)
    out = ns["out"]
    loss = ns["loss"] if "loss" in ns else (out if isinstance(out, torch.Tensor) and out.requires_grad and out.numel() == 1 else None)
    if loss is not None:
        loss.backward()
    grads = {name: as_json(t.grad) for name, t in inputs.items() if t.requires_grad and t.grad is not None}
    return {"id": p["id"], "inputs": p["inputs"], "js": p["js"], "py": p["py"], "tol": p["tol"], "rtol": p["rtol"], "backward": loss is not None,
            "expected": {"outputs": outputs(out), "grad": grads, **({"repr": {k: str(v) for k, v in named(out).items()}} if p["repr"] else {})}}


cases = []
for p in PROGRAMS:
    try:
        cases.append(run(p))
    except Exception as e:
        sys.exit(f"{p['id']}: {e}")
json.dump({"format": "losslab-tensor-programs/1", "torch_version": torch.__version__, "programs": cases}, sys.stdout, indent=None)
sys.stdout.write("\n")
