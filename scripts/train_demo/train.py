#!/usr/bin/env python3
"""Trains Tern's demo pair from scratch on WordNet text and writes what ships and what the tests
compare against. One command, deterministic given the seed and the thread count:

    /usr/bin/python3 scripts/train_demo/train.py            # both models, then the plot
    /usr/bin/python3 scripts/train_demo/train.py --which ternary   # one model (two can run at once)

Needs Debian's python3-torch, python3-regex, python3-numpy, python3-matplotlib, libopenblas0-pthread
and wordnet-base (scripts/train_demo/setup.sh installs them). Writes:
    resources/models/demo-ternary.gguf, demo-fp16.gguf   the models (I2_S bitnet-b1.58, F16 llama)
    resources/models/demo-validation.txt                 held-out text (synsets never trained on)
    resources/models/demo-training.json                  sizes, times, losses, validation perplexity
    resources/models/demo-loss.png                       train and validation loss of both models
    tests/data/demo/*                                    prompts, reference logits and greedy answers
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bpe  # noqa: E402
import gguf_write  # noqa: E402
import wordnet_data  # noqa: E402
from models import Config, Model, ternary_weights  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MODELS = os.path.join(ROOT, "resources", "models")
TESTDATA = os.path.join(ROOT, "tests", "data", "demo")
VOCAB = 4096
VALIDATION_TOKENS = 32768  # enough for a stable perplexity, small enough for a fast test
PROMPTS = ["What is a harbor?", "What does it mean to whisper?", "Define happy."]
TEMPLATE = ("{% for message in messages %}{{ message['role'] | capitalize }}: {{ message['content'] | trim }}"
            "<|eot_id|>{% endfor %}{% if add_generation_prompt %}Assistant: {% endif %}")


def prepare(work, seed):
    """Corpus, tokenizer and token stream, cached in `work` (the slow part runs once for both models)."""
    cache = os.path.join(work, f"data-{seed}.npz")
    merges_path = os.path.join(work, f"merges-{seed}.json")
    docs, validation, n_train, n_held = wordnet_data.build_corpus(seed)
    if os.path.exists(cache) and os.path.exists(merges_path):
        with open(merges_path) as f:
            tok = bpe.Tokenizer([tuple(m) for m in json.load(f)])
        d = np.load(cache)
        return tok, d["stream"], d["val"], validation, n_train, n_held
    # The tokenizer learns from every 4th document: the same merges, a quarter of the time.
    tok = bpe.train(docs[::4], VOCAB)
    stream = np.fromiter((i for doc in docs for i in tok.encode(doc)), dtype=np.int32)
    val = np.array(tok.encode(validation, add_bos=True, parse_special=False), dtype=np.int32)
    os.makedirs(work, exist_ok=True)
    with open(merges_path, "w") as f:
        json.dump(tok.merges, f)
    np.savez(cache, stream=stream, val=val)
    return tok, stream, val, validation, n_train, n_held


def validation_text(text, tok):
    """The first lines of the held-out text that make about VALIDATION_TOKENS tokens."""
    out, n = [], 0
    for line in text.splitlines(keepends=True):
        n += len(tok.encode(line, add_bos=False, parse_special=False))
        if n > VALIDATION_TOKENS:
            break
        out.append(line)
    return "".join(out)


def perplexity(model, tokens, n_ctx, bos, max_chunks=None):
    """llama.cpp's (and tern-cli perplexity's) chunking: chunks of n_ctx with the first token set
    to BOS, the second half of each chunk scored."""
    n_chunks = len(tokens) // n_ctx
    if max_chunks:
        n_chunks = min(n_chunks, max_chunks)
    chunks = torch.tensor(tokens[: n_chunks * n_ctx].reshape(n_chunks, n_ctx), dtype=torch.long)
    targets = chunks[:, n_ctx // 2 + 1:].clone()
    chunks[:, 0] = bos
    nll, n = 0.0, 0
    with torch.no_grad():
        for i in range(0, n_chunks, 8):
            logits = model(chunks[i:i + 8]).double()
            lp = logits[:, n_ctx // 2: n_ctx - 1].log_softmax(-1)
            nll -= lp.gather(-1, targets[i:i + 8, :, None]).sum().item()
            n += targets[i:i + 8].numel()
    return math.exp(nll / n)


def lr_and_wd(step, steps, peak, ternary):
    warm = max(1, steps // 50)
    if step < warm:
        return peak * (step + 1) / warm, 0.1
    t = (step - warm) / max(1, steps - warm)
    if ternary:
        # BitNet b1.58's two stages, scaled down: a high rate decaying over the first half with
        # weight decay, then a sharp drop and no weight decay for the second half.
        return (peak * (1 - 0.4 * t / 0.5), 0.1) if t < 0.5 else (peak * 0.4 * (1 - (t - 0.5) / 0.5) + peak * 0.02, 0.0)
    return peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * t))), 0.1


def train(which, args, tok, stream, val):
    ternary = which == "ternary"
    torch.manual_seed(args.seed)
    cfg = Config(n_vocab=len(tok.tokens))
    model = Model(cfg, ternary)
    decay = [p for n, p in model.named_parameters() if p.dim() == 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    peak = args.lr_ternary if ternary else args.lr_fp16
    opt = torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=peak, betas=(0.9, 0.95), eps=1e-8)
    rng = np.random.default_rng(args.seed)
    log, t0, ema = [], time.time(), None
    for step in range(args.steps):
        lr, wd = lr_and_wd(step, args.steps, peak, ternary)
        opt.param_groups[0]["lr"], opt.param_groups[0]["weight_decay"] = lr, wd
        opt.param_groups[1]["lr"] = lr
        starts = rng.integers(0, len(stream) - cfg.n_ctx - 1, args.batch)
        batch = torch.from_numpy(np.stack([stream[s:s + cfg.n_ctx + 1] for s in starts]).astype(np.int64))
        logits = model(batch[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, cfg.n_vocab), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
        if step % args.eval_every == 0 or step == args.steps - 1:
            model.eval()
            vppl = perplexity(model, val, cfg.n_ctx, tok.bos, max_chunks=16)
            model.train()
            log.append({"step": step, "tokens": (step + 1) * args.batch * cfg.n_ctx, "train_loss": ema,
                        "val_loss": math.log(vppl), "seconds": time.time() - t0})
            print(f"{which} step {step}/{args.steps} loss {ema:.3f} val ppl {vppl:.2f} "
                  f"{(step + 1) * args.batch * cfg.n_ctx / (time.time() - t0):.0f} tok/s", flush=True)
    return model, cfg, log, time.time() - t0


def round_to_stored(model):
    """The weights exactly as the GGUF stores them (F16 embedding; F16 projections for the twin),
    so the reference logits are what the file computes."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() == 2 and (name == "token_embd" or not model.ternary):
                p.copy_(p.half().float())


