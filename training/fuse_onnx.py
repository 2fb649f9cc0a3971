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
4. spells each ``MultiHeadAttention`` out again in plain operators (``plain_attention``) and
   folds the token-type embedding into a constant (``fold_token_types``). Why unfuse what step
   2 fused: with one sentence a run, onnxruntime 1.32's CPU ``MultiHeadAttention`` kernel costs
   about as much as the layer's feed-forward products, and the plain ``MatMul``/``Softmax`` it
   computes are cheaper; the model has no token-type input, so the ~20 shape nodes that build
   its all-zero token types only ever fetch row 0. Both compute the same floats: the script
   refuses the result unless every dev sentence reads the same, bit for bit, as before it;
5. reads every dev sentence (``split.py`` dev part only) with the old and the new file through
   ``EventClassifier`` itself and refuses to write a model whose class argmax differs on more
   than 0.5% of them; the agreement goes into ``meta.json`` under ``fused``.

The session must not undo step 2: ``EventClassifier`` opens it with ``SLOW_FUSIONS`` disabled.

    .venv-train/bin/python training/fuse_onnx.py --dir barograph/data/classifier

Run by ``make model`` after ``export_onnx.py``; on a file it already fused it does nothing, and
on a file an earlier version fused (attention still fused) it does step 4 only.
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


def _prune(graph) -> None:
    """Drop the nodes and initializers no output depends on any more."""
    while True:
        used = {i for n in graph.node for i in n.input} | {o.name for o in graph.output}
        live = [n for n in graph.node if any(o in used for o in n.output)]
        if len(live) == len(graph.node):
            break
        del graph.node[:]
        graph.node.extend(live)
    used = {i for n in graph.node for i in n.input}
    kept = [i for i in graph.initializer if i.name in used]
    del graph.initializer[:]
    graph.initializer.extend(kept)


def has_fused_attention(path: Path) -> bool:
    import onnx

    return any(n.op_type == "MultiHeadAttention" for n in onnx.load(str(path)).graph.node)


def plain_attention(model, head_size: int = 32) -> int:
    """Each ``MultiHeadAttention`` node (query, key, value, packed bias, key lengths) as the
    operators it stands for: add the bias, split the heads, softmax(q k^T / sqrt(head size) +
    mask) v, merge the heads. The mask is additive, -10000 where ``attention_mask`` is 0, the
    kernel's own filter value, so right-padded batches read as before. Returns how many nodes
    it rewrote."""
    import onnx
    from onnx import helper, numpy_helper

    graph = model.graph
    init = {i.name: i for i in graph.initializer}
    width = None
    consts: list = []
    nodes: list = []
    count = 0
    for node in graph.node:
        if node.op_type != "MultiHeadAttention":
            nodes.append(node)
            continue
        heads = next(helper.get_attribute_value(a) for a in node.attribute if a.name == "num_heads")
        q, k, v, bias = node.input[:4]
        bias_values = numpy_helper.to_array(init[bias])
        width = heads * head_size
        if bias_values.shape != (3 * width,):
            sys.exit(f"fuse_onnx: {node.name}: a packed bias of {bias_values.shape}, expected ({3 * width},)")
        p = f"{node.name}_plain/"
        if not count:  # shared by every layer: the additive mask (batch, 1, 1, keys) and shapes
            consts += [
                numpy_helper.from_array(np.array([0, 0, heads, head_size], dtype=np.int64), "plain/heads_shape"),
                numpy_helper.from_array(np.array([0, 0, width], dtype=np.int64), "plain/merged_shape"),
                numpy_helper.from_array(np.array(1 / np.sqrt(head_size), dtype=np.float32), "plain/scale"),
                numpy_helper.from_array(np.array(1.0, dtype=np.float32), "plain/one"),
                numpy_helper.from_array(np.array(-10000.0, dtype=np.float32), "plain/filter"),
                numpy_helper.from_array(np.array([1, 2], dtype=np.int64), "plain/mask_axes"),
            ]
            nodes += [
                helper.make_node("Cast", ["attention_mask"], ["plain/mask"], name="plain/mask_cast", to=onnx.TensorProto.FLOAT),
                helper.make_node("Sub", ["plain/one", "plain/mask"], ["plain/masked"], name="plain/mask_sub"),
                helper.make_node("Mul", ["plain/masked", "plain/filter"], ["plain/mask_add"], name="plain/mask_mul"),
                helper.make_node("Unsqueeze", ["plain/mask_add", "plain/mask_axes"], ["plain/mask_4d"], name="plain/mask_unsqueeze"),
            ]
        for j, (name, x) in enumerate((("q", q), ("k", k), ("v", v))):
            consts.append(numpy_helper.from_array(bias_values[j * width : (j + 1) * width].copy(), p + "bias_" + name))
            nodes += [
                helper.make_node("Add", [x, p + "bias_" + name], [p + name], name=p + name + "_bias"),
                helper.make_node("Reshape", [p + name, "plain/heads_shape"], [p + name + "4"], name=p + name + "_heads"),
                # q, v: (batch, heads, seq, head size); k: (batch, heads, head size, seq)
                helper.make_node(
                    "Transpose", [p + name + "4"], [p + name + "t"], name=p + name + "_t", perm=[0, 2, 3, 1] if name == "k" else [0, 2, 1, 3]
                ),
            ]
        nodes += [
            helper.make_node("MatMul", [p + "qt", p + "kt"], [p + "scores"], name=p + "scores"),
            helper.make_node("Mul", [p + "scores", "plain/scale"], [p + "scaled"], name=p + "scale"),
            helper.make_node("Add", [p + "scaled", "plain/mask_4d"], [p + "masked"], name=p + "mask"),
            helper.make_node("Softmax", [p + "masked"], [p + "weights"], name=p + "softmax", axis=-1),
            helper.make_node("MatMul", [p + "weights", p + "vt"], [p + "context"], name=p + "context"),
            helper.make_node("Transpose", [p + "context"], [p + "context_t"], name=p + "context_t", perm=[0, 2, 1, 3]),
            helper.make_node("Reshape", [p + "context_t", "plain/merged_shape"], [node.output[0]], name=p + "merge"),
        ]
        count += 1
    del graph.node[:]
    graph.node.extend(nodes)
    graph.initializer.extend(consts)
    _prune(graph)
    return count


