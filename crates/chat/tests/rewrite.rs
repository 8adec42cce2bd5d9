//! The query rewrite through the chain: the call is capped, its reply becomes terms, and a provider that fails
//! leaves no terms (the search goes on as without a rewrite).

use familiar_chat::{
    parse_rewrite, rewrite_input, Api, AskEvent, BreakerConfig, ChainConfig, Command,
    ProviderChain, ProviderConfig, RetryPolicy, RewriteConfig, Timeouts,
};

fn provider(api: Api, max_output_tokens: Option<u32>) -> ProviderConfig {
    ProviderConfig {
        name: "gm".into(),
        api,
        base_url: "http://gm.test/v1".into(),
        model: "m".into(),
        api_key: Some("sk-secret".into()),
        max_output_tokens,
        context_tokens: None,
    }
}

fn chain(provider: ProviderConfig) -> ProviderChain {
    ProviderChain::new(
        vec![provider],
        ChainConfig {
            retry: RetryPolicy::default(),
            timeouts: Timeouts {
                first_byte_ms: 10_000,
                idle_ms: 5_000,
            },
            breaker: BreakerConfig::default(),
            seed: 1,
            withheld_for_consent: 0,
        },
    )
}

fn sent_body(chain: &mut ProviderChain) -> (familiar_chat::RequestId, serde_json::Value) {
    match chain.poll_command() {
        Some(Command::Send { request, http, .. }) => (
            request,
            serde_json::from_str(http.body.as_deref().expect("a body")).unwrap(),
        ),
        other => panic!("expected a request, got {other:?}"),
    }
}

/// Answers `request` whole and returns the ask's final answer.
fn respond(
    chain: &mut ProviderChain,
    ask: familiar_chat::AskId,
    request: familiar_chat::RequestId,
    status: u16,
    body: &[u8],
) -> Box<familiar_chat::Answer> {
    chain.handle_head(request, status, vec![], 1);
    chain.handle_data(request, body, 2);
    chain.handle_end(request, 3);
    std::iter::from_fn(|| chain.poll_event())
        .find_map(|(id, event)| match event {
            AskEvent::Done { answer } if id == ask => Some(answer),
            _ => None,
        })
        .expect("the rewrite finished")
}

#[test]
fn the_call_is_capped_below_the_providers_own_limit_on_both_apis() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let mut chain = chain(provider(api, Some(2_000)));
        chain.start_capped(rewrite_input("can I shove him off the ledge?"), 60, 0);
        let (_, body) = sent_body(&mut chain);
        assert_eq!(body["max_tokens"], 60, "{api:?}");
        let text = body.to_string();
        assert!(text.contains("shove him off the ledge"), "{api:?}");
        assert!(
            !text.contains("Passages"),
            "{api:?}: no passages in a rewrite"
        );
    }
    // A provider capped lower than the rewrite keeps its own cap.
    let mut chain = chain(provider(Api::OpenAi, Some(20)));
    chain.start_capped(rewrite_input("q"), 60, 0);
    assert_eq!(sent_body(&mut chain).1["max_tokens"], 20);
}

#[test]
fn the_reply_becomes_terms() {
    let mut chain = chain(provider(Api::OpenAi, None));
    let ask = chain.start_capped(rewrite_input("can I shove him off the ledge?"), 60, 0);
    let (request, _) = sent_body(&mut chain);
    let reply = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"1. Shove\\n2. Reposition\\n\"}}]}\n\n\
                 data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    let answer = respond(&mut chain, ask, request, 200, reply.as_bytes());
    assert!(answer.offline.is_none());
    assert_eq!(
        parse_rewrite(&answer.raw_text, &RewriteConfig::default()),
        ["Shove", "Reposition"]
    );
}

#[test]
fn a_failing_provider_gives_an_offline_answer_which_is_no_rewrite() {
    let mut chain = chain(provider(Api::OpenAi, None));
    let ask = chain.start_capped(rewrite_input("q"), 60, 0);
    let (request, _) = sent_body(&mut chain);
    let answer = respond(
        &mut chain,
        ask,
        request,
        401,
        br#"{"error":{"message":"bad key"}}"#,
    );
    assert!(answer.offline.is_some());
}
