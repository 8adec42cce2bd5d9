//! Consent before a third party hears anything: which of the GM's providers a request may go to, given what the
//! world (the GM, once per provider) and the asking user decided. A provider is named by its origin
//! (`https://api.openai.com`), so one decision covers every model and key the GM sets up for the same host. A
//! provider nobody decided on is never used: the adapter asks first, and a relayed question whose asker was never
//! asked stays offline. A provider on this machine's loopback (a local model server) is no third party: nothing
//! leaves the GM's machine, so it needs no consent.
//!
//! Each decision is for one [`Purpose`]: rules questions and art prompts send different things, so a yes to one is
//! never a yes to the other, and the dialog says what that purpose sends ([`disclosure`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One decision, as stored: `true` agreed, `false` declined; absent means never asked.
pub type Decisions = BTreeMap<String, bool>;

/// What a request to a provider is for; each has its own decisions and its own dialog text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Purpose {
    /// Rules questions to the chat providers.
    #[default]
    Chat,
    /// Image prompts to the image providers.
    Art,
}

/// Whose decision a dialog asks for: the world's (the GM, for the table) or one user's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Scope {
    World,
    User,
}

/// What the consent dialog says for a purpose and scope, as keys of the `FAMILIAR.Consent` strings: the title,
/// the introduction, what is sent (one item each), what never is and what declining means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Disclosure {
    pub title: &'static str,
    pub intro: &'static str,
    pub sent: Vec<&'static str>,
    /// What is never sent.
    pub never: &'static str,
    pub decline: &'static str,
}

/// The dialog's text for `purpose` asked of `scope`. A question sends the question, the matching passages, the
/// conversation so far and the answer's language; an art prompt sends only the prompt text (typed, or made from
/// the creature's name, level, traits, size and description) and the image size and style asked for.
pub fn disclosure(purpose: Purpose, scope: Scope) -> Disclosure {
    let world = scope == Scope::World;
    match purpose {
        Purpose::Chat => Disclosure {
            title: "Title",
            intro: if world { "IntroWorld" } else { "IntroUser" },
            sent: vec![
                if world {
                    "Sent.QuestionWorld"
                } else {
                    "Sent.Question"
                },
                "Sent.Passages",
                "Sent.Conversation",
                "Sent.Language",
            ],
            never: "Never",
            decline: if world { "DeclineWorld" } else { "DeclineUser" },
        },
        Purpose::Art => Disclosure {
            title: "Art.Title",
            intro: if world {
                "Art.IntroWorld"
            } else {
                "Art.IntroUser"
            },
            sent: vec![
                if world {
                    "Art.Sent.PromptWorld"
                } else {
                    "Art.Sent.Prompt"
                },
                "Art.Sent.Creature",
                "Art.Sent.Format",
            ],
            never: "Art.Never",
            decline: if world {
                "Art.DeclineWorld"
            } else {
                "Art.DeclineUser"
            },
        },
    }
}

/// Decisions kept per purpose, as the world setting and the user flag hold them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct PurposeDecisions {
    pub chat: Decisions,
    pub art: Decisions,
}

impl PurposeDecisions {
    pub fn for_purpose(&self, purpose: Purpose) -> &Decisions {
        match purpose {
            Purpose::Chat => &self.chat,
            Purpose::Art => &self.art,
        }
    }
}

/// What may happen with each provider of a chain, by origin, in chain order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsentPlan {
    /// Providers the request may go to.
    pub allowed: Vec<String>,
    /// Providers the world has not decided on: the GM is asked before any request goes there.
    pub ask_world: Vec<String>,
    /// Providers the world allows but the asker has not decided on: the asker is asked first.
    pub ask_user: Vec<String>,
    /// Providers left out because the world or the asker declined.
    pub declined: Vec<String>,
}

impl ConsentPlan {
    /// Providers configured but not used for want of consent (declined or not yet asked).
    pub fn withheld(&self) -> usize {
        self.ask_world.len() + self.ask_user.len() + self.declined.len()
    }
}

