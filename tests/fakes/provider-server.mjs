// A fake AI provider for Familiar's tests: OpenAI Chat Completions and Anthropic Messages, both streaming, plus
// GET /models. Node only, no packages. Faults are scripted by the model name:
//   ok | 500 | 429 | 529 | 401 | 404 | timeout | trickle | drop | malformed | stall | error-event
// with an optional "xN" suffix meaning "fail the first N requests for this model, then answer" (e.g. "500x1").
// Tool-calling models (issue #22), in both formats, arguments cut every 3 characters (calls interleaved in OpenAI's):
//   tools       calls every read-only tool in its first reply, then answers from the results
//   tools-loop  calls search_rules in every reply that offers tools; answers once one does not
//   tools-bad   first an unknown tool, arguments out of range and arguments that are not JSON; then answers
//   tools-fail2 calls rate_encounter in its first reply, then fails every request (500)
//   no-tools    refuses a request that offers tools (400, as Ollama says it) and answers the others
// A query-rewriting model (issue #20): asked for rule names (the rewrite's system prompt), it answers
//   rewrite     "1. **Escape**" and "2. Not A Rule" (one name the home corpora hold, one they do not); else as ok
// Any path prefix works ("/primary/v1/chat/completions"), so one server can play several providers.
// Usage: node tests/fakes/provider-server.mjs --port 0   → prints the chosen port alone on its first stdout line.
// It exits when its stdin closes, so a test that dies cannot leave it running.
import http from "node:http";

const argv = process.argv.slice(2);
const portArg = argv.indexOf("--port");
const port = portArg >= 0 ? Number(argv[portArg + 1]) : 0;

const counts = new Map();
const log = [];
const hanging = new Set();

const json = (res, status, body, headers = {}) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
};

const answerText = (model, path) =>
  `Answer from ${path.split("/")[1]} (${model}): no, you can't Step while grabbed [1]. Unrelated [9].`;

// The answer in pieces, as providers send it (a few characters a delta).
const pieces = (text) => text.match(/.{1,6}/gs) ?? [];

function openaiEvents(text) {
  const chunk = (delta, finish = null) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  return [
    chunk({ role: "assistant", content: "" }),
    ...pieces(text).map((p) => chunk({ content: p })),
    chunk({}, "stop"),
    `data: ${JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 } })}\n\n`,
    "data: [DONE]\n\n",
  ];
}

