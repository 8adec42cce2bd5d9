//! Server-sent event framing. We use `sse-parse`: its `SseParser` is a sans-IO incremental parser of the WHATWG
//! "interpreting an event stream" algorithm (CR, LF and CRLF even when split across chunks, comments, BOM, lossy
//! UTF-8 per completed line) with a per-block size cap. `eventsource-stream` and `sse-stream` only offer an async
//! `Stream` adapter around a private parser, which a caller that feeds bytes and polls cannot drive.

use sse_parse::SseParser;

pub use sse_parse::Event;

/// One event block may hold at most this many bytes; a bigger one is dropped (and reported) instead of growing memory.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

pub struct SseFramer {
    parser: SseParser,
}

impl Default for SseFramer {
    fn default() -> Self {
        SseFramer {
            parser: SseParser::new().max_buffer(MAX_EVENT_BYTES),
        }
    }
}

impl SseFramer {
    /// Feeds a chunk of any size and returns the events it completed, in order.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.parser.feed(bytes);
        self.drain()
    }

    /// End of body: an unterminated last block is discarded, as the standard says.
    pub fn end(&mut self) -> Vec<Event> {
        self.parser.finish();
        self.drain()
    }

    /// Whether a block was dropped for exceeding [`MAX_EVENT_BYTES`].
    pub fn overflowed(&self) -> bool {
        self.parser.overflows() > 0
    }

    fn drain(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.parser.next_event()).collect()
    }
}
