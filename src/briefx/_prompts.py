"""Prompt templates: data files in ``prompts/`` with strict variable filling.

A template is Markdown with a small front matter (``version: N``) and
``{{ name }}`` slots. A slot without a value is an error, never an empty string,
so a renamed variable cannot silently blank part of a prompt.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from briefx._errors import ConfigError
from briefx._resources import read_resource

_SLOT = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)


@dataclass(frozen=True)
class Template:
    name: str
    version: str
    body: str

    def render(self, **values: str) -> str:
        missing = sorted({m for m in _SLOT.findall(self.body) if m not in values})
        if missing:
            raise ConfigError(
                f"prompt template {self.name!r} needs values for {missing}",
                hint="pass every {{ slot }} the template names",
            )
        return _SLOT.sub(lambda m: values[m.group(1)], self.body)


@cache
def load_template(name: str) -> Template:
    raw = read_resource("prompts", f"{name}.md")
    front = _FRONT.match(raw)
    meta: dict[str, str] = {}
    if front:
        for line in front.group(1).splitlines():
            key, _, value = line.partition(":")
            meta[key.strip()] = value.strip()
    body = raw[front.end() :] if front else raw
    # No trailing newline: prompts have always reached the model without one
    # (instructor once rendered them through Jinja, which drops it).
    return Template(name=name, version=meta.get("version", "0"), body=body.strip())


@cache
def load_examples() -> list[dict[str, Any]]:
    """Few-shot examples: short seed excerpts with the answer a good model gives."""
    data: list[dict[str, Any]] = json.loads(read_resource("prompts", "examples.json"))
    return data


PASSES = ("people", "companies", "facts")
# A small model copies example companies, quotes and figures into its answer
# (seen on the seeds: the example's facts came back word for word), so only
# the people task, where the example shows who is *not* a participant, gets one.
EXAMPLE_TASKS = ("people",)


@cache
def prompt_version() -> str:
    """One string that changes whenever any template or example changes."""
    parts = [f"{n}:{load_template(n).version}" for n in ("system", *PASSES)]
    blob = json.dumps([load_examples(), EXAMPLE_TASKS], sort_keys=True)
    parts.append("examples:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12])
    return "|".join(parts)


def _examples_block(article: str) -> str:
    """Few-shot examples, leaving out any taken from the article being extracted."""
    blocks = []
    for i, ex in enumerate(load_examples(), 1):
        first_line = ex["article"].splitlines()[0][:60]
        if first_line in article:
            continue
        lines = [f"EXAMPLE {i} (not the article to extract):\n{ex['article']}"]
        for task in EXAMPLE_TASKS:
            answer = json.dumps(ex[task], ensure_ascii=False)
            lines.append(f"EXAMPLE {i} answer for the {task} task: {answer}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


_BULLET = re.compile(r"^- ([a-z_]+):")


def _only(task: str, fields: frozenset[str]) -> str:
    """The task without the bullets (``- field: ...``) of the fields not asked for."""
    lines = task.splitlines()
    return "\n".join(
        line for line in lines if (m := _BULLET.match(line)) is None or m.group(1) in fields
    )


def build_messages(
    pass_name: str, article: str, *, fields: frozenset[str] | None = None
) -> list[dict[str, str]]:
    """System prompt, then the article first and the task last.

    Every pass shares the system prompt and the article, so a server that
    caches prompt prefixes (llama.cpp does) reads the article only once.
    ``fields`` names the fields asked for, when a pass asks for fewer than all.
    """
    system = load_template("system").render(examples=_examples_block(article))
    task = load_template(pass_name).render()
    if fields is not None:
        task = _only(task, fields)
    user = f"ARTICLE:\n<<<\n{article}\n>>>\n\n{task}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]
