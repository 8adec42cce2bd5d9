//! A player's page reloads (or closes and comes back) while the GM's client paints: a resume gets the request's
//! outcome, once per resume and never a second job, the images charged once.

use super::*;

fn resume(relay: &mut ArtRelay, user: &str, id: &str, now: u64) -> Vec<ArtAction> {
    relay.receive(user, resume_message(id).as_bytes(), now)
}

/// The texts the actions send to `user`.
fn sent(actions: &[ArtAction], user: &str) -> Vec<String> {
    actions
        .iter()
        .filter_map(|action| match action {
            ArtAction::Send { user_id, message } if user_id == user => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_resume_while_painting_says_accepted_and_after_it_the_kept_outcome_charged_once() {
    let mut relay = open_relay();
    let call = started(&request(
        &mut relay,
        ALICE,
        "req-000001",
        "an owlbear",
        vec![Preset::Portrait],
        NOON,
    ));
    // The page reloaded while the job runs: it is still painting, and nothing new starts.
    let actions = resume(&mut relay, ALICE, "req-000001", NOON + 1_000);
    assert_eq!(
        reply_to(&actions, ALICE),
        ArtToPlayer::Accepted {
            request_id: "req-000001".into()
        }
    );
    assert!(!actions.iter().any(|a| matches!(a, ArtAction::Start { .. })));

    let outcome = ArtOutcome {
        images: vec![image("worlds/w/familiar-art/owlbear.webp")],
        ..ArtOutcome::default()
    };
    let finished = sent(&relay.on_outcome(call, outcome, NOON + 5_000), ALICE);
    assert_eq!(finished.len(), 1);
    // The reloaded page missed it: each resume gets the same reply, and the day's count stays at one image.
    for later in [6_000, 60_000, 29 * 60_000] {
        assert_eq!(
            sent(
                &resume(&mut relay, ALICE, "req-000001", NOON + later),
                ALICE
            ),
            finished
        );
        assert_eq!(relay.usage(NOON + later)[0].images_today, 1);
    }
    // Sending the request again does not paint it twice.
    let again = request(
        &mut relay,
        ALICE,
        "req-000001",
        "an owlbear",
        vec![Preset::Portrait],
        NOON + 7_000,
    );
    assert_eq!(refusal(&again, ALICE), ArtRelayError::DuplicateRequest);
    assert!(!again.iter().any(|a| matches!(a, ArtAction::Start { .. })));
    // Kept half an hour, then unknown.
    assert_eq!(
        refusal(
            &resume(&mut relay, ALICE, "req-000001", NOON + 31 * 60_000),
            ALICE
        ),
        ArtRelayError::UnknownRequest
    );
}

#[test]
fn refusals_and_timeouts_are_kept_for_a_resume_too() {
    let mut relay = ArtRelay::new(ArtRelayConfig {
        players_may_request: true,
        daily_images: Some(1),
        timeout_ms: 1_000,
        ..ArtRelayConfig::default()
    });
    let over = request(
        &mut relay,
        ALICE,
        "req-000001",
        "an owlbear",
        vec![Preset::Portrait, Preset::Token],
        NOON,
    );
    assert!(matches!(
        refusal(&over, ALICE),
        ArtRelayError::OverBudget { .. }
    ));
    assert_eq!(
        sent(&resume(&mut relay, ALICE, "req-000001", NOON + 10), ALICE),
        sent(&over, ALICE)
    );

    started(&request(
        &mut relay,
        ALICE,
        "req-000002",
        "an owlbear",
        vec![Preset::Portrait],
        NOON,
    ));
    let late = relay.tick(NOON + 1_000);
    assert_eq!(
        refusal(
            &resume(&mut relay, ALICE, "req-000002", NOON + 2_000),
            ALICE
        ),
        ArtRelayError::TimedOut { after_ms: 1_000 }
    );
    assert_eq!(
        sent(
            &resume(&mut relay, ALICE, "req-000002", NOON + 2_000),
            ALICE
        ),
        sent(&late, ALICE)
    );
}

#[test]
fn a_resume_is_only_for_the_requester_and_counts_against_the_rate() {
    let mut relay = open_relay();
    let call = started(&request(
        &mut relay,
        ALICE,
        "req-000001",
        "an owlbear",
        vec![Preset::Portrait],
        NOON,
    ));
    relay.on_outcome(
        call,
        ArtOutcome {
            images: vec![image("worlds/w/familiar-art/owlbear.webp")],
            ..ArtOutcome::default()
        },
        NOON + 1_000,
    );
    // Bob, unknown to the relay and then known, never gets Alice's pictures.
    assert_eq!(
        refusal(&resume(&mut relay, BOB, "req-000001", NOON + 2_000), BOB),
        ArtRelayError::UnknownRequest
    );
    request(
        &mut relay,
        BOB,
        "req-bob-0001",
        "",
        vec![Preset::Portrait],
        NOON,
    );
    assert_eq!(
        refusal(&resume(&mut relay, BOB, "req-000001", NOON + 2_000), BOB),
        ArtRelayError::UnknownRequest
    );
    // A request that was never sent (the page reloaded before it left).
    assert_eq!(
        refusal(
            &resume(&mut relay, ALICE, "req-000009", NOON + 2_000),
            ALICE
        ),
        ArtRelayError::UnknownRequest
    );
    // Six messages a minute, the request and the resumes together.
    for n in 0..4 {
        let actions = resume(&mut relay, ALICE, "req-000001", NOON + 3_000 + n);
        assert!(matches!(
            reply_to(&actions, ALICE),
            ArtToPlayer::Finished { .. }
        ));
    }
    assert!(matches!(
        refusal(
            &resume(&mut relay, ALICE, "req-000001", NOON + 4_000),
            ALICE
        ),
        ArtRelayError::RateLimited { .. }
    ));
}

#[test]
fn a_cancelled_or_left_request_is_unknown_to_a_resume() {
    let mut relay = open_relay();
    started(&request(
        &mut relay,
        ALICE,
        "req-000001",
        "an owlbear",
        vec![Preset::Portrait],
        NOON,
    ));
    relay.user_left(ALICE);
    assert_eq!(
        refusal(
            &resume(&mut relay, ALICE, "req-000001", NOON + 1_000),
            ALICE
        ),
        ArtRelayError::UnknownRequest
    );
    assert_eq!(relay.usage(NOON)[0].images_today, 0);
}
