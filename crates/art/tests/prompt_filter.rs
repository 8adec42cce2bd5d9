//! The prompt filter on our labelled list (tests/prompts.tsv, strict level): false-positive and false-negative
//! rates, printed, with every miss listed. `cargo test -p familiar-art --test prompt_filter -- --nocapture`.

use familiar_art::{check_prompt, Strictness};

#[test]
fn labelled_prompts_false_positive_and_false_negative_rates() {
    let list = include_str!("prompts.tsv");
    let (mut allow, mut block, mut false_positives, mut false_negatives) =
        (0, 0, Vec::new(), Vec::new());
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let (label, prompt) = line.split_once('\t').expect("label<TAB>prompt");
        let verdict = check_prompt(prompt, Strictness::Strict);
        match label {
            "allow" => {
                allow += 1;
                if !verdict.allowed {
                    false_positives
                        .push(format!("{prompt} → {}", verdict.reason.unwrap_or_default()));
                }
            }
            "block" => {
                block += 1;
                if verdict.allowed {
                    false_negatives.push(prompt.to_string());
                }
            }
            other => panic!("unknown label {other:?}"),
        }
    }
    let fp_rate = false_positives.len() as f64 / allow as f64;
    let fn_rate = false_negatives.len() as f64 / block as f64;
    println!(
        "prompt filter (strict) on {} prompts: {allow} allow, {block} block",
        allow + block
    );
    println!(
        "false positives: {} ({:.1} %)",
        false_positives.len(),
        fp_rate * 100.0
    );
    for miss in &false_positives {
        println!("  FP {miss}");
    }
    println!(
        "false negatives: {} ({:.1} %)",
        false_negatives.len(),
        fn_rate * 100.0
    );
    for miss in &false_negatives {
        println!("  FN {miss}");
    }
    assert!(allow + block >= 200);
    assert!(fp_rate <= 0.03, "too many ordinary fantasy prompts blocked");
    assert!(fn_rate <= 0.05, "too many harmful prompts let through");
}
