"""Rewrite the exported int8 classifier into a graph that onnxruntime runs faster, same weights.

Why: the encoder is most of the coder's cost beyond the spaCy parse (issue 11). The graph that
``export_onnx.py`` writes is torch's trace of all-MiniLM with its attention spelt out in ~900
small nodes (shapes, masks, transposes), and onnxruntime's own session-time fusions turn its
residual-add + LayerNorm pairs into ``SkipLayerNormalization``, whose CPU kernel (onnxruntime
1.32) is about 5 times slower than the two nodes it replaces. This script

1. reads the int8 weights back (weight x scale, the exact values the int8 model computes with)
   into ``finetune.Classifier`` and exports it again in fp32 with plain ("eager") attention;
2. fuses that graph with ``onnxruntime.transformers.optimizer`` (bert, 12 heads, hidden 384):
   ``MultiHeadAttention`` and ``Gelu``, but no ``SkipLayerNormalization``, no ``BiasGelu``, no
   ``EmbedLayerNormalization`` (its quantised form also quantises the LayerNorm's weights);
3. quantises it again exactly as ``export_onnx.py`` did (dynamic, int8 weights per tensor, the
   activations' scale per run): the same int8 weight values come back, and a sentence read alone
   (``EventClassifier`` runs one sentence a run) reads the same whatever else is in the batch;
4. reads every dev sentence (``split.py`` dev part only) with the old and the new file through
   ``EventClassifier`` itself and refuses to write a model whose class argmax differs on more
   than 0.5% of them; the agreement goes into ``meta.json`` under ``fused``.

The session must not undo step 2: ``EventClassifier`` opens it with ``SLOW_FUSIONS`` disabled.

    .venv-train/bin/python training/fuse_onnx.py --dir barograph/data/classifier

Run by ``make model`` after ``export_onnx.py``; on a file it already fused it does nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import split  # noqa: E402

from barograph.events.classifier import EventClassifier  # noqa: E402

MODEL = "event-class5.onnx"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def int8_state(path: Path) -> dict[str, np.ndarray]:
    """The classifier's parameters (torch names) as the int8 file computes with them."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    init = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    made_by = {o: n for n in graph.node for o in n.output}

    def deq(q: str, scale: str, zero: str) -> np.ndarray:
        return (init[q].astype(np.float32) - init[zero].astype(np.float32)) * init[scale].astype(np.float32)

    state: dict[str, np.ndarray] = {}
    for node in graph.node:
        if node.op_type == "MatMulInteger":  # x @ W.T of a Linear; named /encoder/.../query/MatMul_quant
            w, w_zero = node.input[1], node.input[3]
            key = node.name.removesuffix("_quant").strip("/").replace("/", ".")
            key = key.removesuffix(".Gemm_MatMul").removesuffix(".MatMul") + ".weight"
            state[key] = deq(w, w.replace("_quantized", "_scale"), w_zero).T
        elif node.op_type == "DequantizeLinear":  # an embedding table read by Gather
            table = made_by[node.input[0]].input[0]
            state[table.removesuffix("_quantized").removeprefix("clf.")] = deq(table, node.input[1], node.input[2])
    for name, value in init.items():
        if name.startswith("clf.") and not name.endswith(("_quantized", "_scale", "_zero_point", "_Transposed")):
            state[name.removeprefix("clf.")] = value
    return state


def layer_count(state: dict[str, np.ndarray]) -> int:
    """How many encoder layers the weights hold (6, or fewer with ``finetune.py --layers``)."""
    return 1 + max(int(k.split(".")[3]) for k in state if k.startswith("encoder.encoder.layer."))


