//! The Ask view's saved history: records as the browser stores them, checked when read back (malformed ones
//! skipped), bounded in count and bytes however many exchanges a user makes, paged for display, exported as Markdown.

use familiar_chat::transcript::RECORD_VERSION;
use familiar_chat::{
    Exchange, ExportLabels, RecordError, SavedCitation, Transcript, TranscriptBounds,
};
use serde_json::{json, Value};

const GRABBED: &str = "Compendium.pf2e.conditionitems.Item.kWc1fhmv9LBiTuei";

fn exchange(n: usize, answer_chars: usize) -> Exchange {
    Exchange {
        v: RECORD_VERSION,
        question: format!("Question {n}: can I Step while grabbed?"),
        answer: format!("No [{n}]: @UUID[{GRABBED}]{{Grabbed}} stops it. ")
            + &"x".repeat(answer_chars),
        citations: vec![SavedCitation {
            uuid: GRABBED.to_string(),
            name: "Grabbed".to_string(),
        }],
        provider: Some("OpenAI".to_string()),
        offline: None,
        at: 1_700_000_000_000 + n as u64 * 60_000,
    }
}

/// What the browser reads back: each record through JSON, as IndexedDB's plain objects become serde values.
fn restore(records: &[Value]) -> (Transcript, usize) {
    Transcript::restore(
        TranscriptBounds::default(),
        records
            .iter()
            .map(|record| serde_json::from_value::<Exchange>(record.clone())),
    )
}

fn questions(transcript: &Transcript) -> Vec<&str> {
    transcript
        .iter()
        .map(|exchange| exchange.question.as_str())
        .collect()
}

#[test]
fn records_round_trip_through_their_stored_form() {
    let mut transcript = Transcript::new(TranscriptBounds::default());
    transcript.push(exchange(1, 10)).unwrap();
    let offline = Exchange {
        provider: None,
        offline: Some("No AI provider is set up.".to_string()),
        answer: String::new(),
        ..exchange(2, 0)
    };
    transcript.push(offline).unwrap();
    let stored: Vec<Value> = transcript
        .iter()
        .map(|exchange| serde_json::to_value(exchange).unwrap())
        .collect();
    assert_eq!(stored[0]["v"], json!(1));
    assert_eq!(
        stored[0]["citations"],
        json!([{"uuid": GRABBED, "name": "Grabbed"}])
    );
    assert_eq!(stored[1]["provider"], Value::Null);
    let (restored, skipped) = restore(&stored);
    assert_eq!(skipped, 0);
    assert_eq!(
        restored.iter().collect::<Vec<_>>(),
        transcript.iter().collect::<Vec<_>>()
    );
    assert_eq!(restored.bytes(), transcript.bytes());
    // The view's new exchanges carry no version: they are this one.
    let mut unversioned = stored[0].clone();
    unversioned.as_object_mut().unwrap().remove("v");
    let (restored, skipped) = restore(&[unversioned]);
    assert_eq!((restored.len(), skipped), (1, 0));
    assert_eq!(restored.iter().next().unwrap().v, RECORD_VERSION);
}

#[test]
fn malformed_records_are_skipped_and_the_rest_kept_in_order() {
    let good = |n: usize| serde_json::to_value(exchange(n, 0)).unwrap();
    let mut wrong_type = good(90);
    wrong_type["question"] = json!(42);
    let mut newer = good(91);
    newer["v"] = json!(2);
    let mut no_time = good(92);
    no_time.as_object_mut().unwrap().remove("at");
    let mut blank = good(93);
    blank["question"] = json!("   \n ");
    let mut both = good(94);
    both["offline"] = json!("and offline too");
    let mut neither = good(95);
    neither["provider"] = Value::Null;
    let mut bad_citations = good(96);
    bad_citations["citations"] = json!("not a list");
    let mut negative_time = good(97);
    negative_time["at"] = json!(-5);
    let records = vec![
        good(1),
        wrong_type,
        json!("garbage"),
        json!(null),
        json!([1, 2]),
        newer,
        no_time,
        good(2),
        blank,
        both,
        neither,
        bad_citations,
        negative_time,
        good(3),
    ];
    let (transcript, skipped) = restore(&records);
    assert_eq!(skipped, 11);
    assert_eq!(
        questions(&transcript),
        [
            "Question 1: can I Step while grabbed?",
            "Question 2: can I Step while grabbed?",
            "Question 3: can I Step while grabbed?"
        ]
    );
}

