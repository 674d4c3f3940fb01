"""Several chat completions decoded together: one llama.cpp context, one sequence per request in flight.

On a CPU, decoding one token costs about as much as decoding a few tokens of different sequences in the same
batch (the weights are read once per step either way), so N articles in flight finish sooner together than one
after another. One worker thread owns the llama.cpp context; callers submit a request and wait on its future.

Each sequence has its own part of the KV cache (``context_tokens / sequences``). llama.cpp's unified KV pool,
where a sequence takes what it needs, was tried first and measured slower: attention then runs over every
sequence's cells, and two articles decoded together took 196 s against 153 s with separate parts (seeds 000
and 001, 2 cores). A finished sequence keeps its tokens, so an article's next question, sent to the sequence
that holds its prefix (the article as numbered sentences), evaluates only its own tokens.
"""

from __future__ import annotations

import ctypes
import json
import math
import threading
import time
import uuid
from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from openai.types.chat import ChatCompletion, ChatCompletionMessage
from openai.types.chat.chat_completion import Choice
from openai.types.completion_usage import CompletionUsage

from diplo_extract.errors import ConfigurationError, ExtractionRuntimeError

BATCH_TOKENS = 512  # tokens per llama_decode call: prompt tokens of new requests fill what decoding leaves
# Request options this engine implements; a neutral repetition penalty is what the embedded backend sends.
_IGNORED_NEUTRAL = {"repeat_penalty": 1.0, "frequency_penalty": 0.0, "presence_penalty": 0.0}


@dataclass
class CompletionRequest:
    """One chat completion: its prompt tokens, its sampler chain (grammar and greedy), its bound."""

    prompt: list[int]
    sampler: Any  # llama_cpp._internals.LlamaSampler
    max_tokens: int
    future: Future[ChatCompletion] = field(default_factory=Future)
    # Greedy under a grammar, the grammar first in the chain: the model's own best token is tried alone first.
    greedy_grammar: bool = False

    @property
    def need(self) -> int:
        """KV cells this request may occupy: its prompt and its longest answer."""
        return len(self.prompt) + self.max_tokens


@dataclass
class _Sequence:
    seq_id: int
    cached: list[int] = field(default_factory=list)  # tokens whose KV this sequence holds, in order
    request: CompletionRequest | None = None
    pending: list[int] = field(default_factory=list)  # prompt tokens not yet evaluated
    output: list[int] = field(default_factory=list)
    next_token: int | None = None  # sampled, not yet evaluated


