"""Prompt and generation speed of the embedded model under each llama.cpp setting, in one run.

    python benchmarks/llama_settings.py              # needs briefx[local] and the model

Loads the model in this process once per setting (threads, batch size, flash
attention, OpenMP wait policy is an environment variable and needs its own
run: ``OMP_WAIT_POLICY=active python benchmarks/llama_settings.py``), reads a
prompt of about 500 tokens from an example article, then generates
128 tokens at temperature 0, free and under a JSON-schema grammar, and prints
tokens/s for each as a table with the ratio to the first row.
Run it with nothing else on the machine: on 2 cores any other busy process
stalls llama.cpp's threads at every layer (seen here: 2-6x slower tokens).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SETTINGS: list[dict[str, Any]] = [
    {"n_threads": 2, "n_batch": 512},
    {"n_threads": 1, "n_batch": 512},
    {"n_threads": 2, "n_batch": 256},
    {"n_threads": 2, "n_batch": 1024, "n_ubatch": 1024},
    {"n_threads": 2, "n_batch": 512, "flash_attn": True},
]


def _schema() -> dict[str, Any]:
    from briefx._answers import PeopleAnswer

    return PeopleAnswer.model_json_schema()


def _measure(model: Path, setting: dict[str, Any], prompt: str) -> tuple[float, float, float]:
    from llama_cpp import Llama, LlamaGrammar

    threads = setting["n_threads"]
    llm = Llama(model_path=str(model), n_ctx=4096, n_threads_batch=threads, verbose=False,
                **setting)  # fmt: skip
    tokens = llm.tokenize(prompt.encode("utf-8"))
    started = time.monotonic()
    llm(prompt, max_tokens=1, temperature=0.0)
    prompt_tps = len(tokens) / (time.monotonic() - started)
    rates = []
    grammar = LlamaGrammar.from_json_schema(json.dumps(_schema()), verbose=False)
    for extra in ({}, {"grammar": grammar}):
        llm.reset()
        started = time.monotonic()
        out = llm("Describe a meeting of two officials.", max_tokens=128, temperature=0.0, **extra)
        rates.append(out["usage"]["completion_tokens"] / (time.monotonic() - started))
    return prompt_tps, rates[0], rates[1]


def main() -> int:
    from briefx._local import model_file
    from briefx._settings import Settings

    model = model_file(Settings(backend="local"))
    prompt = (ROOT / "examples" / "articles" / "vologda-belta.txt").read_text(encoding="utf-8")
    rows = [(s, _measure(model, s, prompt[:2000])) for s in SETTINGS]
    base = rows[0][1]
    print(f"{'setting':<52} {'prompt t/s':>10} {'gen t/s':>8} {'json t/s':>8}  ratios")
    for setting, (p, g, j) in rows:
        name = ", ".join(f"{k}={v}" for k, v in setting.items())
        print(f"{name:<52} {p:>10.1f} {g:>8.1f} {j:>8.1f}  "
              f"{p / base[0]:.2f} {g / base[1]:.2f} {j / base[2]:.2f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
