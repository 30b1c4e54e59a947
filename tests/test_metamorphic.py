"""The metamorphic suite: the example articles with other federal subjects swapped in.

The recorded model answers are transformed like the text, so the whole
pipeline after the model (normalisers, finders, grounding, assembly) is
measured on region, capital and case forms no rule was written against.
"""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

from eval_metamorphic import run, swap

from briefx._data import load_data


def test_swapped_examples_score_at_least_097() -> None:
    macro, variants, fields = run(per=4)
    assert variants >= 40
    assert macro >= 0.97, fields


def test_swap_replaces_every_case_and_the_capital() -> None:
    subjects = {s["iso"]: s for s in load_data("regions")["subjects"]}
    text = "Глава Башкортостана прибыл в Уфу. Bashkortostan Governor met in Ufa."
    out = swap(text, subjects["RU-BA"], subjects["RU-KLU"])
    assert out == "Глава Калуги прибыл в Калугу. Kaluga Governor met in Kaluga."
