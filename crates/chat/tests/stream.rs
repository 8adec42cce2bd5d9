//! Stream decoding: any chunking, any line ends, keep-alives, `[DONE]`, in-stream errors, early ends.

use familiar_chat::{Api, FinishReason, StreamDecoder, StreamError, StreamEvent, Usage};
use proptest::prelude::*;

fn decode_chunks(api: Api, chunks: &[&[u8]]) -> Vec<StreamEvent> {
    let mut decoder = StreamDecoder::new(api);
    let mut events = Vec::new();
    for chunk in chunks {
        events.extend(decoder.feed(chunk));
    }
    events.extend(decoder.end());
    events
}

fn decode(api: Api, body: &str) -> Vec<StreamEvent> {
    decode_chunks(api, &[body.as_bytes()])
}

fn delta(text: &str) -> StreamEvent {
    StreamEvent::TextDelta { text: text.into() }
}

fn stop() -> StreamEvent {
    StreamEvent::Finish {
        reason: FinishReason::Stop,
    }
}

const OPENAI: &str = ": keep-alive\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"You can't \"}}]}\n\n\
: still here\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Step [1] — é✓.\"}}]}\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
data: {\"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":9,\"total_tokens\":129}}\n\n\
data: [DONE]\n\n";

const ANTHROPIC: &str = "event: message_start\n\
data: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":88,\"output_tokens\":1}}}\n\n\
event: content_block_start\n\
data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n\
event: ping\n\
data: {\"type\": \"ping\"}\n\n\
event: content_block_delta\n\
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Off-guard \"}}\n\n\
event: content_block_delta\n\
data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"is -2 AC [1].\"}}\n\n\
event: content_block_stop\n\
data: {\"type\":\"content_block_stop\",\"index\":0}\n\n\
event: message_delta\n\
data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":7}}\n\n\
event: message_stop\n\
data: {\"type\":\"message_stop\"}\n\n";

fn openai_expected() -> Vec<StreamEvent> {
    vec![
        delta("You can't "),
        delta("Step [1] — é✓."),
        StreamEvent::Usage(Usage {
            input_tokens: Some(120),
            output_tokens: Some(9),
        }),
        stop(),
    ]
}

fn anthropic_expected() -> Vec<StreamEvent> {
    vec![
        delta("Off-guard "),
        delta("is -2 AC [1]."),
        StreamEvent::Usage(Usage {
            input_tokens: Some(88),
            output_tokens: Some(7),
        }),
        stop(),
    ]
}

#[test]
fn openai_stream_with_comments_usage_and_done() {
    assert_eq!(decode(Api::OpenAi, OPENAI), openai_expected());
}

#[test]
fn anthropic_stream_with_ping_and_usage() {
    assert_eq!(decode(Api::Anthropic, ANTHROPIC), anthropic_expected());
}

#[test]
fn one_byte_at_a_time() {
    let bytes = OPENAI.as_bytes();
    let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(decode_chunks(Api::OpenAi, &chunks), openai_expected());
    let bytes = ANTHROPIC.as_bytes();
    let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
    assert_eq!(decode_chunks(Api::Anthropic, &chunks), anthropic_expected());
}

#[test]
fn crlf_and_cr_line_ends() {
    for ending in ["\r\n", "\r"] {
        assert_eq!(
            decode(Api::OpenAi, &OPENAI.replace('\n', ending)),
            openai_expected()
        );
        assert_eq!(
            decode(Api::Anthropic, &ANTHROPIC.replace('\n', ending)),
            anthropic_expected()
        );
    }
}

#[test]
fn finish_without_done_is_a_whole_answer() {
    let body = OPENAI.replace("data: [DONE]\n\n", "");
    assert_eq!(decode(Api::OpenAi, &body), openai_expected());
}

#[test]
fn done_without_finish_reason_is_a_stop() {
    let body =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: [DONE]\n\n";
    assert_eq!(decode(Api::OpenAi, body), vec![delta("Hi"), stop()]);
}

#[test]
fn stream_ending_without_finish_is_an_error() {
    let body =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"choi";
    assert_eq!(
        decode(Api::OpenAi, body),
        vec![
            delta("Hi"),
            StreamEvent::Error {
                error: StreamError::EndedEarly
            }
        ]
    );
    let cut = &ANTHROPIC[..ANTHROPIC.find("event: message_delta").unwrap()];
    let events = decode(Api::Anthropic, cut);
    assert_eq!(
        events.last(),
        Some(&StreamEvent::Error {
            error: StreamError::EndedEarly
        })
    );
}

#[test]
fn error_events_inside_the_stream() {
    let openai = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n\
        data: {\"error\":{\"message\":\"upstream overloaded\",\"code\":502}}\n\n\
        data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ignored\"}}]}\n\n";
    assert_eq!(
        decode(Api::OpenAi, openai),
        vec![
            delta("Hi"),
            StreamEvent::Error {
                error: StreamError::Provider {
                    code: "502".into(),
                    message: "upstream overloaded".into()
                }
            }
        ]
    );
    let anthropic = "event: error\n\
        data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
    assert_eq!(
        decode(Api::Anthropic, anthropic),
        vec![StreamEvent::Error {
            error: StreamError::Provider {
                code: "overloaded_error".into(),
                message: "Overloaded".into()
            }
        }]
    );
}

#[test]
fn malformed_chunk_is_an_error_not_a_panic() {
    let body =
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {not json\n\n";
    let events = decode(Api::OpenAi, body);
    assert!(matches!(
        events.last(),
        Some(StreamEvent::Error {
            error: StreamError::Malformed(_)
        })
    ));
}

#[test]
fn nothing_after_the_terminal_event() {
    let mut decoder = StreamDecoder::new(Api::OpenAi);
    let events = decoder.feed(b"data: [DONE]\n\n");
    assert_eq!(events, vec![stop()]);
    assert!(decoder.is_terminated());
    assert!(decoder
        .feed(b"data: {\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n")
        .is_empty());
    assert!(decoder.end().is_empty());
}

/// Splits `bytes` at the given cut points (sorted, deduplicated, in range).
fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.sort_unstable();
    points.dedup();
    let mut chunks = Vec::new();
    let mut start = 0;
    for point in points {
        chunks.push(bytes[start..point].to_vec());
        start = point;
    }
    chunks.push(bytes[start..].to_vec());
    chunks
}

fn with_line_ends(text: &str, ends: &[u8]) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = text.split('\n').collect();
    for (index, line) in lines.iter().enumerate() {
        out.push_str(line);
        if index + 1 == lines.len() {
            break;
        }
        let ending = match ends[index % ends.len()] % 3 {
            0 => "\n",
            1 => "\r\n",
            _ => "\r",
        };
        // A CR then an empty line ended by LF would read as one CRLF: the stream itself would change.
        let after_bare_cr = line.is_empty() && out.ends_with('\r') && !out.ends_with("\r\n");
        out.push_str(if after_bare_cr && ending == "\n" {
            "\r"
        } else {
            ending
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn any_split_parses_to_the_same_events(cuts in prop::collection::vec(any::<usize>(), 0..12)) {
        for (api, body, expected) in [
            (Api::OpenAi, OPENAI, openai_expected()),
            (Api::Anthropic, ANTHROPIC, anthropic_expected()),
        ] {
            let chunks = split(body.as_bytes(), &cuts);
            let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            prop_assert_eq!(decode_chunks(api, &refs), expected);
        }
    }

    #[test]
    fn any_mix_of_line_ends_and_any_split(
        ends in prop::collection::vec(any::<u8>(), 1..40),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        for (api, body, expected) in [
            (Api::OpenAi, OPENAI, openai_expected()),
            (Api::Anthropic, ANTHROPIC, anthropic_expected()),
        ] {
            let mixed = with_line_ends(body, &ends);
            let chunks = split(mixed.as_bytes(), &cuts);
            let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
            prop_assert_eq!(decode_chunks(api, &refs), expected);
        }
    }

    /// Fuzz: arbitrary bytes in arbitrary chunks never panic and always end with exactly one terminal event.
    #[test]
    fn arbitrary_bytes_end_in_one_terminal_event(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
        anthropic in any::<bool>(),
    ) {
        let api = if anthropic { Api::Anthropic } else { Api::OpenAi };
        let chunks = split(&bytes, &cuts);
        let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let events = decode_chunks(api, &refs);
        let terminals = events
            .iter()
            .filter(|e| matches!(e, StreamEvent::Finish { .. } | StreamEvent::Error { .. }))
            .count();
        prop_assert_eq!(terminals, 1);
        let terminal = matches!(events.last(), Some(StreamEvent::Finish { .. } | StreamEvent::Error { .. }));
        prop_assert!(terminal);
    }

    /// Fuzz with stream-shaped input: fragments of real events shuffled together.
    #[test]
    fn shuffled_fragments_never_panic(
        picks in prop::collection::vec(0usize..12, 0..40),
        anthropic in any::<bool>(),
    ) {
        let fragments = [
            "data: ", "event: ", "message_stop", "{\"type\":\"content_block_delta\",\"delta\":{\"text\":\"x\"}}",
            "{\"choices\":[{\"delta\":{\"content\":\"y\"}}]}", "\n", "\r\n", "\r", ": c", "[DONE]", "{\"error\":{}}", "{",
        ];
        let body: String = picks.iter().map(|&i| fragments[i]).collect();
        let api = if anthropic { Api::Anthropic } else { Api::OpenAi };
        let events = decode(api, &body);
        let terminal = matches!(events.last(), Some(StreamEvent::Finish { .. } | StreamEvent::Error { .. }));
        prop_assert!(terminal);
    }
}
