//! The prompt filter's normaliser on any text: it never panics, it answers the same twice, a refusal always has
//! a category and a reason, and the disguises it undoes by construction change nothing: zero-width characters
//! inserted anywhere, or the ASCII written in fullwidth forms, give the same verdict at every strictness.
#![no_main]

use familiar_art::{check_prompt, Strictness};
use libfuzzer_sys::fuzz_target;

fn zero_width(text: &str) -> String {
    text.chars().flat_map(|c| [c, '\u{200b}']).collect()
}

fn fullwidth(text: &str) -> String {
    text.chars()
        .map(|c| match c as u32 {
            0x21..=0x7E => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for strictness in [Strictness::Strict, Strictness::Standard, Strictness::Relaxed] {
        let verdict = check_prompt(&text, strictness);
        assert_eq!(verdict, check_prompt(&text, strictness));
        assert_eq!(verdict.allowed, verdict.category.is_none());
        assert_eq!(verdict.allowed, verdict.reason.is_none());
        for disguised in [zero_width(&text), fullwidth(&text)] {
            assert_eq!(
                check_prompt(&disguised, strictness).allowed,
                verdict.allowed,
                "{text:?} disguised as {disguised:?}"
            );
        }
    }
});