/// Whether `origin` (`scheme://host[:port]`) is this machine's loopback: `localhost`, `127.0.0.0/8` or `[::1]`.
pub fn is_loopback_origin(origin: &str) -> bool {
    let Some((_, rest)) = origin.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or_default(),
        None => authority
            .rsplit_once(':')
            .map_or(authority, |(host, _)| host),
    };
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host == "::1"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|address| address.is_loopback())
}

/// The plan for a chain's `origins`. `user` is the asker's own decisions, or `None` when the GM asks for
/// themselves: the GM's world decision is also their own.
pub fn plan(origins: &[String], world: &Decisions, user: Option<&Decisions>) -> ConsentPlan {
    let mut plan = ConsentPlan::default();
    for origin in origins {
        let already = |list: &Vec<String>| list.contains(origin);
        if already(&plan.allowed)
            || already(&plan.ask_world)
            || already(&plan.ask_user)
            || already(&plan.declined)
        {
            continue;
        }
        if is_loopback_origin(origin) {
            plan.allowed.push(origin.clone());
            continue;
        }
        let bucket = match (world.get(origin), user.map(|user| user.get(origin))) {
            (None, _) => &mut plan.ask_world,
            (Some(false), _) => &mut plan.declined,
            (Some(true), None) => &mut plan.allowed,
            (Some(true), Some(Some(true))) => &mut plan.allowed,
            (Some(true), Some(Some(false))) => &mut plan.declined,
            (Some(true), Some(None)) => &mut plan.ask_user,
        };
        bucket.push(origin.clone());
    }
    plan
}

