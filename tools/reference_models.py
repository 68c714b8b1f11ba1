"""Independent numpy float32 reference for the "mlp", "gpt" and "gpt2" architectures.

Written from the equations in docs/protocol-parts/models.md (not ported from the Swift code):
loss and gradient of a checkpoint on a batch. It is importable (load_safetensors, save_safetensors,
mlp_loss_and_grad, gpt_loss_and_grad, loss_and_grad, param_shapes, init_params) and runnable:

    python tools/reference_models.py CHECKPOINT BATCH OUT
    python tools/reference_models.py init ARCH CONFIG_JSON SEED OUT

CHECKPOINT is a safetensors file whose __metadata__ holds "arch" ("mlp", "gpt" or "gpt2") and
"config" (JSON; for gpt2 the transformers config.json fields). BATCH is a safetensors file with
"features" F32 (B,inputs) and "labels" I32 (B) for the mlp, or "inputs" and "targets" I32 (B,T)
for the gpt and gpt2. OUT receives the
gradient tensors (same names and shapes as the parameters) and the loss in __metadata__
("loss", repr of the float32 value). The init form writes the seeded initial parameters
(SplitMix64 scheme of models.md) as a checkpoint with that metadata.

GELU uses the exact erf form; erf is math.erf (float64) applied element-wise through
np.frompyfunc, rounded to the working precision: scipy-free and exact to float32 precision.
The model functions compute in the dtype of the parameters they are given (float32 for the
reference); loss_and_grad can also run them in float64 or sum per-example gradients in
another order (honest variants for the noise measurements of tools/gradient_noise.py).
"""

import json
import math
import struct
import sys

import numpy as np

F32 = np.float32
DTYPES = {"F32": np.float32, "I32": np.int32, "U8": np.uint8, "F64": np.float64, "I64": np.int64}
NAMES = {np.dtype(v).str: k for k, v in DTYPES.items()}
_erf = np.frompyfunc(math.erf, 1, 1)


