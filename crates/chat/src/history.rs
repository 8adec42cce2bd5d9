//! Long conversations within a token budget and bounded memory. The prompt keeps the system text, the passages and
//! the most recent turns that fit; older turns are folded into a rolling extractive summary (one short line a turn,
//! oldest lines dropped first). Estimates are characters / 4, scaled by what the provider's `usage` reported.

use serde::Serialize;

/// One question and its answer (with citations already turned into names by [`crate::citations::with_names`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Turn {
    pub question: String,
    pub answer: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryConfig {
    /// Turns kept verbatim at most, whatever the budget (memory bound).
    pub max_turns: usize,
    /// The summary's size cap in characters (memory and prompt bound).
    pub max_summary_chars: usize,
    /// Tokens history may use at most, even with a huge context window (cost bound).
    pub max_history_tokens: u32,
    /// One turn's text kept at most in characters (a pasted novel is cut).
    pub max_turn_chars: usize,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        HistoryConfig {
            max_turns: 40,
            max_summary_chars: 3_000,
            max_history_tokens: 6_000,
            max_turn_chars: 8_000,
        }
    }
}

/// A model's context window and answer allowance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenBudget {
    pub context_tokens: u32,
    pub max_output_tokens: u32,
}

impl TokenBudget {
    /// Known windows by model family; unknown models (often small local ones) get a cautious 8k.
    pub fn for_model(
        model: &str,
        context_override: Option<u32>,
        max_output_tokens: u32,
    ) -> TokenBudget {
        let model = model.to_ascii_lowercase();
        let known: &[(&str, u32)] = &[
            ("claude", 200_000),
            ("gpt-4o", 128_000),
            ("gpt-4.1", 1_000_000),
            ("gpt-4-turbo", 128_000),
            ("gpt-5", 400_000),
            ("o1", 128_000),
            ("o3", 200_000),
            ("o4", 200_000),
            ("gpt-3.5", 16_000),
            ("gemini", 1_000_000),
            ("mistral", 32_000),
            ("mixtral", 32_000),
            ("llama-3", 8_192),
            ("llama3", 8_192),
            ("smollm", 2_048),
        ];
        let window = known
            .iter()
            .find(|(family, _)| model.contains(family))
            .map_or(8_192, |(_, window)| *window);
        TokenBudget {
            context_tokens: context_override.unwrap_or(window),
            max_output_tokens,
        }
    }

    /// Tokens left for history once the fixed parts (system text, passages, question) are in.
    pub fn left_for_history(&self, fixed_tokens: u32) -> u32 {
        self.context_tokens
            .saturating_sub(self.max_output_tokens)
            .saturating_sub(fixed_tokens)
    }
}

/// What the prompt gets from history.
#[derive(Debug, Clone, Copy, Default)]
pub struct HistoryContext<'a> {
    pub summary: Option<&'a str>,
    pub turns: &'a [Turn],
}

/// Tokens of `text` by the characters / 4 rule plus a message's framing, unscaled: for counting spend when a
/// provider reported no `usage` (the relay's budgets). [`History::estimate_tokens`] also learns the provider's scale.
pub fn estimate_tokens(text: &str) -> u64 {
    text.chars().count().div_ceil(4) as u64 + 4
}

#[derive(Debug, Clone)]
pub struct History {
    config: HistoryConfig,
    turns: Vec<Turn>,
    summary_lines: std::collections::VecDeque<String>,
    summary: String,
    /// Folded turns whose summary line was later dropped too.
    forgotten: u64,
    /// Provider tokens per estimated token, learned from `usage`.
    token_scale: f64,
}

impl History {
    pub fn new(config: HistoryConfig) -> History {
        History {
            config,
            turns: Vec::new(),
            summary_lines: Default::default(),
            summary: String::new(),
            forgotten: 0,
            token_scale: 1.0,
        }
    }

    pub fn turns(&self) -> &[Turn] {
        &self.turns
    }

    pub fn summary(&self) -> &str {
        &self.summary
    }

    /// Tokens of `text` as the provider would count them, by estimate.
    pub fn estimate_tokens(&self, text: &str) -> u32 {
        let raw = text.chars().count().div_ceil(4) as f64;
        (raw * self.token_scale).ceil() as u32 + 4
    }