def fold_token_types(model) -> bool:
    """The token-type embedding as the constant it is. The graph has no token-type input, so its
    token types are the all-zero buffer BERT registers, and the dequantised row 0 of the table,
    (q - zero point) x scale as ``DequantizeLinear`` computes it, is what every word piece adds."""
    from onnx import numpy_helper

    graph = model.graph
    if any(i.name == "token_type_ids" for i in graph.input):
        return False
    init = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    made_by = {o: n for n in graph.node for o in n.output}
    deq = next((n for n in graph.node if n.op_type == "DequantizeLinear" and "token_type_embeddings" in n.name), None)
    if deq is None:
        return False
    table = init[made_by[deq.input[0]].input[0]]
    zero = init[deq.input[2]].astype(np.int32)
    row = (table[0].astype(np.int32) - zero).astype(np.float32) * init[deq.input[1]].astype(np.float32)
    graph.node.remove(deq)
    graph.initializer.append(numpy_helper.from_array(row.astype(np.float32), deq.output[0]))
    _prune(graph)
    return True


def unfuse(src: Path, out: Path) -> dict[str, int]:
    """Step 4 on the file ``src``, written to ``out``."""
    import onnx

    model = onnx.load(str(src))
    done = {"plain_attention": plain_attention(model), "folded_token_types": int(fold_token_types(model))}
    onnx.checker.check_model(model)
    onnx.save(model, str(out))
    return done


def same_readings(old_dir: Path, new_dir: Path, texts: list[str]) -> bool:
    """Do the two files read every sentence the same, bit for bit (classes and spans)?"""
    old, new = EventClassifier(old_dir).read(texts), EventClassifier(new_dir).read(texts)
    return bool(np.array_equal(old.probs, new.probs)) and old.spans == new.spans


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
    # fused by an earlier version of this script: its attention is still fused, the rest is done
    earlier = meta.get("fused", {}).get("sha256") == sha256(target)
    if earlier and not has_fused_attention(target):
        print(f"{target}: already fused, nothing to do")
        return 0
    texts = [r["text"] for r in split.load("dev")]
    with tempfile.TemporaryDirectory() as tmp:
        tmp_dir = Path(tmp)
        old_dir, fused_dir, new_dir = tmp_dir / "old", tmp_dir / "fused", tmp_dir / "new"
        for d in (old_dir, fused_dir, new_dir):
            d.mkdir()
            for f in ("tokenizer.json", "meta.json"):
                shutil.copy(args.dir / f, d / f)
        shutil.copy(target, old_dir / MODEL)
        if earlier:
            shutil.copy(target, fused_dir / MODEL)
            source, agree = meta["fused"]["from_sha256"], meta["fused"]["dev_agreement"]
        else:
            state = int8_state(target)
            export_fp32(state, tmp_dir / "fp32.onnx")
            fused = fuse_and_quantise(tmp_dir / "fp32.onnx", fused_dir / MODEL, layer_count(state))
            source = sha256(target)
        unfused = unfuse(fused_dir / MODEL, new_dir / MODEL)
        if not same_readings(fused_dir, new_dir, texts):
            sys.exit("fuse_onnx: the plain attention reads a dev sentence differently from the fused kernel")
        print(f"step 4 {unfused}: the same readings of all {len(texts)} dev sentences, bit for bit")
        if not earlier:
            agree = agreement(old_dir, new_dir, texts)
            print(f"fused {fused}; against the exported int8 model on {len(texts)} dev sentences: {agree}")
            if agree["argmax_agreement"] < 0.995:
                sys.exit("fuse_onnx: the fused model disagrees with the exported one on more than 0.5% of dev sentences")
        shutil.copy(new_dir / MODEL, target)
    digest = sha256(target)
    # the weights are the same, so the hybrid's settings and the calibration stay valid
    meta["sha256"] = digest
    meta["fused"] = {
        "sha256": digest,
        "from_sha256": source,
        "script": "training/fuse_onnx.py",
        "unfused": {**unfused, "same_dev_readings": len(texts)},
        "dev_agreement": agree,
    }
    meta_path.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
