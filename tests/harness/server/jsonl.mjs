// Stream a JSON Lines file once and remember each line's byte offset and length, so documents
// can be read back on demand without holding a 30 MB bestiary in memory.
import fs from "node:fs";

/** Calls onLine(obj, offset, length) for every non-empty line; malformed lines are reported, not fatal. */
export async function scanJsonl(file, onLine, onBadLine = () => {}) {
  let offset = 0; // byte offset of the start of the pending line
  let pending = [];
  let pendingLength = 0;
  let lineNo = 0;
  const flush = (buf) => {
    lineNo += 1;
    const start = offset;
    offset += buf.length + 1;
    const text = buf.toString("utf8").trim();
    if (!text) return;
    try {
      onLine(JSON.parse(text), start, buf.length);
    } catch (err) {
      onBadLine(lineNo, err);
    }
  };
  for await (const chunk of fs.createReadStream(file)) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      const piece = chunk.subarray(from, nl);
      const line = pending.length ? Buffer.concat([...pending, piece], pendingLength + piece.length) : piece;
      pending = [];
      pendingLength = 0;
      flush(line);
      from = nl + 1;
    }
    if (from < chunk.length) {
      const rest = chunk.subarray(from);
      pending.push(Buffer.from(rest));
      pendingLength += rest.length;
    }
  }
  if (pendingLength) flush(Buffer.concat(pending, pendingLength));
}

/** Read one line back by offset. Keeps one handle per file open for the server's lifetime. */
export class LineReader {
  constructor() {
    this.handles = new Map();
  }

  async read(file, offset, length) {
    // Keep the opening promise, so concurrent first reads share one handle instead of leaking extras.
    let opening = this.handles.get(file);
    if (!opening) {
      opening = fs.promises.open(file, "r");
      this.handles.set(file, opening);
    }
    const handle = await opening;
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, offset);
    return JSON.parse(buf.toString("utf8"));
  }

  async close() {
    for (const opening of this.handles.values()) await (await opening).close();
    this.handles.clear();
  }
}
