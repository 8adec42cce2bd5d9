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

/// A GM relay against a scripted provider, in scheduler ticks: every started call streams one delta a tick and
/// finishes `service_ticks` after it started. Records when each question was asked, started and answered.
pub struct Sim {
    pub gm: Relay,
    pub tick: u64,
    pub tick_ms: u64,
    pub service_ticks: u64,
    open: Vec<(CallId, u64)>,
    pub asked_at: std::collections::BTreeMap<(String, String), u64>,
    pub started_at: std::collections::BTreeMap<(String, String), u64>,
    pub answered: std::collections::BTreeSet<(String, String)>,
    pub refused: Vec<RelayError>,
    pub peak_bytes: usize,
    pub max_in_flight: usize,
}

impl Sim {
    pub fn new(config: RelayConfig, tick_ms: u64, service_ticks: u64) -> Sim {
        Sim {
            gm: relay(config),
            tick: 0,
            tick_ms,
            service_ticks,
            open: Vec::new(),
            asked_at: Default::default(),
            started_at: Default::default(),
            answered: Default::default(),
            refused: Vec::new(),
            peak_bytes: 0,
            max_in_flight: 0,
        }
    }

    pub fn now(&self) -> u64 {
        T0 + self.tick * self.tick_ms
    }

    pub fn receive(&mut self, user: &str, raw: &[u8]) {
        let now = self.now();
        let actions = self.gm.receive(user, raw, now);
        self.apply(actions);
    }

    pub fn ask(&mut self, player: &mut PlayerRelay, user: &str, request: &str) {
        let raw = ask(player, request);
        self.asked_at
            .insert((user.to_string(), request.to_string()), self.tick);
        self.receive(user, &raw);
    }

    /// One tick of the provider: a delta for every open call, the due ones finished, then the relay's tick.
    pub fn step(&mut self) {
        self.tick += 1;
        let now = self.now();
        let mut actions = Vec::new();
        let open = std::mem::take(&mut self.open);
        for (call, started) in open {
            if self.tick >= started + self.service_ticks {
                let usage = Some((800, 200));
                actions.extend(
                    self.gm
                        .on_final(call, answer("The answer [1].", usage), now),
                );
            } else {
                actions.extend(self.gm.on_delta(call, "more text ", now));
                self.open.push((call, started));
            }
        }
        actions.extend(self.gm.tick(now));
        self.apply(actions);
        self.sample();
    }

    pub fn apply(&mut self, actions: Vec<Action>) {
        for action in &actions {
            match action {
                Action::Start {
                    call,
                    user_id,
                    request_id,
                    ..
                } => {
                    self.open.push((*call, self.tick));
                    self.started_at
                        .insert((user_id.clone(), request_id.clone()), self.tick);
                }
                Action::Cancel { call } => self.open.retain(|(open, _)| open != call),
                Action::Send { user_id, message } => {
                    match decode::<ToPlayer>(message.as_bytes(), usize::MAX) {
                        Ok(ToPlayer::Final { request_id, .. }) => {
                            self.answered.insert((user_id.clone(), request_id));
                        }
                        Ok(ToPlayer::Error { error, .. }) => self.refused.push(error),
                        Ok(_) => {}
                        Err(error) => panic!("unreadable message {message:?}: {error:?}"),
                    }
                }
                Action::Rejected { .. } => {}
            }
        }
        self.max_in_flight = self.max_in_flight.max(self.open.len());
    }

    /// Notes the relay's size now (every step does).
    pub fn sample(&mut self) {
        self.peak_bytes = self.peak_bytes.max(self.gm.approx_bytes());
    }

    /// Ticks of waiting (asked → started) of every started question of the users `select` picks.
    pub fn waits(&self, select: impl Fn(&str) -> bool) -> Vec<u64> {
        let mut waits: Vec<u64> = self
            .started_at
            .iter()
            .filter(|((user, _), _)| select(user))
            .filter_map(|(key, started)| Some(started - self.asked_at.get(key)?))
            .collect();
        waits.sort_unstable();
        waits
    }

    pub fn open_calls(&self) -> usize {
        self.open.len()
    }
}

/// The `p`-th percentile (0–100) of sorted values, nearest rank.
pub fn percentile(sorted: &[u64], p: u64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (p as usize * sorted.len()).div_ceil(100).max(1);
    sorted[rank - 1]
}