def export_fp32(state: dict[str, np.ndarray], out: Path) -> None:
    import finetune
    import torch

    clf = finetune.Classifier(finetune.encoder_dir(), layers=layer_count(state))
    own = clf.state_dict()
    lost = sorted(k for k in own if k not in state and not k.startswith("encoder.pooler."))
    if lost:
        sys.exit(f"fuse_onnx: the int8 model lacks {', '.join(lost[:5])}")
    clf.load_state_dict({k: torch.from_numpy(np.array(state[k], dtype=np.float32)).to(v.dtype) if k in state else v for k, v in own.items()})
    clf.eval()
    # plain attention, the pattern the optimizer knows (torch's fused SDPA is traced into masks
    # and NaN guards that it does not)
    for module in clf.encoder.modules():
        if hasattr(module, "config"):
            module.config._attn_implementation = "eager"

    from export_onnx import export_graph

    ids = torch.tensor([[101, 2000, 2001, 102], [101, 2000, 102, 0]])
    export_graph(clf, ids, (ids > 0).long(), out)


def fuse_and_quantise(fp32: Path, out: Path, layers: int = 6) -> dict[str, int]:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    opts = FusionOptions("bert")
    opts.use_multi_head_attention = True
    opts.enable_skip_layer_norm = False
    opts.enable_bias_skip_layer_norm = False
    opts.enable_bias_gelu = False
    opts.enable_embed_layer_norm = False
    model = optimizer.optimize_model(
        str(fp32), model_type="bert", num_heads=12, hidden_size=384, optimization_options=opts, opt_level=0, use_gpu=False
    )
    fused = {k: v for k, v in model.get_fused_operator_statistics().items() if v}
    if fused.get("MultiHeadAttention") != layers:
        sys.exit(f"fuse_onnx: expected {layers} fused attention blocks, got {fused}")
    opt = fp32.with_name("fused-fp32.onnx")
    model.save_model_to_file(str(opt))
    quantize_dynamic(
        str(opt),
        str(out),
        weight_type=QuantType.QInt8,
        op_types_to_quantize=["MatMul", "Gather"],
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    return fused


def agreement(old_dir: Path, new_dir: Path, texts: list[str]) -> dict:
    """The two models read through the coder's own reader, one sentence a run."""
    old, new = EventClassifier(old_dir).read(texts), EventClassifier(new_dir).read(texts)
    dp = np.abs(old.probs - new.probs)

    def bounds(spans: dict) -> dict:  # the characters each side covers, not its summed score
        return {role: span[:2] for role, span in spans.items()}

    same_spans = sum(bounds(a) == bounds(b) for a, b in zip(old.spans, new.spans))
    return {
        "sentences": len(texts),
        "argmax_agreement": round(float(np.mean(old.probs.argmax(1) == new.probs.argmax(1))), 4),
        "mean_abs_dp": round(float(dp.mean()), 6),
        "max_abs_dp": round(float(dp.max()), 4),
        "same_spans": round(same_spans / len(texts), 4),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", type=Path, default=HERE.parent / "barograph" / "data" / "classifier")
    args = ap.parse_args(argv)
    target = args.dir / MODEL
    meta_path = args.dir / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta.get("fused", {}).get("sha256") == sha256(target):
        print(f"{target}: already fused, nothing to do")
        return 0
    texts = [r["text"] for r in split.load("dev")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        old_dir, new_dir = tmp_dir / "old", tmp_dir / "new"
        for d in (old_dir, new_dir):
            d.mkdir()
            for f in ("tokenizer.json", "meta.json"):
                shutil.copy(args.dir / f, d / f)
        shutil.copy(target, old_dir / MODEL)
        state = int8_state(target)
        export_fp32(state, tmp_dir / "fp32.onnx")
        fused = fuse_and_quantise(tmp_dir / "fp32.onnx", new_dir / MODEL, layer_count(state))
        agree = agreement(old_dir, new_dir, texts)
        print(f"fused {fused}; against the exported int8 model on {len(texts)} dev sentences: {agree}")
        if agree["argmax_agreement"] < 0.995:
            sys.exit("fuse_onnx: the fused model disagrees with the exported one on more than 0.5% of dev sentences")
        source = sha256(target)
        shutil.copy(new_dir / MODEL, target)
    digest = sha256(target)
    # the weights are the same, so the hybrid's settings and the calibration stay valid
    meta["sha256"] = digest
    meta["fused"] = {"sha256": digest, "from_sha256": source, "script": "training/fuse_onnx.py", "dev_agreement": agree}
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