def write_gguf(model, cfg, tok, path, description):
    w = gguf_write.Writer()
    arch = "bitnet-b1.58" if model.ternary else "llama"
    w.string("general.architecture", arch)
    w.string("general.name", "tern-demo-" + ("ternary" if model.ternary else "fp16"))
    w.string("general.description", description)
    w.string("general.license", "WordNet-3.0 (training data); the model: MIT, as Tern")
    w.u32("general.file_type", 40 if model.ternary else 1)
    w.u32("general.quantization_version", 2)
    w.string("tokenizer.ggml.model", "gpt2")
    w.string("tokenizer.ggml.pre", "llama-bpe")
    w.strings("tokenizer.ggml.tokens", tok.tokens)
    w.i32s("tokenizer.ggml.token_type", [3 if t in bpe.SPECIALS else 1 for t in tok.tokens])
    w.strings("tokenizer.ggml.merges", [a + " " + b for a, b in tok.merges])
    w.u32("tokenizer.ggml.bos_token_id", tok.bos)
    w.u32("tokenizer.ggml.eos_token_id", tok.eot)
    w.u32("tokenizer.ggml.eot_token_id", tok.eot)
    w.u32("tokenizer.ggml.padding_token_id", tok.eos)
    w.boolean("tokenizer.ggml.add_bos_token", True)
    w.string("tokenizer.chat_template", TEMPLATE)
    a = arch + "."
    w.u32(a + "vocab_size", cfg.n_vocab)
    w.u32(a + "context_length", cfg.n_ctx)
    w.u32(a + "embedding_length", cfg.n_embd)
    w.u32(a + "block_count", cfg.n_layer)
    w.u32(a + "feed_forward_length", cfg.n_ff)
    w.u32(a + "rope.dimension_count", cfg.head_dim)
    w.f32(a + "rope.freq_base", cfg.rope_base)
    w.u32(a + "attention.head_count", cfg.n_head)
    w.u32(a + "attention.head_count_kv", cfg.n_head_kv)
    w.f32(a + "attention.layer_norm_rms_epsilon", cfg.eps)
    sd = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    w.tensor_f16("token_embd.weight", sd["token_embd"])
    for i in range(cfg.n_layer):
        b = f"blocks.{i}."
        for name in ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_sub_norm", "attn_output",
                     "ffn_norm", "ffn_gate", "ffn_up", "ffn_sub_norm", "ffn_down"]:
            key = b + name if name.endswith("norm") else b + name + ".weight"
            if key not in sd:
                continue  # the twin has no sub-norms
            out = f"blk.{i}.{name}.weight"
            if name.endswith("norm"):
                w.tensor_f32(out, sd[key])
            elif model.ternary:
                codes, scale = ternary_weights(torch.from_numpy(sd[key]))
                w.tensor_i2s(out, codes.numpy().astype(np.int8), scale.item())
            else:
                w.tensor_f16(out, sd[key])
    w.tensor_f32("output_norm.weight", sd["output_norm"])
    w.write(path)