def load_safetensors(path):
    """Returns ({name: array}, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    meta = header.pop("__metadata__", {})
    data = raw[8 + n :]
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype=DTYPES[e["dtype"]]).reshape(e["shape"]).copy()
    return out, meta


def save_safetensors(path, tensors, metadata=None):
    """Writes tensors in byte-wise name order, header padded with spaces to 8 bytes."""
    header = {"__metadata__": metadata} if metadata else {}
    offset, blobs = 0, []
    for name in sorted(tensors, key=lambda s: s.encode()):
        a = np.ascontiguousarray(tensors[name])
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": NAMES[a.dtype.newbyteorder("<").str], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ---- shared pieces -------------------------------------------------------------------------

def cross_entropy(logits, targets):
    """Mean softmax cross-entropy over rows; returns (loss, dlogits of the mean)."""
    m = logits.max(axis=1, keepdims=True)
    e = np.exp(logits - m)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(len(targets))
    losses = (np.log(s) + m)[:, 0] - logits[rows, targets]
    probs = e / s
    dlogits = probs.copy()
    dlogits[rows, targets] -= 1
    return F32(losses.astype(np.float64).mean()), (dlogits / F32(len(targets))).astype(logits.dtype)


def layer_norm(x, w, b, eps=F32(1e-5)):
    mu = x.mean(axis=-1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=-1, keepdims=True)
    rstd = F32(1) / np.sqrt(var + eps)
    xhat = (x - mu) * rstd
    return xhat * w + b, (xhat, rstd)


def layer_norm_back(dy, w, cache):
    xhat, rstd = cache
    dxhat = dy * w
    dx = rstd * (dxhat - dxhat.mean(-1, keepdims=True) - xhat * (dxhat * xhat).mean(-1, keepdims=True))
    flat = lambda a: a.reshape(-1, a.shape[-1])
    return dx, (flat(dy) * flat(xhat)).sum(0), flat(dy).sum(0)


def gelu(x):
    return (F32(0.5) * x * (F32(1) + _erf(x.astype(np.float64) / math.sqrt(2)).astype(x.dtype))).astype(x.dtype)


def gelu_grad(x):
    cdf = F32(0.5) * (F32(1) + _erf(x.astype(np.float64) / math.sqrt(2)).astype(x.dtype))
    return (cdf + x * np.exp(F32(-0.5) * x * x) * F32(1 / math.sqrt(2 * math.pi))).astype(x.dtype)


# ---- mlp -------------------------------------------------------------------------------------

def mlp_loss_and_grad(p, cfg, features, labels):
    widths = [cfg["inputs"]] + list(cfg["hidden"]) + [cfg["classes"]]
    K = len(widths) - 1
    act = np.tanh if cfg["activation"] == "tanh" else (lambda z: np.maximum(z, F32(0)))
    a = [features.astype(p["layers.0.weight"].dtype)]
    for i in range(K):
        z = a[i] @ p[f"layers.{i}.weight"].T + p[f"layers.{i}.bias"]
        a.append(act(z) if i < K - 1 else z)
    loss, dz = cross_entropy(a[K], labels)
    g = {}
    for i in reversed(range(K)):
        g[f"layers.{i}.weight"] = dz.T @ a[i]
        g[f"layers.{i}.bias"] = dz.sum(0)
        if i > 0:
            da = dz @ p[f"layers.{i}.weight"]
            dz = da * (F32(1) - a[i] * a[i]) if cfg["activation"] == "tanh" else da * (a[i] > 0)
    return loss, g


# ---- gpt -------------------------------------------------------------------------------------

def gpt_loss_and_grad(p, cfg, inputs, targets):
    L, C, NH = cfg["layers"], cfg["channels"], cfg["heads"]
    B, T = inputs.shape
    hs = C // NH
    scale = F32(1 / math.sqrt(hs))
    mask = np.triu(np.ones((T, T), dtype=bool), 1)
    x = p["wte"][inputs] + p["wpe"][:T]
    caches = []
    for i in range(L):
        h = lambda s: p[f"h.{i}.{s}"]
        x0 = x
        l1, c1 = layer_norm(x0, h("ln_1.weight"), h("ln_1.bias"))
        qkv = l1 @ h("attn.qkv.weight").T + h("attn.qkv.bias")
        q, k, v = (qkv[..., j * C:(j + 1) * C].reshape(B, T, NH, hs).transpose(0, 2, 1, 3) for j in range(3))
        s = (q @ k.transpose(0, 1, 3, 2)) * scale
        s = np.where(mask, F32(-np.inf), s)
        e = np.exp(s - s.max(-1, keepdims=True))
        att = e / e.sum(-1, keepdims=True)
        y = (att @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        x1 = x0 + y @ h("attn.proj.weight").T + h("attn.proj.bias")
        l2, c2 = layer_norm(x1, h("ln_2.weight"), h("ln_2.bias"))
        f = l2 @ h("mlp.fc.weight").T + h("mlp.fc.bias")
        fg = gelu(f)
        x = x1 + fg @ h("mlp.proj.weight").T + h("mlp.proj.bias")
        caches.append((x0, l1, c1, q, k, v, att, y, x1, l2, c2, f, fg))
    lf, cf = layer_norm(x, p["ln_f.weight"], p["ln_f.bias"])
    logits = lf.reshape(B * T, C) @ p["wte"].T
    loss, dlogits = cross_entropy(logits, targets.reshape(-1))
    g = {"wte": dlogits.T @ lf.reshape(B * T, C)}
    dx, g["ln_f.weight"], g["ln_f.bias"] = layer_norm_back((dlogits @ p["wte"]).reshape(B, T, C), p["ln_f.weight"], cf)
    lin = lambda d, a: (d.reshape(-1, d.shape[-1]).T @ a.reshape(-1, a.shape[-1]), d.reshape(-1, d.shape[-1]).sum(0))
    for i in reversed(range(L)):
        h = lambda s: p[f"h.{i}.{s}"]
        x0, l1, c1, q, k, v, att, y, x1, l2, c2, f, fg = caches[i]
        n = f"h.{i}."
        g[n + "mlp.proj.weight"], g[n + "mlp.proj.bias"] = lin(dx, fg)
        df = (dx @ h("mlp.proj.weight")) * gelu_grad(f)
        g[n + "mlp.fc.weight"], g[n + "mlp.fc.bias"] = lin(df, l2)
        dx1, g[n + "ln_2.weight"], g[n + "ln_2.bias"] = layer_norm_back(df @ h("mlp.fc.weight"), h("ln_2.weight"), c2)
        dx1 = dx1 + dx
        g[n + "attn.proj.weight"], g[n + "attn.proj.bias"] = lin(dx1, y)
        dy = (dx1 @ h("attn.proj.weight")).reshape(B, T, NH, hs).transpose(0, 2, 1, 3)
        datt = dy @ v.transpose(0, 1, 3, 2)
        dv = att.transpose(0, 1, 3, 2) @ dy
        ds = att * (datt - (att * datt).sum(-1, keepdims=True)) * scale
        dq, dk = ds @ k, ds.transpose(0, 1, 3, 2) @ q
        dqkv = np.concatenate([d.transpose(0, 2, 1, 3).reshape(B, T, C) for d in (dq, dk, dv)], axis=-1)
        g[n + "attn.qkv.weight"], g[n + "attn.qkv.bias"] = lin(dqkv, l1)
        dx0, g[n + "ln_1.weight"], g[n + "ln_1.bias"] = layer_norm_back(dqkv @ h("attn.qkv.weight"), h("ln_1.weight"), c1)
        dx = dx0 + dx1
    np.add.at(g["wte"], inputs.reshape(-1), dx.reshape(B * T, C))
    g["wpe"] = np.zeros_like(p["wpe"])
    g["wpe"][:T] = dx.sum(0)
    return loss, {k: v.astype(p["wte"].dtype) for k, v in g.items()}


# ---- gpt2 (transformers' GPT2LMHeadModel) ----------------------------------------------------

def gelu_new(x):
    k = x.dtype.type(math.sqrt(2 / math.pi))
    return (x.dtype.type(0.5) * x * (1 + np.tanh(k * (x + x.dtype.type(0.044715) * x ** 3)))).astype(x.dtype)


def gelu_new_grad(x):
    k, a = x.dtype.type(math.sqrt(2 / math.pi)), x.dtype.type(0.044715)
    t = np.tanh(k * (x + a * x ** 3))
    return (x.dtype.type(0.5) * (1 + t) + x.dtype.type(0.5) * x * (1 - t * t) * k * (1 + 3 * a * x * x)).astype(x.dtype)


def gpt2_loss_and_grad(p, cfg, inputs, targets):
    """docs/protocol-parts/models.md, "gpt2": Conv1D weights (in, out), y = x W + b."""
    L, C, NH = cfg["n_layer"], cfg["n_embd"], cfg["n_head"]
    dt = p["transformer.wte.weight"].dtype.type
    eps = dt(np.float32(cfg.get("layer_norm_epsilon", 1e-5)))
    B, T = inputs.shape
    hs = C // NH
    scale = dt(1 / math.sqrt(hs))
    causal = np.tril(np.ones((T, T), dtype=bool))
    P = lambda s: p["transformer." + s]
    x = P("wte.weight")[inputs] + P("wpe.weight")[:T]
    saved = []
    for i in range(L):
        w = lambda s: P(f"h.{i}.{s}")
        a1, n1 = layer_norm(x, w("ln_1.weight"), w("ln_1.bias"), eps)
        qkv = a1 @ w("attn.c_attn.weight") + w("attn.c_attn.bias")
        heads = [qkv[..., j * C:(j + 1) * C].reshape(B, T, NH, hs).transpose(0, 2, 1, 3) for j in range(3)]
        q, k, v = heads
        scores = np.where(causal, (q @ np.swapaxes(k, -1, -2)) * scale, dt(-np.inf))
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs = probs / probs.sum(-1, keepdims=True)
        merged = (probs @ v).transpose(0, 2, 1, 3).reshape(B, T, C)
        mid = x + merged @ w("attn.c_proj.weight") + w("attn.c_proj.bias")
        a2, n2 = layer_norm(mid, w("ln_2.weight"), w("ln_2.bias"), eps)
        hidden = a2 @ w("mlp.c_fc.weight") + w("mlp.c_fc.bias")
        act = gelu_new(hidden)
        out = mid + act @ w("mlp.c_proj.weight") + w("mlp.c_proj.bias")
        saved.append((x, a1, n1, q, k, v, probs, merged, mid, a2, n2, hidden, act))
        x = out
    af, nf = layer_norm(x, P("ln_f.weight"), P("ln_f.bias"), eps)
    flat = af.reshape(B * T, C)
    loss, dlogits = cross_entropy(flat @ P("wte.weight").T, targets.reshape(-1))
    g = {"transformer.wte.weight": dlogits.T @ flat}
    dx, g["transformer.ln_f.weight"], g["transformer.ln_f.bias"] = layer_norm_back(
        (dlogits @ P("wte.weight")).reshape(B, T, C), P("ln_f.weight"), nf)

    def conv1d_back(dout, inp, weight):
        d2, i2 = dout.reshape(-1, dout.shape[-1]), inp.reshape(-1, inp.shape[-1])
        return dout @ weight.T, i2.T @ d2, d2.sum(0)

    for i in reversed(range(L)):
        w = lambda s: P(f"h.{i}.{s}")
        pre = f"transformer.h.{i}."
        x_in, a1, n1, q, k, v, probs, merged, mid, a2, n2, hidden, act = saved[i]
        dact, g[pre + "mlp.c_proj.weight"], g[pre + "mlp.c_proj.bias"] = conv1d_back(dx, act, w("mlp.c_proj.weight"))
        dhidden = dact * gelu_new_grad(hidden)
        da2, g[pre + "mlp.c_fc.weight"], g[pre + "mlp.c_fc.bias"] = conv1d_back(dhidden, a2, w("mlp.c_fc.weight"))
        dmid, g[pre + "ln_2.weight"], g[pre + "ln_2.bias"] = layer_norm_back(da2, w("ln_2.weight"), n2)
        dmid = dmid + dx
        dmerged, g[pre + "attn.c_proj.weight"], g[pre + "attn.c_proj.bias"] = conv1d_back(dmid, merged, w("attn.c_proj.weight"))
        dheads = dmerged.reshape(B, T, NH, hs).transpose(0, 2, 1, 3)
        dprobs = dheads @ np.swapaxes(v, -1, -2)
        dv = np.swapaxes(probs, -1, -2) @ dheads
        dscores = probs * (dprobs - (probs * dprobs).sum(-1, keepdims=True)) * scale
        dq, dk = dscores @ k, np.swapaxes(dscores, -1, -2) @ q
        dqkv = np.concatenate([d.transpose(0, 2, 1, 3).reshape(B, T, C) for d in (dq, dk, dv)], axis=-1)
        da1, g[pre + "attn.c_attn.weight"], g[pre + "attn.c_attn.bias"] = conv1d_back(dqkv, a1, w("attn.c_attn.weight"))
        dxin, g[pre + "ln_1.weight"], g[pre + "ln_1.bias"] = layer_norm_back(da1, w("ln_1.weight"), n1)
        dx = dxin + dmid
    np.add.at(g["transformer.wte.weight"], inputs.reshape(-1), dx.reshape(B * T, C))
    g["transformer.wpe.weight"] = np.zeros_like(P("wpe.weight"))
    g["transformer.wpe.weight"][:T] = dx.sum(0)
    return loss, {k: v.astype(P("wte.weight").dtype) for k, v in g.items()}


# ---- parameter layout and seeded initialisation -------------------------------------------

def param_shapes(arch, cfg):
    """{name: shape} of the architecture's tensors."""
    if arch == "mlp":
        d = [cfg["inputs"]] + list(cfg["hidden"]) + [cfg["classes"]]
        out = {}
        for i in range(len(d) - 1):
            out[f"layers.{i}.weight"], out[f"layers.{i}.bias"] = (d[i + 1], d[i]), (d[i + 1],)
        return out
    if arch == "gpt2":
        C, I, V, P = cfg["n_embd"], cfg.get("n_inner") or 4 * cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"]
        out = {"transformer.wte.weight": (V, C), "transformer.wpe.weight": (P, C),
               "transformer.ln_f.weight": (C,), "transformer.ln_f.bias": (C,)}
        for i in range(cfg["n_layer"]):
            for n, shape in [("ln_1.weight", (C,)), ("ln_1.bias", (C,)), ("attn.c_attn.weight", (C, 3 * C)),
                             ("attn.c_attn.bias", (3 * C,)), ("attn.c_proj.weight", (C, C)), ("attn.c_proj.bias", (C,)),
                             ("ln_2.weight", (C,)), ("ln_2.bias", (C,)), ("mlp.c_fc.weight", (C, I)), ("mlp.c_fc.bias", (I,)),
                             ("mlp.c_proj.weight", (I, C)), ("mlp.c_proj.bias", (C,))]:
                out[f"transformer.h.{i}.{n}"] = shape
        return out
    C, T = cfg["channels"], cfg["context"]
    out = {"wte": (256, C), "wpe": (T, C), "ln_f.weight": (C,), "ln_f.bias": (C,)}
    for i in range(cfg["layers"]):
        for n, shape in [("ln_1.weight", (C,)), ("ln_1.bias", (C,)), ("attn.qkv.weight", (3 * C, C)),
                         ("attn.qkv.bias", (3 * C,)), ("attn.proj.weight", (C, C)), ("attn.proj.bias", (C,)),
                         ("ln_2.weight", (C,)), ("ln_2.bias", (C,)), ("mlp.fc.weight", (4 * C, C)),
                         ("mlp.fc.bias", (4 * C,)), ("mlp.proj.weight", (C, 4 * C)), ("mlp.proj.bias", (C,))]:
            out[f"h.{i}.{n}"] = shape
    return out


