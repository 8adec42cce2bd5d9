//! Long conversations: the budget keeps the newest turns, older ones fold into a bounded summary.

use familiar_chat::{History, HistoryConfig, TokenBudget};

fn question(n: usize) -> String {
    format!(
        "Question {n}: how does flanking work when my ally is grabbed and prone at the same time?"
    )
}

fn answer(n: usize) -> String {
    format!("Answer {n}. You are off-guard to creatures flanking you (Flanking). Then a longer explanation follows here.")
}

fn fill(history: &mut History, count: usize, budget: &TokenBudget) {
    for n in 0..count {
        history.push(&question(n), &answer(n));
        if n % 10 == 0 {
            // The prompt is built between questions; that is where folding by budget happens.
            history.context(budget, 1_500);
        }
    }
}

#[test]
fn thousand_and_ten_thousand_messages_stay_bounded() {
    let budget = TokenBudget::for_model("gpt-4o", None, 1_024);
    let config = HistoryConfig::default();
    let mut after_1k = History::new(config);
    fill(&mut after_1k, 500, &budget); // 500 turns = 1,000 messages
    let mut after_10k = History::new(config);
    fill(&mut after_10k, 5_000, &budget); // 10,000 messages

    for history in [&mut after_1k, &mut after_10k] {
        assert!(history.turns().len() <= config.max_turns);
        assert!(history.summary().len() <= config.max_summary_chars + 64);
        let context = history.context(&budget, 1_500);
        let newest = context.turns.last().expect("recent turns are kept");
        assert!(
            newest.question.starts_with("Question 4")
                || newest.question.starts_with("Question 499")
        );
        assert!(context
            .summary
            .unwrap()
            .contains("earlier questions not shown"));
    }
    let last = after_10k.turns().last().unwrap();
    assert!(last.question.starts_with("Question 4999"));
    // Memory does not grow with the conversation: ten times the messages, about the same bytes.
    let (small, large) = (after_1k.approx_bytes(), after_10k.approx_bytes());
    assert!(
        large <= small + small / 4,
        "1k: {small} bytes, 10k: {large} bytes"
    );
    assert!(large < 64 * 1024, "{large} bytes");
}

#[test]
fn a_small_context_window_keeps_fewer_turns_and_fits() {
    let budget = TokenBudget::for_model("SmolLM2-135M-Instruct", None, 256);
    assert_eq!(budget.context_tokens, 2_048);
    let mut history = History::new(HistoryConfig::default());
    for n in 0..100 {
        history.push(&question(n), &answer(n));
    }
    let fixed = 1_200;
    let context = history.context(&budget, fixed);
    let turns = context.turns.to_vec();
    let summary = context.summary.unwrap_or("").to_string();
    let used: u32 = turns
        .iter()
        .map(|t| history.estimate_tokens(&t.question) + history.estimate_tokens(&t.answer))
        .sum::<u32>()
        + history.estimate_tokens(&summary);
    assert!(used <= budget.left_for_history(fixed), "{used} tokens");
    assert!(turns.len() < 40 && !turns.is_empty());
    assert_eq!(turns.last().unwrap().question, question(99));
}

#[test]
fn summary_lines_are_short_and_in_order() {
    let mut history = History::new(HistoryConfig {
        max_turns: 2,
        ..HistoryConfig::default()
    });
    for n in 0..4 {
        history.push(&question(n), &answer(n));
    }
    let lines: Vec<&str> = history.summary().lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("- Q: Question 0") && lines[0].contains("→ A: Answer 0."));
    assert!(lines[1].starts_with("- Q: Question 1"));
}

#[test]
fn provider_usage_calibrates_estimates() {
    let mut history = History::new(HistoryConfig::default());
    let text = "x".repeat(400);
    let before = history.estimate_tokens(&text);
    for _ in 0..20 {
        history.record_usage(4_000, 1_500);
    }
    let after = history.estimate_tokens(&text);
    assert!(
        after > before && (1.4..=1.6).contains(&history.token_scale()),
        "{before} → {after}"
    );
    history.record_usage(0, 10);
    history.record_usage(10, 0);
    assert!((1.4..=1.6).contains(&history.token_scale()));
}

#[test]
fn huge_turns_are_cut() {
    let mut history = History::new(HistoryConfig::default());
    history.push(&"q".repeat(1_000_000), "a");
    assert_eq!(
        history.turns()[0].question.len(),
        HistoryConfig::default().max_turn_chars
    );
}