def greedy(model, tok, prompt_ids, n=48):
    ids = list(prompt_ids)
    with torch.no_grad():
        for _ in range(n):
            nxt = int(model(torch.tensor([ids[-model.cfg.n_ctx:]]))[0, -1].argmax())
            if nxt == tok.eot:
                break
            ids.append(nxt)
    return tok.decode(ids[len(prompt_ids):])


def references(model, tok, name):
    os.makedirs(TESTDATA, exist_ok=True)
    prompts, logits = [], []
    with torch.no_grad():
        for q in PROMPTS:
            ids = tok.encode(f"User: {q}<|eot_id|>Assistant: ")
            logits.append(model(torch.tensor([ids]))[0].numpy().astype("<f4"))
            prompts.append({"question": q, "ids": ids, "greedy_answer": greedy(model, tok, ids)})
    np.concatenate(logits).tofile(os.path.join(TESTDATA, f"{name}-logits.f32"))
    with open(os.path.join(TESTDATA, f"{name}-prompts.json"), "w") as f:
        json.dump({"n_vocab": len(tok.tokens), "prompts": prompts}, f, indent=1)
    return prompts


def plot(summary_path, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    with open(summary_path) as f:
        summary = json.load(f)
    fig, ax = plt.subplots(figsize=(7, 4), dpi=110)
    for which, colour in (("ternary", "tab:blue"), ("fp16", "tab:orange")):
        if which not in summary:
            continue
        log = summary[which]["log"]
        mtok = [e["tokens"] / 1e6 for e in log]
        ax.plot(mtok, [e["train_loss"] for e in log], color=colour, label=f"{which} train")
        ax.plot(mtok, [e["val_loss"] for e in log], color=colour, linestyle="--", label=f"{which} validation")
    ax.set_xlabel("training tokens (millions)")
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.set_title("Tern demo pair: ternary (BitNet b1.58) vs FP16 twin")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(png)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--which", choices=["ternary", "fp16", "both", "plot"], default="both")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--steps", type=int, default=800)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--lr-ternary", type=float, default=3e-3)
    p.add_argument("--lr-fp16", type=float, default=1.5e-3)
    p.add_argument("--eval-every", type=int, default=50)
    p.add_argument("--work", default=os.path.join(ROOT, "build", "train_demo"))
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    summary_path = os.path.join(MODELS, "demo-training.json")
    if args.which == "plot":
        plot(summary_path, os.path.join(MODELS, "demo-loss.png"))
        return
    tok, stream, val_all, validation, n_train, n_held = prepare(args.work, args.seed)
    text = validation_text(validation, tok)
    os.makedirs(MODELS, exist_ok=True)
    with open(os.path.join(MODELS, "demo-validation.txt"), "w") as f:
        f.write(text)
    val = np.array(tok.encode(text, add_bos=True, parse_special=False), dtype=np.int32)
    for which in (["ternary", "fp16"] if args.which == "both" else [args.which]):
        model, cfg, log, seconds = train(which, args, tok, stream, val)
        model.eval()
        round_to_stored(model)
        name = f"demo-{which}"
        desc = ("Tern's demo model, trained from scratch on WordNet 3.0 glosses: " +
                ("BitNet b1.58 ternary weights (I2_S), int8 activations." if which == "ternary" else
                 "the FP16 twin of demo-ternary (same data, steps and seed; dense F16 layers)."))
        write_gguf(model, cfg, tok, os.path.join(MODELS, name + ".gguf"), desc)
        prompts = references(model, tok, name)
        ppl = perplexity(model, val, cfg.n_ctx, tok.bos)
        entry = {"parameters": model.n_params(), "seconds": seconds, "steps": args.steps, "batch": args.batch,
                 "tokens": args.steps * args.batch * cfg.n_ctx, "threads": args.threads, "seed": args.seed,
                 "validation_ppl": ppl, "validation_tokens": int(len(val)), "corpus_tokens": int(len(stream)),
                 "synsets_train": n_train, "synsets_held_out": n_held,
                 "file_bytes": os.path.getsize(os.path.join(MODELS, name + ".gguf")),
                 "answers": prompts and [(q["question"], q["greedy_answer"]) for q in prompts], "log": log,
                 "config": cfg.__dict__, "torch": torch.__version__}
        # The two models may finish in parallel processes: merge into the file, keep the other entry.
        summary = {}
        if os.path.exists(summary_path):
            with open(summary_path) as f:
                summary = json.load(f)
        summary[which] = entry
        with open(summary_path + ".tmp", "w") as f:
            json.dump(summary, f, indent=1)
        os.replace(summary_path + ".tmp", summary_path)
        print(f"{which}: {model.n_params()} parameters, {seconds:.0f} s, validation PPL {ppl:.3f}", flush=True)
    plot(summary_path, os.path.join(MODELS, "demo-loss.png"))


if __name__ == "__main__":
    main()
