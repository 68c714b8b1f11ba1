"""Writes Tests/Fixtures/gpt2-transformers/: a small GPT-2 checkpoint as transformers'
`save_pretrained` writes it (config.json, model.safetensors), and reference.json with token
windows, the loss transformers computes on them in fp32 and its gradient (gradient.safetensors,
same names as the model's tensors). GPT2Tests load the checkpoint as theta_0 and check the
verifier's loss (within 1e-5 relative) and gradient against these values.

Run once with transformers and torch (benchmark-only environment, never a dependency of the
product or of the test command): .venv-torch/bin/python tools/make_gpt2_transformers_fixture.py
The output is committed; it is deterministic for a given torch and transformers version.
"""
import json
import pathlib

import torch
from safetensors.torch import save_file
from transformers import GPT2Config, GPT2LMHeadModel
import transformers

OUT = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "Fixtures" / "gpt2-transformers"


def main() -> None:
    torch.manual_seed(20241206)
    config = GPT2Config(n_layer=2, n_embd=32, n_head=4, n_positions=24, vocab_size=384,
                        resid_pdrop=0.0, embd_pdrop=0.0, attn_pdrop=0.0, layer_norm_epsilon=1e-5,
                        bos_token_id=383, eos_token_id=383)
    model = GPT2LMHeadModel(config).float()
    # transformers initialises biases to 0 and LayerNorm to (1, 0): move every parameter off
    # those values so that a bias or LayerNorm read wrongly changes the loss.
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    OUT.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(OUT)  # config.json + model.safetensors (lm_head tied to wte, not stored)
    for extra in ("generation_config.json",):
        (OUT / extra).unlink(missing_ok=True)

    B, T = 3, 16
    windows = torch.randint(0, config.vocab_size, (B, T + 1), generator=torch.Generator().manual_seed(7))
    model.train()  # dropout is 0, so train and eval modes agree; a miner trains in train mode
    model.zero_grad(set_to_none=True)
    # transformers' own loss: labels = the window, shifted inside the model (mean over B x T).
    out = model(input_ids=windows, labels=windows)
    out.loss.backward()
    # The same loss written out: inputs [0, T), targets [1, T] (only the first T positions' logits).
    with torch.no_grad():
        logits = model(input_ids=windows[:, :-1]).logits
        direct = torch.nn.functional.cross_entropy(logits.reshape(-1, config.vocab_size), windows[:, 1:].reshape(-1))
    assert abs(direct.item() - out.loss.item()) <= 1e-6 * abs(out.loss.item()), (direct.item(), out.loss.item())
    grads = {name: p.grad.detach().contiguous() for name, p in model.named_parameters()}
    save_file(grads, str(OUT / "gradient.safetensors"))
    (OUT / "reference.json").write_text(json.dumps({
        "made_by": "tools/make_gpt2_transformers_fixture.py",
        "transformers": transformers.__version__, "torch": torch.__version__,
        "B": B, "T": T, "windows": windows.tolist(), "loss": out.loss.item(),
    }, indent=1) + "\n")
    print(f"loss {out.loss.item():.9g}; parameters {sum(p.numel() for p in model.parameters())}; wrote {OUT}")


if __name__ == "__main__":
    main()