class SplitMix64:
    M = (1 << 64) - 1

    def __init__(self, seed):
        self.s = seed & self.M

    def next(self):
        self.s = (self.s + 0x9E3779B97F4A7C15) & self.M
        z = self.s
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.M
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
        return z ^ (z >> 31)

    def unit(self):
        return (self.next() >> 11) * 2.0 ** -53


def init_params(arch, cfg, seed):
    """Seeded initial parameters: Xavier-uniform (mlp) or GPT-2 normals (gpt), canonical order."""
    rng = SplitMix64(seed)
    shapes = param_shapes(arch, cfg)
    out = {}
    res_std = 0.02 / math.sqrt(2 * max(cfg.get("layers", 1), 1))
    for name in sorted(shapes, key=lambda s: s.encode()):
        shape = shapes[name]
        n = int(np.prod(shape))
        if arch == "mlp" and name.endswith(".weight"):
            bound = math.sqrt(6 / (shape[0] + shape[1]))
            vals = [(2 * rng.unit() - 1) * bound for _ in range(n)]
        elif arch == "gpt" and "ln_" in name:
            vals = [1.0 if name.endswith(".weight") else 0.0] * n
        elif arch == "gpt" and (name.endswith(".weight") or name in ("wte", "wpe")):
            std = res_std if name.endswith("proj.weight") else 0.02
            vals = []
            for _ in range(n):
                u1, u2 = rng.unit(), rng.unit()
                vals.append(std * math.sqrt(-2 * math.log(1 - u1)) * math.cos(2 * math.pi * u2))
        else:
            vals = [0.0] * n
        out[name] = np.array(vals, dtype=np.float64).astype(F32).reshape(shape)
    return out


