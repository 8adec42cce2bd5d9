//! Every sample event in every canonical state, against a table written by hand from the issue: the letter is the
//! state the raven must end in, `.` means the event is impossible there and must be ignored without a trace.

mod common;

use common::{canonical, letter, sample_events, step};
use familiar_raven::ViewId;

/// Rows: H hidden, P perched, A attentive, D dragging, O open on Ask, E open on Encounter, T thinking,
/// S streaming, R answer ready, F offline (a player), X error. Columns follow `sample_events`.
const TABLE: &str = "
     click enter esc arrow other escP hovIn hovOut focIn focOut drStart drMove drEnd drCancel selEnc close submit cancel anim resize chunk done error gmOff gmOn idxB idxR ready canvR canvT user perm
H    .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     .     H     H     .     .     .     .     .     H     H     .     .     H     P     P
P    O     O     .     P     .     .     A     .     A     .     P     .     .     .     E     .     .     .     P     P     .     .     .     .     .     P     P     .     .     P     P     P
A    O     O     .     A     .     .     .     P     A     .     A     .     .     .     E     .     .     .     A     A     .     .     .     .     .     A     A     .     .     A     A     A
D    .     .     P     .     .     P     D     .     D     .     .     D     P     P     D     .     .     .     D     D     .     .     .     .     .     D     D     .     .     P     D     D
O    P     P     P     O     .     P     O     .     O     .     O     .     .     .     E     P     T     .     O     O     .     .     .     .     .     O     O     .     .     O     O     O
E    P     P     P     E     .     P     E     .     E     .     E     .     .     .     .     P     .     .     E     E     .     .     .     .     .     E     E     .     .     E     P     P
T    P     P     P     T     .     P     T     .     T     .     T     .     .     .     E     P     T     O     T     T     S     R     X     .     .     T     T     .     .     T     T     T
S    P     P     P     S     .     P     S     .     S     .     S     .     .     .     E     P     T     O     S     S     S     R     X     .     .     S     S     .     .     S     S     S
R    P     P     P     R     .     P     R     .     R     .     R     .     .     .     E     P     T     .     R     R     .     .     .     .     .     R     R     .     .     R     R     R
F    P     P     P     F     .     P     F     .     F     .     F     .     .     .     .     P     .     .     F     F     .     .     .     .     O     F     F     .     .     F     .     .
X    P     P     P     X     .     P     X     .     X     .     X     .     .     .     E     P     T     .     X     X     .     .     .     .     .     X     X     .     .     X     X     X
";

#[test]
fn every_event_in_every_state_matches_the_table() {
    let mut lines = TABLE.lines().filter(|line| !line.trim().is_empty());
    let header: Vec<&str> = lines.next().expect("header").split_whitespace().collect();
    let mut checked = 0;
    let mut failures = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split_whitespace().collect();
        let row = cells[0].chars().next().expect("row letter");
        let start = canonical(row);
        assert_eq!(letter(start.state()), row, "canonical raven {row}");
        let events = sample_events(&start);
        assert_eq!(
            cells.len() - 1,
            events.len(),
            "row {row} has one cell per event"
        );
        assert_eq!(header.len(), events.len(), "one column per event");
        for ((name, event), expected) in events.into_iter().zip(&cells[1..]) {
            let mut raven = start.clone();
            let transition = step(&mut raven, event.clone());
            let got = if transition.ignored.is_some() {
                ".".to_string()
            } else {
                letter(raven.state()).to_string()
            };
            if got != *expected {
                failures.push(format!(
                    "{row} × {name}: expected {expected}, got {got} ({:?})",
                    transition.ignored
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(checked, 11 * 32);
}

/// Every pair of sample events from every canonical state: 11 × 32 × 32 steps, each checked for the invariants
/// (on screen, one view, no forbidden view, dot only when closed, prefs that survive a reload) and for ignored
/// events leaving no trace.
#[test]
fn every_pair_of_events_keeps_the_invariants() {
    let mut steps = 0;
    for row in "HPADOETSRFX".chars() {
        let start = canonical(row);
        for (_, first) in sample_events(&start) {
            let mut middle = start.clone();
            step(&mut middle, first);
            for (_, second) in sample_events(&middle) {
                let mut raven = middle.clone();
                step(&mut raven, second);
                steps += 1;
            }
        }
    }
    assert_eq!(steps, 11 * 32 * 32);
}

/// The same pairs for a raven that was never told Foundry is ready: nothing user-facing may happen yet.
#[test]
fn before_ready_only_setup_events_apply() {
    for mut raven in [common::gm(), common::player()] {
        for (name, event) in sample_events(&raven.clone()) {
            let mut copy = raven.clone();
            let transition = step(&mut copy, event);
            let applies = matches!(
                name,
                "animationOff"
                    | "resize"
                    | "indexBuilding"
                    | "indexReady"
                    | "ready"
                    | "canvasTeardown"
            ) || (name == "gmOffline" && !raven.permissions().is_gm)
                || (matches!(name, "permissionChange" | "userChange")
                    && raven.permissions().allowed_views != [ViewId::Ask]);
            assert_eq!(
                transition.ignored.is_none(),
                applies,
                "{name} before ready: {:?}",
                transition.ignored
            );
        }
        step(&mut raven, common::ready_event());
        assert!(raven.visible());
    }
}
