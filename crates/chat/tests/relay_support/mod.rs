//! Shared by the relay tests: a GM relay with a fake clock, players, and readers for the actions it returns.
#![allow(dead_code)] // each test file uses its own subset

use familiar_chat::relay::wire::decode;
use familiar_chat::relay::{
    Action, CallId, PlayerRelay, ProviderAnswer, Relay, RelayConfig, RelayError, ToPlayer,
    WireCitation,
};
use familiar_chat::Usage;

/// 2023-11-14T22:13:20Z: not a day boundary.
pub const T0: u64 = 1_700_000_000_000;
pub const DAY_MS: u64 = 86_400_000;

pub fn request_id(n: usize) -> String {
    format!("req-{n:08}")
}

pub fn player(user: &str) -> PlayerRelay {
    PlayerRelay::new(user).expect("a valid user id")
}

/// The message a player's page sends for a question.
pub fn ask(player: &mut PlayerRelay, request: &str) -> Vec<u8> {
    player
        .ask(request, "Can I Step while grabbed?", "en", None)
        .expect("a valid question")
        .into_bytes()
}

pub fn answer(text: &str, usage: Option<(u32, u32)>) -> ProviderAnswer {
    ProviderAnswer {
        text: text.to_string(),
        citations: vec![WireCitation {
            number: 1,
            uuid: "Compendium.pf2e.actionspf2e.Item.step".into(),
            name: "Step".into(),
        }],
        provider: Some("primary".into()),
        offline: None,
        usage: usage.map(|(input, output)| Usage {
            input_tokens: Some(input),
            output_tokens: Some(output),
        }),
    }
}

/// Every message the actions send to `user`, decoded.
pub fn messages_to(actions: &[Action], user: &str) -> Vec<ToPlayer> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Send { user_id, message } if user_id == user => Some(
                decode::<ToPlayer>(message.as_bytes(), usize::MAX)
                    .expect("the relay sends readable messages"),
            ),
            _ => None,
        })
        .collect()
}

/// The raw text of every message the actions send to `user`.
pub fn raw_to(actions: &[Action], user: &str) -> Vec<Vec<u8>> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Send { user_id, message } if user_id == user => {
                Some(message.clone().into_bytes())
            }
            _ => None,
        })
        .collect()
}

pub fn errors_to(actions: &[Action], user: &str) -> Vec<RelayError> {
    messages_to(actions, user)
        .into_iter()
        .filter_map(|message| match message {
            ToPlayer::Error { error, .. } => Some(error),
            _ => None,
        })
        .collect()
}

/// The single error sent to `user`.
pub fn the_error(actions: &[Action], user: &str) -> RelayError {
    let errors = errors_to(actions, user);
    assert_eq!(errors.len(), 1, "expected one error in {actions:?}");
    errors.into_iter().next().expect("one error")
}

/// `(call, user, request id)` of every call the actions start.
pub fn starts(actions: &[Action]) -> Vec<(CallId, String, String)> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Start {
                call,
                user_id,
                request_id,
                ..
            } => Some((*call, user_id.clone(), request_id.clone())),
            _ => None,
        })
        .collect()
}

pub fn cancels(actions: &[Action]) -> Vec<CallId> {
    actions
        .iter()
        .filter_map(|action| match action {
            Action::Cancel { call } => Some(*call),
            _ => None,
        })
        .collect()
}

pub fn relay(config: RelayConfig) -> Relay {
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    Relay::new(config)
}
