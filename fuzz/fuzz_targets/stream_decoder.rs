//! A provider's streamed response body (SSE framing, then OpenAI or Anthropic chunks) → answer events.
//! Invariants: the events do not depend on how the body was cut into chunks; exactly one terminal event comes last
//! (at most one `Usage`, right before `Finish`); nothing is emitted after it; the text is bounded by the body.
#![no_main]

use familiar_chat::sse::SseFramer;
use familiar_chat::{Api, StreamDecoder, StreamEvent};
use libfuzzer_sys::fuzz_target;

fn decode(api: Api, chunks: &[&[u8]]) -> Vec<StreamEvent> {
    let mut decoder = StreamDecoder::new(api);
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(decoder.feed(chunk));
    }
    events.extend(decoder.end());
    assert!(decoder.is_terminated());
    assert!(
        decoder.feed(b"data: {}\n\n").is_empty(),
        "an event after the terminal one"
    );
    events
}

/// Cuts `body` at the offsets the fuzzer chose (each byte of `cuts` is a chunk length).
fn split<'a>(body: &'a [u8], cuts: &[u8]) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = body;
    for &length in cuts {
        let at = usize::from(length).min(rest.len());
        let (head, tail) = rest.split_at(at);
        chunks.push(head);
        rest = tail;
    }
    chunks.push(rest);
    chunks
}

fuzz_target!(|data: &[u8]| {
    let Some((&header, rest)) = data.split_first() else {
        return;
    };
    let api = if header & 1 == 0 {
        Api::OpenAi
    } else {
        Api::Anthropic
    };
    let cut_count = usize::from(header >> 1).min(rest.len());
    let (cuts, body) = rest.split_at(cut_count);

    let whole = decode(api, &[body]);
    let chunked = decode(api, &split(body, cuts));
    let bytewise: Vec<&[u8]> = body.chunks(1).collect();
    assert_eq!(whole, chunked, "chunking changed the events");
    assert_eq!(
        whole,
        decode(api, &bytewise),
        "byte-by-byte feeding changed the events"
    );

    let (last, before) = whole.split_last().expect("a terminal event");
    assert!(matches!(
        last,
        StreamEvent::Finish { .. } | StreamEvent::Error { .. }
    ));
    for (index, event) in before.iter().enumerate() {
        match event {
            StreamEvent::TextDelta { .. } => {}
            StreamEvent::Usage(_) => {
                assert_eq!(index, before.len() - 1, "usage not right before the finish");
                assert!(
                    matches!(last, StreamEvent::Finish { .. }),
                    "usage before an error"
                );
            }
            other => panic!("{other:?} before the end"),
        }
    }
    // Lossy UTF-8 may turn one byte into U+FFFD (three bytes); JSON escapes only shrink.
    let text_bytes: usize = whole
        .iter()
        .map(|event| match event {
            StreamEvent::TextDelta { text } => text.len(),
            _ => 0,
        })
        .sum();
    assert!(
        text_bytes <= 3 * body.len(),
        "{text_bytes} bytes of text from {}",
        body.len()
    );

    // The framer alone: the same events whatever the chunking.
    let mut framer = SseFramer::default();
    let mut framed = framer.push(body);
    framed.extend(framer.end());
    let mut framer = SseFramer::default();
    let mut framed_bytewise = Vec::new();
    for chunk in body.chunks(1) {
        framed_bytewise.extend(framer.push(chunk));
    }
    framed_bytewise.extend(framer.end());
    assert_eq!(framed, framed_bytewise, "chunking changed the SSE events");
});
