"""A LiteLLM custom provider for Familiar's tests: streams a short cited answer that names the question it was given,
in small pieces, with usage at the end. LiteLLM turns it into OpenAI SSE on /v1/chat/completions and into Anthropic
SSE on /v1/messages (its mock_response answers ignore "stream" on the Anthropic route). The model `refused` fails as
an upstream provider does when it rejects the proxy's key: the proxy answers 401 (a wrong key to the proxy itself
gets 400 "No connected db" when it runs without a database, as here). The model `tools` plays a tool-calling model
(issue #22): offered tools and given no result yet, it streams a `rate_encounter` call, its arguments three
characters a chunk; given the result, it answers with the result's numbers."""

import asyncio
import json
import re

import litellm
from litellm import CustomLLM
from litellm.types.utils import GenericStreamingChunk

PIECE = 7
# A pause between pieces, as a model's tokens come: a browser paints the answer as it grows, not all at once.
PAUSE_S = 0.02


def _question(messages):
    """The last line of the last user message: the question, after the numbered passages."""
    for message in reversed(messages or []):
        if message.get("role") == "user":
            content = message.get("content")
            if isinstance(content, list):
                content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
            lines = [line for line in str(content or "").splitlines() if line.strip()]
            return lines[-1].strip() if lines else ""
    return ""


def _answer(messages):
    return f"Streamed through the proxy for: {_question(messages)} See [1]."


def _chunk(text, finished=False, usage=None):
    return GenericStreamingChunk(
        text=text,
        tool_use=None,
        is_finished=finished,
        finish_reason="stop" if finished else "",
        usage=usage,
        index=0,
    )


def _refuse_if_asked(model):
    if str(model or "").endswith("refused"):
        raise litellm.AuthenticationError(
            message="the upstream provider rejected the proxy's key", llm_provider="familiar-handler", model=str(model)
        )


RATE_ARGUMENTS = json.dumps({"party_level": 4, "party_size": 4, "creatures": [{"level": 5}, {"level": 3}, {"level": 3}]})


def _tool_result_text(messages):
    """The tool results the conversation carries, as text (role "tool" messages, or a text rendering of them)."""
    texts = []
    for message in messages or []:
        content = message.get("content")
        if isinstance(content, list):
            content = " ".join(str(part.get("text", part.get("content", ""))) for part in content if isinstance(part, dict))
        if message.get("role") == "tool" or "totalXP" in str(content or ""):
            texts.append(str(content or ""))
    return " ".join(texts)


def _tool_pieces(kwargs):
    messages = kwargs.get("messages") or []
    offered = (kwargs.get("optional_params") or {}).get("tools") or []
    results = _tool_result_text(messages)
    if offered and not results:
        for start in range(0, len(RATE_ARGUMENTS), 3):
            first = start == 0
            yield GenericStreamingChunk(
                text="",
                tool_use={
                    "id": "call_rate" if first else None,
                    "type": "function",
                    "function": {"name": "rate_encounter" if first else None, "arguments": RATE_ARGUMENTS[start : start + 3]},
                    "index": 0,
                },
                is_finished=False,
                finish_reason="",
                usage=None,
                index=0,
            )
        yield GenericStreamingChunk(
            text="", tool_use=None, is_finished=True, finish_reason="tool_calls",
            usage={"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52}, index=0,
        )
        return
    xp = re.search(r'totalXP\\?"\s*:\s*(\d+)', results)
    rating = re.search(r'rating\\?"\s*:\s*\\?"(\w+)', results)
    text = f"Rated through the proxy: {xp.group(1) if xp else '?'} XP, {rating.group(1) if rating else '?'} [1]."
    for start in range(0, len(text), PIECE):
        yield _chunk(text[start : start + PIECE])
    yield _chunk("", True, {"prompt_tokens": 40, "completion_tokens": len(text) // 4, "total_tokens": 40 + len(text) // 4})


class FamiliarHandler(CustomLLM):
    def _pieces(self, messages):
        text = _answer(messages)
        for start in range(0, len(text), PIECE):
            yield _chunk(text[start : start + PIECE])
        yield _chunk("", True, {"prompt_tokens": 40, "completion_tokens": len(text) // 4, "total_tokens": 40 + len(text) // 4})

    def completion(self, *args, **kwargs):
        _refuse_if_asked(kwargs.get("model"))
        return litellm.completion(
            model="openai/familiar-stream",
            messages=kwargs.get("messages") or [],
            mock_response=_answer(kwargs.get("messages")),
        )

    async def acompletion(self, *args, **kwargs):
        return self.completion(*args, **kwargs)

    def _stream(self, kwargs):
        if str(kwargs.get("model") or "").endswith("tools"):
            return _tool_pieces(kwargs)
        return self._pieces(kwargs.get("messages"))

    def streaming(self, *args, **kwargs):
        _refuse_if_asked(kwargs.get("model"))
        yield from self._stream(kwargs)

    async def astreaming(self, *args, **kwargs):
        _refuse_if_asked(kwargs.get("model"))
        for chunk in self._stream(kwargs):
            yield chunk
            await asyncio.sleep(PAUSE_S)


handler = FamiliarHandler()
