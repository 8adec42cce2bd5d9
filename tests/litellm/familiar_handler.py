"""A LiteLLM custom provider for Familiar's tests: streams a short cited answer that names the question it was given,
in small pieces, with usage at the end. LiteLLM turns it into OpenAI SSE on /v1/chat/completions and into Anthropic
SSE on /v1/messages (its mock_response answers ignore "stream" on the Anthropic route). The model `refused` fails as
an upstream provider does when it rejects the proxy's key: the proxy answers 401 (a wrong key to the proxy itself
gets 400 "No connected db" when it runs without a database, as here)."""

import asyncio

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

    def streaming(self, *args, **kwargs):
        _refuse_if_asked(kwargs.get("model"))
        yield from self._pieces(kwargs.get("messages"))

    async def astreaming(self, *args, **kwargs):
        _refuse_if_asked(kwargs.get("model"))
        for chunk in self._pieces(kwargs.get("messages")):
            yield chunk
            await asyncio.sleep(PAUSE_S)


handler = FamiliarHandler()