#[test]
fn why_a_record_is_refused() {
    let mut transcript = Transcript::new(TranscriptBounds::default());
    let refused = |exchange: Exchange| {
        Transcript::new(TranscriptBounds::default())
            .push(exchange)
            .unwrap_err()
    };
    assert_eq!(
        refused(Exchange {
            v: 7,
            ..exchange(1, 0)
        }),
        RecordError::Version(7)
    );
    assert_eq!(
        refused(Exchange {
            question: " ".into(),
            ..exchange(1, 0)
        }),
        RecordError::EmptyQuestion
    );
    assert_eq!(
        refused(Exchange {
            provider: Some("  ".into()),
            ..exchange(1, 0)
        }),
        RecordError::Source
    );
    assert_eq!(
        refused(Exchange {
            offline: Some("why".into()),
            ..exchange(1, 0)
        }),
        RecordError::Source
    );
    let tiny = TranscriptBounds {
        max_bytes: 200,
        ..TranscriptBounds::default()
    };
    let error = Transcript::new(tiny).push(exchange(1, 500)).unwrap_err();
    assert!(
        matches!(error, RecordError::TooLarge { max: 200, .. }),
        "{error:?}"
    );
    transcript.push(exchange(1, 0)).unwrap();
    assert_eq!(transcript.len(), 1);
}

#[test]
fn long_text_is_cut_and_citations_that_are_not_document_links_are_dropped() {
    let bounds = TranscriptBounds::default();
    let mut transcript = Transcript::new(bounds);
    let citation = |uuid: &str, name: &str| SavedCitation {
        uuid: uuid.to_string(),
        name: name.to_string(),
    };
    let mut citations = vec![
        citation("javascript:alert(1)", "evil"),
        citation("Compendium.x.y.Item.z\" onclick=\"alert(1)", "evil"),
        citation("", "empty"),
        citation(GRABBED, &"N".repeat(1_000)),
    ];
    citations
        .extend((0..100).map(|n| citation(&format!("Compendium.pf2e.rules.Item.r{n}"), "Rule")));
    transcript
        .push(Exchange {
            question: format!("  {}  ", "q".repeat(5_000)),
            answer: "é".repeat(100_000),
            provider: Some("P".repeat(1_000)),
            citations,
            ..exchange(1, 0)
        })
        .unwrap();
    let kept = transcript.iter().next().unwrap();
    assert_eq!(kept.question.chars().count(), bounds.max_question_chars);
    assert_eq!(kept.answer.chars().count(), bounds.max_answer_chars);
    assert_eq!(
        kept.provider.as_ref().unwrap().chars().count(),
        bounds.max_label_chars
    );
    assert_eq!(kept.citations.len(), bounds.max_citations);
    assert_eq!(kept.citations[0].uuid, GRABBED);
    assert_eq!(
        kept.citations[0].name.chars().count(),
        bounds.max_label_chars
    );
    assert_eq!(kept.citations[1].uuid, "Compendium.pf2e.rules.Item.r0");
    assert_eq!(transcript.bytes(), kept.stored_bytes());
}

