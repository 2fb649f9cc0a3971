"""The shipped encoder file and the reader around it (``barograph/events/classifier.py``).

What the coder's output relies on: a sentence's reading does not depend on the sentences read
with it (the activations are quantised per run, so each sentence runs alone), the committed
model is the one ``meta.json`` describes (``training/fuse_onnx.py`` records the fused file, how
closely it agrees with the exported one, and that its plain attention reads as the fused kernel
did), and the spans decoded from the tagger are the runs of word pieces the docstring of
``decode_spans`` promises.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from barograph.events.classifier import EventClassifier, decode_spans, default_dir

needs_model = pytest.mark.skipif(not EventClassifier.available(), reason="classifier not built (make model)")

SENTENCE = "Rebels shelled the airport in Tripoli on Monday, killing two soldiers."
NEIGHBOURS = [
    "The two foreign ministers held talks in Vienna on Tuesday and agreed to meet again in May, "
    "after a long dispute over fishing rights, trade quotas and the border crossings between them.",
    "Police arrested protesters.",
    "",
    "China's foreign ministry criticised the sanctions announced by Washington as unlawful interference.",
]


@needs_model
def test_a_sentence_reads_the_same_alone_and_among_others():
    clf = EventClassifier()
    alone = clf.read([SENTENCE])
    mixed = clf.read(NEIGHBOURS[:2] + [SENTENCE] + NEIGHBOURS[2:])
    at = 2
    assert np.abs(alone.probs[0] - mixed.probs[at]).max() < 1e-5
    assert alone.spans[0] == mixed.spans[at] and alone.spans[0].get("source")
    if alone.types is not None:
        assert np.abs(alone.types[0] - mixed.types[at]).max() < 1e-5
    # and again in another order, after the reader has run other lengths
    again = clf.read(NEIGHBOURS[::-1] + [SENTENCE])
    assert np.abs(alone.probs[0] - again.probs[-1]).max() < 1e-5


@needs_model
def test_committed_model_is_the_one_meta_describes():
    d = default_dir()
    blob = (d / "event-class5.onnx").read_bytes()
    meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(blob).hexdigest()
    assert len(blob) < 50e6
    assert meta["sha256"] == digest
    fused = meta.get("fused")
    if fused:  # written by training/fuse_onnx.py: same weights, agreement measured on dev
        assert fused["sha256"] == digest and fused["from_sha256"] != digest
        agree = fused["dev_agreement"]
        assert agree["argmax_agreement"] >= 0.995 and agree["max_abs_dp"] < 0.05 and agree["sentences"] > 1000
        unfused = fused.get("unfused")
        if unfused:  # the attention written out in plain operators read every dev sentence the same
            assert unfused["plain_attention"] >= 1 and unfused["same_dev_readings"] == agree["sentences"]


def test_decode_spans_takes_the_surest_run_of_each_side():
    #          O    SRC  TGT  BOTH
    probs = [
        [0.1, 0.8, 0.05, 0.05],  # "Rebels"      source 0.85
        [0.2, 0.7, 0.05, 0.05],  # "forces"      source 0.75
        [0.9, 0.05, 0.03, 0.02],  # "shelled"
        [0.1, 0.0, 0.5, 0.4],  # "the"         target 0.9
        [0.5, 0.0, 0.0, 0.0],  # zero-width piece: skipped, does not break the run
        [0.1, 0.3, 0.3, 0.3],  # "airport"     target 0.6 (and a lone source piece, 0.6)
        [0.9, 0.05, 0.03, 0.02],  # "."
        [0.1, 0.0, 0.6, 0.0],  # "Tripoli"     a weaker target run (0.6)
    ]
    offsets = [(0, 6), (7, 13), (14, 21), (22, 25), (25, 25), (26, 33), (33, 34), (35, 42)]
    spans = decode_spans(np.array(probs, dtype=np.float32), offsets)
    assert spans["source"][:2] == [0, 13] and spans["source"][2] == pytest.approx(1.6, abs=1e-3)
    assert spans["target"][:2] == [22, 33] and spans["target"][2] == pytest.approx(1.5, abs=1e-3)
    # a list of lists (as training/finetune.py may pass) decodes the same as an array
    assert decode_spans(probs, offsets) == spans
    assert decode_spans(np.zeros((0, 4), dtype=np.float32), []) == {}


def test_the_tuner_breaks_near_ties_toward_fewer_silent_sentences():
    """training/tune_hybrid.py: strict F1 within F1_TIE ties; the tie goes to fewer sentences
    with no event; settings that break the seed page's floors are not chosen while any keeps them."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
    import tune_hybrid as th

    row = lambda ok, f1, none, name: (ok, f1, -none, name, None, 0.86, 0.82)  # noqa: E731
    results = [row(True, 0.873, 0.092, "sure"), row(True, 0.872, 0.083, "more"), row(True, 0.860, 0.050, "far"), row(False, 0.95, 0.01, "seed")]
    assert th.choose(results)[3] == "more"
    # outside the tie the better F1 wins
    assert th.choose([row(True, 0.873, 0.092, "sure"), row(True, 0.860, 0.050, "far")])[3] == "sure"
    # no setting keeps the floors: the best of all
    assert th.choose([row(False, 0.80, 0.1, "a"), row(False, 0.90, 0.2, "b")])[3] == "b"


SHARED_STORIES = Path(__file__).resolve().parents[2] / "shared" / "train" / "ngec-synthetic-events.csv"


@pytest.mark.skipif(not SHARED_STORIES.exists(), reason="../shared not beside the repository")
def test_the_distillation_pool_leaves_out_every_story_an_ngec_measure_reads():
    """training/distill.py: the teacher's readings the student learns from come from NGEC
    stories no measure in the repository reads, so those measures stay on unseen text."""
    import csv
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
    import distill
    import ngec_leads

    csv.field_size_limit(10**7)
    with open(SHARED_STORIES, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    skip = distill.measured_stories(rows)
    assert set(range(1200, 1400)) <= skip
    measured = [rows[i]["text"] for i in skip]
    # the lead bench's sentences are first sentences of left-out stories
    for lead in ngec_leads.leads(600):
        assert any(lead["text"] in story for story in measured), lead["text"]
    assert 3000 < len(rows) - len(skip) < len(rows)


@needs_model
@pytest.mark.skipif(not SHARED_STORIES.exists(), reason="../shared not beside the repository")
def test_the_plover_type_head_learnt_no_story_an_ngec_measure_reads():
    """training/plover_head.py: the shipped type head was fit on the leads of unmeasured stories
    only, so the PLOVER bench and the lead bench read stories it never saw."""
    import csv
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "training"))
    import distill

    csv.field_size_limit(10**7)
    with open(SHARED_STORIES, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    head = json.loads((default_dir() / "meta.json").read_text())["plover_head"]
    left_out = len(distill.measured_stories(rows))
    assert head["left_out_stories"] == left_out
    assert 0 < head["leads"] <= len(rows) - left_out