/// The plan for `purpose`: only that purpose's decisions count (a yes for questions is no yes for art).
pub fn plan_for(
    purpose: Purpose,
    origins: &[String],
    world: &PurposeDecisions,
    user: Option<&PurposeDecisions>,
) -> ConsentPlan {
    plan(
        origins,
        world.for_purpose(purpose),
        user.map(|user| user.for_purpose(purpose)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(pairs: &[(&str, bool)]) -> Decisions {
        pairs
            .iter()
            .map(|(origin, agreed)| (origin.to_string(), *agreed))
            .collect()
    }

    fn origins(list: &[&str]) -> Vec<String> {
        list.iter().map(|origin| origin.to_string()).collect()
    }

    const OPENAI: &str = "https://api.openai.com";
    const ANTHROPIC: &str = "https://api.anthropic.com";
    const LOCAL: &str = "http://127.0.0.1:8000";
    const MISTRAL: &str = "https://api.mistral.ai";

    #[test]
    fn nothing_goes_anywhere_before_the_world_decides() {
        let plan = plan(&origins(&[OPENAI, ANTHROPIC]), &Decisions::new(), None);
        assert!(plan.allowed.is_empty());
        assert_eq!(plan.ask_world, origins(&[OPENAI, ANTHROPIC]));
        assert_eq!(plan.withheld(), 2);
    }

    #[test]
    fn the_gms_own_questions_follow_the_world_decision() {
        let world = decisions(&[(OPENAI, true), (ANTHROPIC, false)]);
        let plan = plan(&origins(&[OPENAI, ANTHROPIC, MISTRAL]), &world, None);
        assert_eq!(plan.allowed, origins(&[OPENAI]));
        assert_eq!(plan.declined, origins(&[ANTHROPIC]));
        assert_eq!(plan.ask_world, origins(&[MISTRAL]));
    }

    #[test]
    fn a_player_needs_both_the_world_and_their_own_yes() {
        let world = decisions(&[(OPENAI, true), (ANTHROPIC, true), (MISTRAL, false)]);
        let user = decisions(&[(OPENAI, true), (MISTRAL, true)]);
        let plan = plan(&origins(&[OPENAI, ANTHROPIC, MISTRAL]), &world, Some(&user));
        assert_eq!(plan.allowed, origins(&[OPENAI]));
        // Never asked about Anthropic: not used until they say yes.
        assert_eq!(plan.ask_user, origins(&[ANTHROPIC]));
        // Their yes does not override the world's no.
        assert_eq!(plan.declined, origins(&[MISTRAL]));
    }

    #[test]
    fn a_player_who_declined_gets_no_provider() {
        let world = decisions(&[(OPENAI, true)]);
        let user = decisions(&[(OPENAI, false)]);
        let plan = plan(&origins(&[OPENAI]), &world, Some(&user));
        assert!(plan.allowed.is_empty());
        assert_eq!(plan.declined, origins(&[OPENAI]));
        assert_eq!(plan.withheld(), 1);
    }

    #[test]
    fn a_model_server_on_this_machine_needs_no_consent() {
        for local in [
            LOCAL,
            "http://localhost:1234",
            "http://[::1]:8080",
            "https://127.0.0.2",
        ] {
            assert!(is_loopback_origin(local), "{local}");
            let plan = plan(
                &origins(&[local]),
                &Decisions::new(),
                Some(&Decisions::new()),
            );
            assert_eq!(plan.allowed, origins(&[local]));
        }
        for remote in [
            OPENAI,
            "https://localhost.example.com",
            "https://10.0.0.5",
            "not a url",
        ] {
            assert!(!is_loopback_origin(remote), "{remote}");
        }
    }

    #[test]
    fn two_providers_on_one_host_are_one_decision() {
        let world = decisions(&[(OPENAI, true)]);
        let plan = plan(&origins(&[OPENAI, OPENAI]), &world, None);
        assert_eq!(plan.allowed, origins(&[OPENAI]));
    }

    fn by_purpose(chat: &[(&str, bool)], art: &[(&str, bool)]) -> PurposeDecisions {
        PurposeDecisions {
            chat: decisions(chat),
            art: decisions(art),
        }
    }

    #[test]
    fn a_yes_for_questions_is_no_yes_for_art() {
        let world = by_purpose(&[(OPENAI, true)], &[]);
        let art = plan_for(Purpose::Art, &origins(&[OPENAI]), &world, None);
        assert!(art.allowed.is_empty());
        assert_eq!(art.ask_world, origins(&[OPENAI]));
        let chat = plan_for(Purpose::Chat, &origins(&[OPENAI]), &world, None);
        assert_eq!(chat.allowed, origins(&[OPENAI]));
    }

    #[test]
    fn a_player_declining_art_keeps_their_questions() {
        let world = by_purpose(&[(OPENAI, true)], &[(OPENAI, true)]);
        let user = by_purpose(&[(OPENAI, true)], &[(OPENAI, false)]);
        let art = plan_for(Purpose::Art, &origins(&[OPENAI]), &world, Some(&user));
        assert_eq!(art.declined, origins(&[OPENAI]));
        let chat = plan_for(Purpose::Chat, &origins(&[OPENAI]), &world, Some(&user));
        assert_eq!(chat.allowed, origins(&[OPENAI]));
        // Never asked about art on another host: asked before anything goes there.
        let user = by_purpose(&[], &[]);
        let art = plan_for(Purpose::Art, &origins(&[OPENAI]), &world, Some(&user));
        assert_eq!(art.ask_user, origins(&[OPENAI]));
    }

    #[test]
    fn an_image_server_on_this_machine_needs_no_consent_for_art_either() {
        let plan = plan_for(
            Purpose::Art,
            &origins(&["http://127.0.0.1:7860"]),
            &PurposeDecisions::default(),
            Some(&PurposeDecisions::default()),
        );
        assert_eq!(plan.allowed, origins(&["http://127.0.0.1:7860"]));
    }

    #[test]
    fn each_purpose_says_what_it_sends() {
        let chat = disclosure(Purpose::Chat, Scope::User);
        let art = disclosure(Purpose::Art, Scope::User);
        assert_ne!(chat.title, art.title);
        assert_ne!(chat.intro, art.intro);
        assert_ne!(chat.never, art.never);
        assert!(chat.sent.contains(&"Sent.Passages"));
        assert!(art.sent.iter().all(|item| item.starts_with("Art.Sent.")));
        assert!(!art.sent.contains(&"Sent.Conversation"));
        assert_eq!(
            disclosure(Purpose::Art, Scope::World).sent[0],
            "Art.Sent.PromptWorld"
        );
        assert_eq!(
            disclosure(Purpose::Chat, Scope::World).decline,
            "DeclineWorld"
        );
    }
}