function anthropicEvents(text) {
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  return [
    event("message_start", { message: { id: "m1", role: "assistant", usage: { input_tokens: 50, output_tokens: 1 } } }),
    event("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
    event("ping", {}),
    ...pieces(text).map((p) => event("content_block_delta", { index: 0, delta: { type: "text_delta", text: p } })),
    event("content_block_stop", { index: 0 }),
    event("message_delta", { delta: { stop_reason: "end_turn" }, usage: { output_tokens: 20 } }),
    event("message_stop", {}),
  ];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const offeredTools = (body) => (body.tools ?? []).map((tool) => tool.function?.name ?? tool.name);

const parsed = (text) => {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

// The tool results a request carries: OpenAI `role: "tool"` messages, Anthropic `tool_result` blocks.
function toolResults(body) {
  const results = [];
  for (const message of body.messages ?? []) {
    if (message.role === "tool") results.push({ id: message.tool_call_id, content: parsed(message.content) });
    if (Array.isArray(message.content)) {
      for (const block of message.content) {
        if (block.type === "tool_result") results.push({ id: block.tool_use_id, content: parsed(block.content), isError: block.is_error === true });
      }
    }
  }
  return results;
}

const cut = (text, size) => text.match(new RegExp(`.{1,${size}}`, "gs")) ?? [""];

function openaiToolEvents(text, calls) {
  const chunk = (delta, finish = null) =>
    `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const events = [chunk({ role: "assistant", content: "" }), ...pieces(text).map((p) => chunk({ content: p }))];
  calls.forEach((call, index) =>
    events.push(chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] })),
  );
  const parts = calls.map((call) => cut(call.arguments, 3));
  for (let round = 0; round < Math.max(0, ...parts.map((p) => p.length)); round++) {
    parts.forEach((list, index) => {
      if (round < list.length) events.push(chunk({ tool_calls: [{ index, function: { arguments: list[round] } }] }));
    });
  }
  events.push(chunk({}, calls.length ? "tool_calls" : "stop"));
  events.push(`data: ${JSON.stringify({ id: "c1", choices: [], usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 } })}\n\n`);
  events.push("data: [DONE]\n\n");
  return events;
}

function anthropicToolEvents(text, calls) {
  const event = (type, data) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const events = [event("message_start", { message: { id: "m1", role: "assistant", usage: { input_tokens: 50, output_tokens: 1 } } })];
  let index = 0;
  if (text) {
    events.push(event("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const p of pieces(text)) events.push(event("content_block_delta", { index, delta: { type: "text_delta", text: p } }));
    events.push(event("content_block_stop", { index }));
    index++;
  }
  for (const call of calls) {
    events.push(event("content_block_start", { index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } }));
    for (const part of cut(call.arguments, 3)) {
      events.push(event("content_block_delta", { index, delta: { type: "input_json_delta", partial_json: part } }));
    }
    events.push(event("content_block_stop", { index }));
    index++;
  }
  events.push(event("message_delta", { delta: { stop_reason: calls.length ? "tool_use" : "end_turn" }, usage: { output_tokens: 20 } }));
  events.push(event("message_stop", {}));
  return events;
}

const toolCall = (id, name, args) => ({ id, name, arguments: typeof args === "string" ? args : JSON.stringify(args) });

// What a tool-calling model replies to this request: `{text, calls}`, or `{status, message}` for an error.
function toolReply(model, body, count, provider) {
  const offered = offeredTools(body);
  const results = toolResults(body);
  const find = (key) => results.map((r) => r.content).find((c) => c && typeof c === "object" && key in c);
  switch (model) {
    case "no-tools":
      if (offered.length) return { status: 400, message: "registry.ollama.ai/library/tiny does not support tools" };
      return { text: `Answer from ${provider} (no-tools): no, you can't Step while grabbed [1].`, calls: [] };
    case "tools-fail2":
      if (count > 1) return { status: 500, message: "internal error (scripted)" };
      return { text: "", calls: [toolCall("call_rate", "rate_encounter", { party_level: 4, party_size: 4, creatures: [{ level: 5 }, { level: 3 }, { level: 3 }] })] };
    case "tools-loop":
      if (offered.length) return { text: "", calls: [toolCall(`call_${results.length}`, "search_rules", { query: "grabbed" })] };
      // The last request offers no tools and carries the calls as text ("[called search_rules {...}]").
      return { text: `Stopped after ${JSON.stringify(body.messages).split("[called ").length - 1} lookups [1].`, calls: [] };
    case "tools-bad":
      if (!results.length) {
        return {
          text: "",
          calls: [
            toolCall("call_x", "cast_fireball", { rank: 3 }),
            toolCall("call_top", "search_rules", { query: "grabbed", top: 9 }),
            toolCall("call_json", "rate_encounter", '{"party_level": 4, "party_size": '),
          ],
        };
      }
      return { text: `Errors read: ${results.filter((r) => r.content?.error).length} [1].`, calls: [] };
    default: {
      if (!results.length && offered.includes("search_rules")) {
        return {
          text: "Let me check.",
          calls: [
            toolCall("call_search", "search_rules", { query: "grabbed", top: 3 }),
            toolCall("call_read", "read_rule", { uuid: "Compendium.home.rules.Item.grabbed" }),
            toolCall("call_rate", "rate_encounter", { party_level: 4, party_size: 4, creatures: [{ level: 5 }, { level: 3 }, { level: 3 }] }),
            toolCall("call_generate", "generate_encounter", { party_level: 2, party_size: 4, threat: "low", count: 2 }),
            toolCall("call_build", "build_creature", { level: 6, roadmap: "brute", adjustment: "elite", seed: 7 }),
          ],
        };
      }
      const rating = find("totalXP");
      const search = find("results");
      const built = find("strikes");
      const cite = search?.results?.[0]?.cite ?? 1;
      return {
        text: `Answer from ${provider} (tools): ${rating?.totalXP} XP, ${rating?.rating} [${cite}]. Built ${built?.name} with ${built?.hp} HP.`,
        calls: [],
      };
    }
  }
}

function errorBody(anthropic, type, message) {
  return anthropic ? { type: "error", error: { type, message } } : { error: { message, type } };
}

async function chat(req, res, path, anthropic, body) {
  const model = String(body.model ?? "");
  const match = /^(.*?)(?:x(\d+))?$/.exec(model);
  const count = (counts.get(model) ?? 0) + 1;
  counts.set(model, count);
  let fault = match[1];
  if (match[2] !== undefined && count > Number(match[2])) fault = "ok";
  const key = anthropic ? req.headers["x-api-key"] : (req.headers.authorization ?? "").replace(/^Bearer /, "");
  const entry = {
    path,
    model,
    stream: body.stream === true,
    includeUsage: body.stream_options?.include_usage === true,
    hasKey: Boolean(key),
    anthropicVersion: req.headers["anthropic-version"] ?? null,
    browserAccess: req.headers["anthropic-dangerous-direct-browser-access"] ?? null,
    // The conversation as sent, one "role: text" line a message (the system prompt is not among them).
    messages: (body.messages ?? []).filter((m) => m.role !== "system").map((m) => `${m.role}: ${typeof m.content === "string" ? m.content : JSON.stringify(m.content)}`),
    // The provider's own time, from the request's last byte to the response's last (for the relay's overhead).
    ms: null,
    // The tools the request offered and the tool results it carried (issue #22).
    tools: offeredTools(body),
    toolResults: toolResults(body),
    maxTokens: body.max_tokens ?? null,
  };
  log.push(entry);
  const started = performance.now();
  res.on("close", () => (entry.ms = performance.now() - started));
  if (!key) return json(res, 401, errorBody(anthropic, "authentication_error", "missing API key"));
  const system = anthropic ? String(body.system ?? "") : String(body.messages?.find((m) => m.role === "system")?.content ?? "");
  const rewriting = fault === "rewrite" && system.startsWith("You map a player's question");
  const text = rewriting ? "1. **Escape**\n2. Not A Rule\n" : answerText(model, path);
  if (fault === "rewrite") fault = "ok";
  const events = (anthropic ? anthropicEvents : openaiEvents)(text);
  const sse = () => res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  if (fault.startsWith("tools") || fault === "no-tools") {
    const reply = toolReply(fault, body, count, path.split("/")[1]);
    if (reply.status) return json(res, reply.status, errorBody(anthropic, "invalid_request_error", reply.message));
    sse();
    const all = (anthropic ? anthropicToolEvents : openaiToolEvents)(reply.text, reply.calls).join("");
    for (let i = 0; i < all.length; i += 37) res.write(all.slice(i, i + 37));
    return res.end();
  }
  switch (fault) {
    case "500":
      return json(res, 500, errorBody(anthropic, "api_error", "internal error (scripted)"));
    case "429":
      return json(res, 429, errorBody(anthropic, "rate_limit_error", "slow down (scripted)"), { "retry-after": "1" });
    case "529":
      return json(res, 529, errorBody(anthropic, "overloaded_error", "Overloaded"));
    case "401":
      return json(res, 401, errorBody(anthropic, "authentication_error", "invalid x-api-key"));
    case "404":
      return json(res, 404, errorBody(anthropic, "not_found_error", `model: ${model} does not exist`));
    case "timeout":
      hanging.add(res);
      return; // never answers
    case "stall":
      sse();
      res.write(events[0]);
      res.write(events[1]);
      hanging.add(res);
      return; // then silence
    case "drop":
      sse();
      res.write(events.slice(0, 4).join(""));
      await sleep(20);
      return req.socket.destroy();
    case "malformed":
      sse();
      res.write(events[1]);
      res.write('data: {"choices": [oops\n\n');
      return res.end(events.slice(2).join(""));
    case "error-event":
      sse();
      res.write(events[1]);
      res.write(
        anthropic
          ? `event: error\ndata: ${JSON.stringify(errorBody(true, "overloaded_error", "Overloaded"))}\n\n`
          : `data: ${JSON.stringify({ error: { message: "upstream failed", code: 502 } })}\n\n`,
      );
      return res.end();
    case "trickle":
      sse();
      for (const event of events) {
        res.write(": keep-alive\n\n");
        await sleep(30);
        res.write(event);
      }
      return res.end();
    default:
      sse();
      // Odd chunk boundaries on purpose: the client must not care.
      const all = events.join("");
      for (let i = 0; i < all.length; i += 37) res.write(all.slice(i, i + 37));
      return res.end();
  }
}

const server = http.createServer((req, res) => {
  const path = new URL(req.url, "http://fake").pathname;
  // CORS as hosted providers answer it, so the module's fetch in Chromium can call this server (Retry-After too).
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-expose-headers", "*");
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
      "access-control-max-age": "600",
    });
    return res.end();
  }
  let raw = "";
  req.on("data", (chunk) => (raw += chunk));
  req.on("end", () => {
    if (req.method === "GET" && path === "/_log") return json(res, 200, log);
    if (req.method === "POST" && path === "/_log/clear") return json(res, 200, { cleared: log.splice(0).length });
    if (req.method === "GET" && path.endsWith("/models")) {
      const data = ["ok", "500", "429", "529", "401", "404", "timeout", "trickle", "drop", "malformed", "stall"].map(
        (id) => ({ id, object: "model", type: "model", display_name: `Fake ${id}` }),
      );
      return json(res, 200, { object: "list", data, has_more: false });
    }
    const anthropic = req.method === "POST" && path.endsWith("/messages");
    const openai = req.method === "POST" && path.endsWith("/chat/completions");
    if (!anthropic && !openai) return json(res, 404, { error: { message: `no route ${req.method} ${path}` } });
    let body;
    try {
      body = JSON.parse(raw);
    } catch {
      return json(res, 400, errorBody(anthropic, "invalid_request_error", "body is not JSON"));
    }
    chat(req, res, path, anthropic, body).catch((error) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(error) } });
    });
  });
});

server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
