//! Consent before a third party hears anything: which of the GM's providers a request may go to, given what the
//! world (the GM, once per provider) and the asking user decided. A provider is named by its origin
//! (`https://api.openai.com`), so one decision covers every model and key the GM sets up for the same host. A
//! provider nobody decided on is never used: the adapter asks first, and a relayed question whose asker was never
//! asked stays offline. A provider on this machine's loopback (a local model server) is no third party: nothing
//! leaves the GM's machine, so it needs no consent.

use std::collections::BTreeMap;

use serde::Serialize;

/// One decision, as stored: `true` agreed, `false` declined; absent means never asked.
pub type Decisions = BTreeMap<String, bool>;

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
}