def loss_and_grad(params, meta, batch, precision="float32", sum_order="batched"):
    """Loss and fp32 gradient of the mean loss over the batch.

    precision "float64" runs the whole computation in binary64 from the fp32 parameters and
    inputs and rounds the gradient to fp32 once at the end. sum_order "reversed" computes one
    gradient per example and adds them in reverse example order (in the working precision),
    then divides by the batch size. Both are honest implementations whose float rounding
    differs from the default batched fp32 one; tools/gradient_noise.py measures by how much.
    """
    if precision not in ("float32", "float64") or sum_order not in ("batched", "reversed"):
        raise ValueError(f"unknown precision {precision!r} or sum order {sum_order!r}")
    if meta["arch"] not in ("mlp", "gpt", "gpt2"):
        raise ValueError(f"unknown arch {meta['arch']!r}")
    cfg = json.loads(meta["config"])
    dtype = np.float64 if precision == "float64" else F32
    params = {k: v.astype(dtype) for k, v in params.items()}
    if meta["arch"] == "mlp":
        inputs, targets = batch["features"].astype(dtype), batch["labels"]
        one = lambda x, y: mlp_loss_and_grad(params, cfg, x, y)
    else:
        inputs, targets = batch["inputs"], batch["targets"]
        model = gpt2_loss_and_grad if meta["arch"] == "gpt2" else gpt_loss_and_grad
        one = lambda x, y: model(params, cfg, x, y)
    if sum_order == "batched":
        loss, grad = one(inputs, targets)
        return loss, {k: v.astype(F32) for k, v in grad.items()}
    # Every example of a batch weighs the same (gpt: the same T tokens), so the batch mean is
    # the mean of the per-example means.
    losses, total = [], None
    for i in reversed(range(len(targets))):
        loss, grad = one(inputs[i:i + 1], targets[i:i + 1])
        losses.append(loss)
        total = grad if total is None else {k: total[k] + grad[k] for k in total}
    loss = np.sum(np.array(losses, dtype=F32), dtype=F32) / F32(len(targets))
    return F32(loss), {k: (v / dtype(len(targets))).astype(F32) for k, v in total.items()}


def main(argv):
    if len(argv) == 6 and argv[1] == "init":
        cfg = json.loads(argv[3])
        save_safetensors(argv[5], init_params(argv[2], cfg, int(argv[4])), {"arch": argv[2], "config": argv[3]})
        return
    if len(argv) != 4:
        sys.exit(__doc__)
    params, meta = load_safetensors(argv[1])
    batch, _ = load_safetensors(argv[2])
    loss, grad = loss_and_grad(params, meta, batch)
    save_safetensors(argv[3], grad, {"loss": repr(float(loss))})


if __name__ == "__main__":
    main(sys.argv)