/// The newest exchanges within both caps, whatever was pushed before them.
fn assert_bounded(transcript: &Transcript, pushed: usize) {
    let bounds = transcript.bounds();
    assert!(
        transcript.len() <= bounds.max_exchanges,
        "{} exchanges",
        transcript.len()
    );
    assert!(
        transcript.bytes() <= bounds.max_bytes,
        "{} bytes",
        transcript.bytes()
    );
    let newest = transcript.iter().next_back().unwrap();
    assert!(newest
        .question
        .starts_with(&format!("Question {}:", pushed - 1)));
    let counted: usize = transcript.iter().map(Exchange::stored_bytes).sum();
    assert_eq!(transcript.bytes(), counted);
    // Consecutive: only the oldest were dropped.
    let first = pushed - transcript.len();
    for (offset, exchange) in transcript.iter().enumerate() {
        assert!(exchange
            .question
            .starts_with(&format!("Question {}:", first + offset)));
    }
}

#[test]
fn a_thousand_and_ten_thousand_exchanges_stay_within_the_count_cap() {
    for total in [1_000, 10_000] {
        let mut transcript = Transcript::new(TranscriptBounds::default());
        for n in 0..total {
            transcript.push(exchange(n, 300)).unwrap();
        }
        assert_eq!(transcript.len(), 500);
        assert_bounded(&transcript, total);
    }
}

#[test]
fn long_answers_are_held_by_the_byte_cap() {
    for total in [1_000, 10_000] {
        let mut transcript = Transcript::new(TranscriptBounds::default());
        for n in 0..total {
            transcript.push(exchange(n, 30_000)).unwrap();
        }
        assert!(
            transcript.len() < 500,
            "the byte cap binds first: {}",
            transcript.len()
        );
        assert!(
            transcript.len() > 60,
            "a 2 MiB history holds dozens of long answers: {}",
            transcript.len()
        );
        assert_bounded(&transcript, total);
    }
}

#[test]
fn restoring_more_than_the_bounds_keeps_the_newest() {
    let records: Vec<Value> = (0..10_000)
        .map(|n| serde_json::to_value(exchange(n, 50)).unwrap())
        .collect();
    let (transcript, skipped) = restore(&records);
    assert_eq!(skipped, 0, "dropped for the bounds is not skipped");
    assert_eq!(transcript.len(), 500);
    assert_bounded(&transcript, 10_000);
}

#[test]
fn pages_walk_back_from_the_newest() {
    let mut transcript = Transcript::new(TranscriptBounds::default());
    for n in 0..7 {
        transcript.push(exchange(n, 0)).unwrap();
    }
    let page = |end, count| {
        transcript
            .page(end, count)
            .map(|e| e.at)
            .collect::<Vec<_>>()
    };
    let at = |n: u64| 1_700_000_000_000 + n * 60_000;
    assert_eq!(page(7, 3), [at(4), at(5), at(6)]);
    assert_eq!(page(4, 3), [at(1), at(2), at(3)]);
    assert_eq!(page(1, 3), [at(0)]);
    assert_eq!(page(0, 3), Vec::<u64>::new());
    assert_eq!(
        page(100, 2),
        [at(5), at(6)],
        "an end past the history is its end"
    );
    transcript.clear();
    assert!(transcript.is_empty());
    assert_eq!(transcript.bytes(), 0);
}

fn labels() -> ExportLabels {
    ExportLabels {
        title: "Familiar — Ask history".into(),
        answered_by: "Answered by {provider}".into(),
        offline: "Offline answer".into(),
        sources: "Sources".into(),
    }
}

#[test]
fn the_export_is_markdown_with_one_section_per_exchange() {
    let mut transcript = Transcript::new(TranscriptBounds::default());
    transcript.push(exchange(1, 0)).unwrap();
    transcript
        .push(Exchange {
            question: "What if *nobody* answers?".into(),
            answer: String::new(),
            provider: None,
            offline: Some("No GM is online.".into()),
            ..exchange(2, 0)
        })
        .unwrap();
    let expected = format!(
        "# Familiar — Ask history\n\n\
         ## 1. Question 1: can I Step while grabbed?\n\n\
         _2023-11-14 22:14 UTC · Answered by OpenAI_\n\n\
         No [1]: *Grabbed* stops it.\n\n\
         **Sources**\n\n\
         - Grabbed (`{GRABBED}`)\n\n\
         ## 2. What if \\*nobody\\* answers?\n\n\
         _2023-11-14 22:15 UTC · Offline answer: No GM is online._\n\n\
         **Sources**\n\n\
         - Grabbed (`{GRABBED}`)\n\n"
    );
    assert_eq!(transcript.to_markdown(&labels()), expected);
}