@dataclass
class EngineCounters:
    """What the engine did since it started: for benchmarks and tests, not for records."""

    requests: int = 0
    prompt_tokens: int = 0  # the prompts' lengths, as a server reports them
    prompt_tokens_evaluated: int = 0  # what was actually run through the model; the rest was reused
    completion_tokens: int = 0
    decode_calls: int = 0
    decode_calls_shared: int = 0  # llama_decode calls that carried tokens of two or more sequences
    most_in_flight: int = 0
    grammar_checked_first: int = 0  # tokens under a grammar taken after checking only the model's best token
    grammar_full_passes: int = 0  # tokens under a grammar that needed the grammar over the whole vocabulary


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class SequenceEngine:
    """Chat completions for a loaded ``llama_cpp.Llama``, up to ``sequences`` of them decoded together.

    ``context_tokens`` is the KV cache, shared out evenly. :meth:`complete` is thread-safe and blocks until its
    answer is done; it raises :class:`ExtractionRuntimeError` for a request larger than a sequence's part.
    """

    def __init__(self, llama: Any, *, sequences: int, context_tokens: int, n_threads: int, model_name: str):
        # Deferred like every llama_cpp import: the package imports without the optional ``local`` extra.
        import llama_cpp
        import numpy  # llama-cpp-python's own dependency
        from llama_cpp import _internals
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        from llama_cpp.llama_grammar import LlamaGrammar

        self._llama_cpp = llama_cpp
        self._numpy: Any = numpy
        self._internals: Any = _internals  # llama-cpp-python's wrappers carry no type hints
        self._grammar_class: Any = LlamaGrammar
        self._llama = llama
        self.sequences = sequences
        self.context_tokens = context_tokens
        self.sequence_tokens = context_tokens // sequences
        self.model_name = model_name
        template = llama.metadata.get("tokenizer.chat_template")
        if not template:
            raise ConfigurationError("the model file has no chat template; decoding several sequences needs one")
        model = llama._model
        eos = model.token_eos()
        bos = model.token_bos()
        self._formatter: Any = Jinja2ChatFormatter(
            template=template, eos_token=model.token_get_text(eos) if eos != -1 else "",
            bos_token=model.token_get_text(bos) if bos != -1 else "", stop_token_ids=[eos])
        params = llama_cpp.llama_context_params.from_buffer_copy(llama.context_params)
        params.n_ctx = context_tokens
        params.n_batch = BATCH_TOKENS
        params.n_ubatch = BATCH_TOKENS
        params.n_seq_max = sequences
        params.kv_unified = False  # a part per sequence: attention over its own cells only
        params.n_threads = n_threads
        params.n_threads_batch = n_threads
        self._context: Any = self._internals.LlamaContext(model=model, params=params, verbose=False)
        self._batch: Any = self._internals.LlamaBatch(n_tokens=BATCH_TOKENS, embd=0, n_seq_max=1, verbose=False)
        self._grammars: dict[str, Any] = {}
        self._n_vocab = int(llama_cpp.llama_vocab_n_tokens(model.vocab))
        self._slots = [_Sequence(seq_id=i) for i in range(sequences)]
        self._queue: deque[CompletionRequest] = deque()
        self._wake = threading.Condition()
        self._closing = False
        self.counters = EngineCounters()
        self._worker = threading.Thread(target=self._run, name="llama-sequences", daemon=True)
        self._worker.start()

    # -- the callers' side -------------------------------------------------------------------------------

    def complete(self, *, messages: list[dict[str, Any]], max_tokens: int, response_format: dict[str, Any] | None,
                 temperature: float = 0.0, seed: int | None = None, **options: Any) -> ChatCompletion:
        """An OpenAI-style chat completion, JSON constrained by ``response_format``'s schema when given."""
        unknown = {k: v for k, v in options.items() if _IGNORED_NEUTRAL.get(k, object()) != v}
        if unknown:
            raise ConfigurationError(f"the embedded backend does not implement the options {sorted(unknown)}")
        formatted = self._formatter(messages=messages)
        prompt = self._llama.tokenize(formatted.prompt.encode("utf-8"), add_bos=not formatted.added_special,
                                      special=True)
        sampler, grammar = self._sampler(response_format, temperature, seed)
        request = CompletionRequest(prompt=prompt, sampler=sampler, max_tokens=max(1, max_tokens),
                                    greedy_grammar=grammar and temperature <= 0)
        if request.need > self.sequence_tokens:
            raise ExtractionRuntimeError(
                f"a request of {len(prompt)} prompt tokens and up to {max_tokens} answer tokens does not fit the "
                f"embedded model's context of {self.sequence_tokens} tokens a sequence; lower chunk_tokens",
                backend="embedded")
        with self._wake:
            if self._closing:
                raise ExtractionRuntimeError("the embedded model was closed", backend="embedded")
            self._queue.append(request)
            self._wake.notify()
        return request.future.result()

    def close(self) -> None:
        """Stop the worker (requests still queued fail) and free the context."""
        with self._wake:
            self._closing = True
            self._wake.notify()
        self._worker.join()
        self._batch.close()
        self._context.close()

    def _sampler(self, response_format: dict[str, Any] | None, temperature: float,
                 seed: int | None) -> tuple[Any, bool]:
        """The sampler chain for a request, and whether it holds a grammar (always first in the chain)."""
        sampler = self._internals.LlamaSampler()
        wanted = response_format or {}
        schema = wanted.get("schema") if wanted.get("type") == "json_object" else None
        if schema is not None:
            key = json.dumps(schema, sort_keys=True)
            grammar = self._grammars.get(key)
            if grammar is None:
                grammar = self._grammars[key] = self._grammar_class.from_json_schema(json.dumps(schema),
                                                                                    verbose=False)
            sampler.add_grammar(self._llama._model, grammar)
        if temperature > 0:
            sampler.add_temp(temperature)
            sampler.add_dist(0 if seed is None else seed)
        else:
            sampler.add_greedy()
        return sampler, schema is not None

    # -- the worker ------------------------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while self._admit():
                try:
                    self._step()
                except ExtractionRuntimeError as exc:  # this batch's requests fail; the next ones may not
                    self._fail_running(exc)
        except BaseException as exc:  # any failure must reach the waiting callers
            self._fail_all(exc)
        else:
            self._fail_all(ExtractionRuntimeError("the embedded model was closed", backend="embedded"))

    def _active(self) -> list[_Sequence]:
        return [slot for slot in self._slots if slot.request is not None]

    def _admit(self) -> bool:
        """Move queued requests into free sequences; False when closing."""
        with self._wake:
            while not self._closing and not self._queue and not self._active():
                self._wake.wait()
            if self._closing:
                return False
            while self._queue:
                free = [slot for slot in self._slots if slot.request is None]
                if not free:
                    break
                request = self._queue.popleft()
                # The free sequence that already holds the longest part of this prompt: an article's questions
                # return to the sequence that read the article.
                shared, slot = max(((_common_prefix(s.cached, request.prompt), s) for s in free),
                                   key=lambda pair: pair[0])
                self._start(slot, request, shared)
        return True

    def _start(self, slot: _Sequence, request: CompletionRequest, shared: int) -> None:
        kept = min(shared, len(request.prompt) - 1)  # at least one token evaluated, for its logits
        self._llama_cpp.llama_memory_seq_rm(self._context.memory, slot.seq_id, kept, -1)
        slot.cached = request.prompt[:kept]
        slot.pending = request.prompt[kept:]
        self.counters.requests += 1
        self.counters.prompt_tokens += len(request.prompt)
        self.counters.prompt_tokens_evaluated += len(slot.pending)
        self.counters.most_in_flight = max(self.counters.most_in_flight, len(self._active()) + 1)
        slot.output = []
        slot.next_token = None
        slot.request = request

    def _step(self) -> None:
        """One llama_decode over every running sequence: a sampled token each, then waiting prompt tokens."""
        batch = self._batch.batch
        n = 0
        wants_logits: list[tuple[_Sequence, int]] = []
        fed: set[int] = set()

        def add(slot: _Sequence, token: int, logits: bool) -> None:
            nonlocal n
            batch.token[n] = token
            batch.pos[n] = len(slot.cached)
            batch.n_seq_id[n] = 1
            batch.seq_id[n][0] = slot.seq_id
            batch.logits[n] = logits
            slot.cached.append(token)
            fed.add(slot.seq_id)
            if logits:
                wants_logits.append((slot, n))
            n += 1

        active = self._active()
        for slot in active:
            if slot.next_token is not None:
                add(slot, slot.next_token, True)
                slot.next_token = None
        for slot in active:
            room = BATCH_TOKENS - n
            if not slot.pending or room <= 0:
                continue
            chunk, slot.pending = slot.pending[:room], slot.pending[room:]
            for i, token in enumerate(chunk):
                add(slot, token, not slot.pending and i == len(chunk) - 1)
        batch.n_tokens = n
        self.counters.decode_calls += 1
        self.counters.decode_calls_shared += len(fed) > 1
        status = self._llama_cpp.llama_decode(self._context.ctx, batch)
        if status != 0:
            raise ExtractionRuntimeError(f"llama.cpp could not decode a batch of {n} tokens (status {status})",
                                         backend="embedded")
        for slot, index in wants_logits:
            self._advance(slot, index)

    def _sample(self, request: CompletionRequest, index: int) -> int:
        """The request's next token: greedy under its grammar, the grammar checked on the best token first.

        Applying a grammar to every one of the vocabulary's 151,000 candidates costs about a quarter of a
        decode step on 2 cores, and under a JSON grammar the model's own best token is nearly always allowed.
        When it is, greedy sampling under the grammar picks it too (the first best of the allowed is the first
        best of all), so the answer is the same token for token; only a refused token costs the full pass. This
        is how llama.cpp's own sampler (common/sampling.cpp) does it.
        """
        if request.greedy_grammar:
            logits = self._llama_cpp.llama_get_logits_ith(self._context.ctx, index)
            best = int(self._numpy.ctypeslib.as_array(logits, shape=(self._n_vocab,)).argmax())
            candidate = (self._llama_cpp.llama_token_data * 1)(self._llama_cpp.llama_token_data(best, logits[best],
                                                                                               0.0))
            one = self._llama_cpp.llama_token_data_array(
                data=ctypes.cast(candidate, self._llama_cpp.llama_token_data_p), size=1, selected=-1, sorted=False)
            grammar = self._llama_cpp.llama_sampler_chain_get(request.sampler.sampler, 0)
            self._llama_cpp.llama_sampler_apply(grammar, ctypes.byref(one))
            if math.isfinite(one.data[0].logit):
                self._llama_cpp.llama_sampler_accept(request.sampler.sampler, best)
                self.counters.grammar_checked_first += 1
                return best
            self.counters.grammar_full_passes += 1
        return int(request.sampler.sample(self._context, index))

    def _advance(self, slot: _Sequence, index: int) -> None:
        request = slot.request
        assert request is not None
        token = self._sample(request, index)
        vocab = self._llama._model.vocab
        if self._llama_cpp.llama_vocab_is_eog(vocab, token):
            self._finish(slot, "stop")
            return
        slot.output.append(token)
        if len(slot.output) >= request.max_tokens:
            self._finish(slot, "length")
        else:
            slot.next_token = token

    def _finish(self, slot: _Sequence, reason: str) -> None:
        request = slot.request
        assert request is not None
        text = self._llama.detokenize(slot.output).decode("utf-8", errors="replace")
        completion = ChatCompletion(
            id=f"chatcmpl-{uuid.uuid4().hex}", object="chat.completion", created=int(time.time()),
            model=self.model_name,
            choices=[Choice(index=0, finish_reason=reason,  # type: ignore[arg-type]
                            message=ChatCompletionMessage(role="assistant", content=text))],
            usage=CompletionUsage(prompt_tokens=len(request.prompt), completion_tokens=len(slot.output),
                                  total_tokens=len(request.prompt) + len(slot.output)))
        request.sampler.close()
        self.counters.completion_tokens += len(slot.output)
        slot.request = None
        request.future.set_result(completion)

    def _fail_running(self, exc: BaseException) -> None:
        memory = self._context.memory
        for slot in self._active():
            request = slot.request
            self._llama_cpp.llama_memory_seq_rm(memory, slot.seq_id, -1, -1)
            slot.request, slot.cached, slot.pending, slot.next_token = None, [], [], None
            if request and not request.future.done():
                request.sampler.close()
                request.future.set_exception(exc)

    def _fail_all(self, exc: BaseException) -> None:
        with self._wake:
            requests = [slot.request for slot in self._slots if slot.request] + list(self._queue)
            self._queue.clear()
            self._closing = True
            for slot in self._slots:
                slot.request = None
                slot.cached = []
        for request in requests:
            if request and not request.future.done():
                request.future.set_exception(exc)