    /// Learns from the provider: it counted `reported` input tokens for a prompt of `prompt_chars` characters.
    pub fn record_usage(&mut self, prompt_chars: usize, reported: u32) {
        let raw = prompt_chars.div_ceil(4);
        if raw == 0 || reported == 0 {
            return;
        }
        let observed = (reported as f64 / raw as f64).clamp(0.5, 3.0);
        // A moving average: one odd count does not swing the budget.
        self.token_scale = 0.7 * self.token_scale + 0.3 * observed;
    }

    pub fn token_scale(&self) -> f64 {
        self.token_scale
    }

    pub fn push(&mut self, question: &str, answer: &str) {
        let cut = |text: &str| {
            text.chars()
                .take(self.config.max_turn_chars)
                .collect::<String>()
        };
        self.turns.push(Turn {
            question: cut(question),
            answer: cut(answer),
        });
        let excess = self.turns.len().saturating_sub(self.config.max_turns);
        self.fold(excess, self.config.max_summary_chars);
    }

    /// The history for a prompt whose other parts take `fixed_tokens`: recent turns that fit, older ones folded.
    /// The summary gets at most a third of what history may use.
    pub fn context(&mut self, budget: &TokenBudget, fixed_tokens: u32) -> HistoryContext<'_> {
        let available = budget
            .left_for_history(fixed_tokens)
            .min(self.config.max_history_tokens);
        let summary_chars = (available as usize * 4 / 3).min(self.config.max_summary_chars);
        self.fold(0, summary_chars);
        loop {
            let mut used = self.estimate_tokens(&self.summary);
            let mut keep = 0;
            for turn in self.turns.iter().rev() {
                let cost =
                    self.estimate_tokens(&turn.question) + self.estimate_tokens(&turn.answer);
                if used + cost > available {
                    break;
                }
                used += cost;
                keep += 1;
            }
            let fold = self.turns.len() - keep;
            if fold == 0 {
                break;
            }
            // Folding grows the summary, so check again with the new one.
            self.fold(fold, summary_chars);
        }
        HistoryContext {
            summary: (!self.summary.is_empty()).then_some(self.summary.as_str()),
            turns: &self.turns,
        }
    }

    pub fn clear(&mut self) {
        *self = History::new(self.config);
    }

    /// Bytes held by the text of this history (for the memory-bound tests and the heap benchmark).
    pub fn approx_bytes(&self) -> usize {
        let turns: usize = self
            .turns
            .iter()
            .map(|turn| turn.question.capacity() + turn.answer.capacity())
            .sum();
        let lines: usize = self.summary_lines.iter().map(String::capacity).sum();
        turns
            + lines
            + self.summary.capacity()
            + self.turns.capacity() * std::mem::size_of::<Turn>()
    }

    /// Moves the `count` oldest turns into the summary and trims it to `max_chars`.
    fn fold(&mut self, count: usize, max_chars: usize) {
        for turn in self.turns.drain(..count) {
            self.summary_lines.push_back(summary_line(&turn));
        }
        let mut total: usize = self.summary_lines.iter().map(|line| line.len() + 1).sum();
        while total > max_chars {
            match self.summary_lines.pop_front() {
                Some(line) => {
                    total -= line.len() + 1;
                    self.forgotten += 1;
                }
                None => break,
            }
        }
        self.summary.clear();
        if self.forgotten > 0 {
            self.summary.push_str(&format!(
                "({} earlier questions not shown)\n",
                self.forgotten
            ));
        }
        for line in &self.summary_lines {
            self.summary.push_str(line);
            self.summary.push('\n');
        }
        self.summary.shrink_to(self.config.max_summary_chars + 64);
    }
}

/// "- Q: ... → A: ..." with the question and the answer's first sentence, each cut short.
fn summary_line(turn: &Turn) -> String {
    let flat = |text: &str, max: usize| -> String {
        let words: Vec<&str> = text.split_whitespace().collect();
        let joined = words.join(" ");
        match joined.char_indices().nth(max) {
            Some((cut, _)) => format!("{}…", &joined[..cut]),
            None => joined,
        }
    };
    let first_sentence = turn
        .answer
        .split_inclusive(['.', '!', '?', '\n'])
        .find(|s| !s.trim().is_empty())
        .unwrap_or("");
    format!(
        "- Q: {} → A: {}",
        flat(&turn.question, 120),
        flat(first_sentence, 160)
    )
}