#[test]
fn hostile_questions_and_answers_export_as_text() {
    let mut transcript = Transcript::new(TranscriptBounds::default());
    transcript
        .push(Exchange {
            question: "<script>alert(1)</script>\n# heading [x](javascript:alert(2))".into(),
            answer: "<img src=x onerror=alert(3)> @UUID[bad\" onclick=x]{y}".into(),
            provider: Some("<b>p</b>".into()),
            citations: vec![SavedCitation {
                uuid: GRABBED.into(),
                name: "[n](javascript:alert(4))".into(),
            }],
            ..exchange(1, 0)
        })
        .unwrap();
    let markdown = transcript.to_markdown(&labels());
    assert!(
        markdown.contains(
            "## 1. \\<script\\>alert(1)\\</script\\> \\# heading \\[x\\](javascript:alert(2))\n"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("&lt;img src=x onerror=alert(3)> @UUID[bad\" onclick=x]{y}\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("Answered by \\<b\\>p\\</b\\>"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- \\[n\\](javascript:alert(4)) (`"),
        "{markdown}"
    );
    // A Markdown viewer that passes raw HTML through (CommonMark's default) finds none in the file.
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&markdown));
    for tag in ["<script", "<img", "<b>", "href="] {
        assert!(!html.contains(tag), "{tag} in {html}");
    }
}

#[test]
fn a_conversation_picks_up_the_newest_answered_turns_with_links_as_names() {
    let mut transcript = Transcript::new(TranscriptBounds::default());
    for n in 0..5 {
        transcript.push(exchange(n, 0)).unwrap();
    }
    let offline = Exchange {
        provider: None,
        offline: Some("no GM".into()),
        ..exchange(5, 0)
    };
    transcript.push(offline).unwrap();
    let recent = transcript.recent_answered(3);
    let at = |n: u64| 1_700_000_000_000 + n * 60_000;
    assert_eq!(
        recent.iter().map(|e| e.at).collect::<Vec<_>>(),
        [at(2), at(3), at(4)],
        "offline answers are left out"
    );
    assert_eq!(
        recent[0].answer_with_names(),
        "No [2]: (Grabbed) stops it. "
    );
    assert_eq!(transcript.recent_answered(100).len(), 5);
    let odd = Exchange {
        answer: "@UUID[bad target]{x} and @UUID[Compendium.a.b.Item.c] @".into(),
        ..exchange(9, 0)
    };
    assert_eq!(odd.answer_with_names(), "@UUID[bad target]{x} and (c) @");
}

#[test]
fn the_retention_purge_drops_exactly_the_exchanges_older_than_the_cutoff() {
    let mut transcript = Transcript::new(TranscriptBounds::default());
    for n in 1..=5 {
        transcript.push(exchange(n, 100)).unwrap();
    }
    let bytes_of_newest_two: usize = transcript.iter().skip(3).map(Exchange::stored_bytes).sum();
    // Exchange 4 is saved exactly at the cutoff and stays; 1–3 are older and go.
    let cutoff = exchange(4, 0).at;
    assert_eq!(transcript.purge_before(cutoff), 3);
    assert_eq!(
        questions(&transcript),
        [
            "Question 4: can I Step while grabbed?",
            "Question 5: can I Step while grabbed?"
        ]
    );
    assert_eq!(transcript.bytes(), bytes_of_newest_two);
    assert_eq!(transcript.purge_before(cutoff), 0);
    assert_eq!(transcript.purge_before(u64::MAX), 2);
    assert!(transcript.is_empty());
    assert_eq!(transcript.bytes(), 0);
}
