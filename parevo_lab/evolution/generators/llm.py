"""The language-model generator: any OpenAI-compatible chat-completions endpoint.

vLLM, Ollama, llama.cpp's server, LM Studio, OpenAI and others speak the same protocol. Settings
come from arguments, else the environment:

    PAREVO_LLM_BASE_URL   (or OPENAI_BASE_URL)   e.g. http://localhost:11434/v1 for Ollama
    PAREVO_LLM_MODEL                              e.g. qwen2.5-coder:14b
    PAREVO_LLM_API_KEY    (or OPENAI_API_KEY)    not needed by most local servers
    PAREVO_LLM_PRICE_IN, PAREVO_LLM_PRICE_OUT    cost per million prompt / completion tokens

Every call has a timeout; a failed call (no connection, a 5xx, a timeout) is retried a bounded
number of times with backoff, then the run stops with a clear error and stays resumable. An
answer without usable code is a failed proposal: it is asked again once with the reason, the
parent is asked up to three times, and the tokens of failed answers count with the next usable
one.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ... import settings
from ...task import Task
from ..feedback import from_report
from .base import Candidate, Context, GeneratorError, Proposal
from .prompts import (
    AnswerError,
    behaviour_text,
    build_messages,
    parse_answer,
    primitives_reference,
    tried_text,
)

MODES = ("full", "diff")


@dataclass
class Settings:
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout_s: float = settings.LLM_TIMEOUT_S
    retries: int = 2  # further tries of a failed call
    answer_retries: int = 1  # further tries of an answer with no usable code
    mode: str = "full"
    temperature: float = 0.7
    max_tokens: int = 4096
    price_in: float = 0.0  # per million prompt tokens
    price_out: float = 0.0  # per million completion tokens

    @classmethod
    def resolve(cls, **given) -> Settings:
        env = os.environ.get
        settings = cls(**{k: v for k, v in given.items() if v is not None})
        settings.base_url = (
            settings.base_url or env("PAREVO_LLM_BASE_URL") or env("OPENAI_BASE_URL")
        )
        settings.model = settings.model or env("PAREVO_LLM_MODEL")
        settings.api_key = (
            settings.api_key or env("PAREVO_LLM_API_KEY") or env("OPENAI_API_KEY") or "none"
        )
        if "price_in" not in given and env("PAREVO_LLM_PRICE_IN"):
            settings.price_in = float(env("PAREVO_LLM_PRICE_IN"))
        if "price_out" not in given and env("PAREVO_LLM_PRICE_OUT"):
            settings.price_out = float(env("PAREVO_LLM_PRICE_OUT"))
        if not settings.base_url:
            raise GeneratorError(
                "the llm generator needs a model endpoint: pass --base-url URL or set "
                "PAREVO_LLM_BASE_URL (e.g. http://localhost:11434/v1 for Ollama)"
            )
        if not settings.model:
            raise GeneratorError(
                "the llm generator needs a model name: pass --model NAME or set PAREVO_LLM_MODEL"
            )
        if settings.mode not in MODES:
            raise GeneratorError(f"unknown answer mode {settings.mode!r}: use full or diff")
        return settings


class LLMGenerator:
    name = "llm"
    patience = 3  # calls of propose per parent before it counts as exhausted

    def __init__(self, **settings):
        import openai

        self.settings = Settings.resolve(**settings)
        self.client = openai.OpenAI(
            base_url=self.settings.base_url,
            api_key=self.settings.api_key,
            timeout=self.settings.timeout_s,
            max_retries=0,  # our own bounded retries, so that every try is counted
        )
        self._primitives = None
        self.calls = 0
        self.failed_proposals = 0  # answers without usable code
        self._unspent = (0, 0.0)  # tokens and cost of failed answers, charged to the next proposal

    def seed(self, task: Task) -> Proposal:
        from ..rules.transforms import Plan, render

        return Proposal(
            source=render(task.source, Plan()),
            label="seed: the reference as a kernel (numba parallel=True, no prange)",
            genome=None,
            family="serial",
        )

    def propose(self, parent: Candidate, context: Context) -> Iterator[Proposal]:
        feedback = from_report(parent.report) if parent.report else None
        mode = self.settings.mode
        if self._primitives is None:
            self._primitives = primitives_reference()
        note = ""
        tokens, cost = self._unspent
        self._unspent = (0, 0.0)
        for attempt in range(1 + self.settings.answer_retries):
            messages = build_messages(
                context.task.source,
                parent.source,
                feedback,
                mode,
                self._primitives,
                note,
                behaviour_text(context.behaviour),
                tried_text(context.candidates),
            )
            answer, used, spent = self._call(messages)
            tokens += used
            cost += spent
            try:
                source = parse_answer(answer, parent.source, mode)
            except AnswerError as exc:
                self.failed_proposals += 1
                note = f"Your previous answer could not be used: {exc}. " + (
                    "Answer with one complete ```python code block." if mode == "full" else ""
                )
                if attempt == self.settings.answer_retries:
                    self._unspent = (tokens, cost)  # counted with the next usable answer
                    return
                continue
            yield Proposal(
                source=source,
                label=_label(parent, feedback, mode, self.settings.model),
                genome=None,
                family="llm",
                tokens=tokens,
                cost=cost,
            )
            tokens, cost, note = 0, 0.0, ""

    def _call(self, messages: list[dict]) -> tuple[str, int, float]:
        """(answer text, tokens, cost) of one chat completion, with bounded retries."""
        import openai

        last = ""
        for attempt in range(1 + self.settings.retries):
            self.calls += 1
            try:
                response = self.client.chat.completions.create(
                    model=self.settings.model,
                    messages=messages,
                    temperature=self.settings.temperature,
                    max_tokens=self.settings.max_tokens,
                )
            except openai.APITimeoutError:
                last = f"no answer within {self.settings.timeout_s:g} s"
            except openai.APIConnectionError as exc:
                last = f"cannot connect ({_cause(exc)})"
            except openai.APIStatusError as exc:
                last = f"HTTP {exc.status_code}: {_one_line(exc.message)}"
                if exc.status_code in (400, 401, 403, 404, 422):
                    break  # retrying a refused request does not help
            except (openai.APIError, ValueError) as exc:
                last = f"an unreadable response ({_one_line(str(exc))})"
            else:
                choices = getattr(response, "choices", None) or []
                if not choices:
                    last = "a response without choices"
                else:
                    text = choices[0].message.content or ""
                    usage = getattr(response, "usage", None)
                    prompt = getattr(usage, "prompt_tokens", 0) or 0
                    completion = getattr(usage, "completion_tokens", 0) or 0
                    cost = (
                        prompt * self.settings.price_in + completion * self.settings.price_out
                    ) / 1e6
                    return text, prompt + completion, cost
            if attempt < self.settings.retries:
                time.sleep(min(0.5 * 2**attempt, 4.0))
        raise GeneratorError(
            f"the model endpoint {self.settings.base_url} failed: {last}; the run is saved, "
            "continue it with --resume once the endpoint works"
        )


def _label(parent: Candidate, feedback, mode: str, model: str) -> str:
    if feedback is None or parent.origin == "seed":
        return f"{model}: parallelise the reference ({mode})"
    if feedback.kind == "ok":
        return f"{model}: make #{parent.id} faster ({mode})"
    return f"{model}: repair #{parent.id} ({feedback.kind}; {mode})"


def _cause(exc: BaseException) -> str:
    inner = exc.__cause__ or exc.__context__
    return _one_line(str(inner or exc))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:160]
