//! The tool loop with scripted models in both wire formats and a fake clock: every tool called with its arguments
//! cut mid-string and mid-number, bad calls and unknown tools answered with errors, proposals confirmed and
//! discarded, a model that loops until the step limit or the token cap, failover between steps (to the other wire
//! format) that never repeats a world change, Stop at every point, providers and models without tool support, and a
//! player's question that never reaches a world-changing tool.

use std::collections::VecDeque;

use familiar_chat::tools::script::{reply, ScriptedCall, Split};
use familiar_chat::tools::{
    Agent, AgentAnswer, AgentCommand, AgentConfig, AgentError, AgentEvent, Asker, Limit, Question,
    QuestionId, StepStatus, ToolArgs, ToolCall, ToolName, ToolOutput, ToolSet, ToolsUse,
};
use familiar_chat::{
    build_prompt, history::HistoryContext, Api, ChainConfig, Passage, PromptParts, ProviderChain,
    ProviderConfig, RequestId, Timeouts, ToolNotes, TransportError, DEFAULT_SYSTEM_PROMPT,
};
use serde_json::{json, Value};

fn provider(name: &str, api: Api) -> ProviderConfig {
    ProviderConfig {
        name: name.into(),
        api,
        base_url: format!("http://{name}.test/v1"),
        model: "m".into(),
        api_key: Some("sk-secret".into()),
        max_output_tokens: None,
        context_tokens: None,
    }
}

const GRABBED: &str = "Compendium.home.rules.Item.grabbed000000000";
const ESCAPE: &str = "Compendium.home.rules.Item.escape0000000000";
const GOBLIN: &str = "Compendium.home.bestiary.Actor.goblin0000000000";

fn passages() -> Vec<Passage> {
    vec![Passage {
        uuid: "Compendium.home.rules.Item.step000000000000".into(),
        anchor: None,
        name: "Step".into(),
        text: "You carefully move 5 feet.".into(),
    }]
}

fn question(asker: Asker, tools: ToolSet) -> Question {
    let passages = passages();
    let prompt = build_prompt(&PromptParts {
        system_template: DEFAULT_SYSTEM_PROMPT,
        language: "English",
        passages: &passages,
        history: HistoryContext::default(),
        question: "Is a level 5 creature and two level 3s fair for four level 4s?",
    });
    Question {
        prompt,
        passages,
        asker,
        tools,
        notes: ToolNotes::default(),
    }
}

/// What a scripted provider does with one request.
enum Response {
    Reply {
        text: String,
        calls: Vec<ScriptedCall>,
        usage: (u32, u32),
    },
    Status(u16, Value),
    /// Streams the first half of a reply, then the connection breaks.
    Broken {
        calls: Vec<ScriptedCall>,
    },
}

fn say(text: &str) -> Response {
    Response::Reply {
        text: text.into(),
        calls: Vec::new(),
        usage: (100, 20),
    }
}

fn call(calls: Vec<ScriptedCall>) -> Response {
    Response::Reply {
        text: String::new(),
        calls,
        usage: (100, 20),
    }
}

/// One request as the provider received it.
#[derive(Clone)]
struct Seen {
    provider: String,
    api: Api,
    body: Value,
}

impl Seen {
    fn tools(&self) -> Vec<String> {
        self.body["tools"]
            .as_array()
            .map(|tools| {
                tools
                    .iter()
                    .map(|tool| {
                        tool["function"]["name"]
                            .as_str()
                            .or(tool["name"].as_str())
                            .unwrap()
                            .to_string()
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `(call id, content, is_error)` of every tool result the request carries.
    fn results(&self) -> Vec<(String, Value, bool)> {
        let messages = self.body["messages"].as_array().unwrap();
        match self.api {
            Api::OpenAi => messages
                .iter()
                .filter(|m| m["role"] == "tool")
                .map(|m| {
                    let content: Value =
                        serde_json::from_str(m["content"].as_str().unwrap()).unwrap();
                    let is_error = content.get("error").is_some();
                    (
                        m["tool_call_id"].as_str().unwrap().to_string(),
                        content,
                        is_error,
                    )
                })
                .collect(),
            Api::Anthropic => messages
                .iter()
                .filter_map(|m| m["content"].as_array())
                .flatten()
                .filter(|block| block["type"] == "tool_result")
                .map(|block| {
                    (
                        block["tool_use_id"].as_str().unwrap().to_string(),
                        serde_json::from_str(block["content"].as_str().unwrap()).unwrap(),
                        block["is_error"] == true,
                    )
                })
                .collect(),
        }
    }
}

/// Canned outputs shaped like the engines' (familiar-tools), with uuids to cite.
fn output(call: &ToolCall) -> ToolOutput {
    ToolOutput::ok(match &call.args {
        ToolArgs::SearchRules(_) => json!({"results": [
            {"uuid": GRABBED, "name": "Grabbed", "pack": "home.rules", "snippet": "held in place"},
            {"uuid": ESCAPE, "name": "Escape", "pack": "home.rules", "snippet": "get free"}
        ]}),
        ToolArgs::ReadRule(read) => {
            json!({"uuid": read.uuid, "name": "Grabbed", "text": "You are held in place."})
        }
        ToolArgs::RateEncounter(_) => {
            json!({"totalXP": 70, "rating": "moderate", "xpPerPlayer": 70})
        }
        ToolArgs::GenerateEncounter(_) => {
            json!({"encounters": [{"totalXP": 80, "rating": "moderate", "members": [{"uuid": GOBLIN, "name": "Goblin Warrior", "count": 4}]}]})
        }
        ToolArgs::BuildCreature(build) => {
            json!({"name": "Ogre Brute", "level": build.level, "ac": 23})
        }
        ToolArgs::CreateActor(_) => {
            json!({"created": true, "uuid": "Actor.ogre000000000000", "name": "Ogre Brute"})
        }
        ToolArgs::StartCombat(_) => json!({"started": true, "combatants": 4}),
        ToolArgs::PostToChat(_) => json!({"posted": true}),
    })
}

struct Harness {
    agent: Agent,
    now: u64,
    /// The scripted replies, in order, whichever provider asks.
    script: VecDeque<Response>,
    seen: Vec<Seen>,
    executed: Vec<ToolCall>,
    events: Vec<(QuestionId, AgentEvent)>,
    aborted: usize,
    split: Split,
    /// Feed response bodies in pieces of this many bytes.
    chunk: usize,
    /// Run `Execute` commands at once (false: keep them in `held`).
    run_calls: bool,
    held: Vec<(QuestionId, ToolCall)>,
}

impl Harness {
    fn new(providers: Vec<ProviderConfig>, config: AgentConfig) -> Harness {
        let chain = ProviderChain::new(
            providers,
            ChainConfig {
                timeouts: Timeouts {
                    first_byte_ms: 10_000,
                    idle_ms: 5_000,
                },
                seed: 7,
                ..ChainConfig::default()
            },
        );
        Harness {
            agent: Agent::new(chain, config),
            now: 1_000_000,
            script: VecDeque::new(),
            seen: Vec::new(),
            executed: Vec::new(),
            events: Vec::new(),
            aborted: 0,
            split: Split::Every(3),
            chunk: 7,
            run_calls: true,
            held: Vec::new(),
        }
    }

    fn one(api: Api) -> Harness {
        Harness::new(vec![provider("primary", api)], AgentConfig::default())
    }

    fn ask(&mut self, asker: Asker) -> QuestionId {
        self.ask_with(question(asker, ToolSet::for_asker(asker)))
    }

    fn ask_with(&mut self, question: Question) -> QuestionId {
        let id = self.agent.ask(question, self.now);
        self.pump();
        id
    }

    fn api_of(&self, url: &str) -> Api {
        match url.ends_with("/messages") {
            true => Api::Anthropic,
            false => Api::OpenAi,
        }
    }

    /// Carries out commands until the agent is quiet (waiting for a provider timeout, the GM, or done).
    fn pump(&mut self) {
        loop {
            let mut busy = false;
            while let Some(command) = self.agent.poll_command() {
                busy = true;
                match command {
                    AgentCommand::Send { request, http } => {
                        let api = self.api_of(&http.url);
                        let provider = http
                            .url
                            .split('/')
                            .nth(2)
                            .unwrap()
                            .trim_end_matches(".test")
                            .to_string();
                        let body: Value =
                            serde_json::from_str(http.body.as_deref().unwrap()).unwrap();
                        self.seen.push(Seen {
                            provider,
                            api,
                            body,
                        });
                        let response = self
                            .script
                            .pop_front()
                            .expect("the script has a reply for every request");
                        self.respond(request, api, response);
                    }
                    AgentCommand::Abort { .. } => self.aborted += 1,
                    AgentCommand::Execute { question, call } => {
                        if self.run_calls {
                            self.executed.push(call.clone());
                            self.agent
                                .handle_tool_result(question, &call.id, output(&call), self.now)
                                .unwrap();
                        } else {
                            self.held.push((question, call));
                        }
                    }
                }
            }
            while let Some(event) = self.agent.poll_event() {
                self.events.push(event);
            }
            // Retries wait on the fake clock.
            if !busy {
                match self.agent.poll_timeout() {
                    Some(at) if self.agent.active() > 0 && self.script_waits() => {
                        self.now = self.now.max(at);
                        self.agent.handle_timeout(self.now);
                    }
                    _ => break,
                }
            }
        }
    }

    /// Whether a timeout is a retry waiting (not an open request the test left hanging).
    fn script_waits(&self) -> bool {
        !self.script.is_empty()
    }

    fn respond(&mut self, request: RequestId, api: Api, response: Response) {
        self.now += 5;
        match response {
            Response::Reply { text, calls, usage } => {
                self.agent.handle_head(request, 200, vec![], self.now);
                let body = reply(api, &text, &calls, self.split, usage);
                for piece in body.as_bytes().chunks(self.chunk) {
                    self.agent.handle_data(request, piece, self.now);
                }
                self.agent.handle_end(request, self.now);
            }
            Response::Status(status, body) => {
                self.agent.handle_head(request, status, vec![], self.now);
                self.agent
                    .handle_data(request, body.to_string().as_bytes(), self.now);
                self.agent.handle_end(request, self.now);
            }
            Response::Broken { calls } => {
                self.agent.handle_head(request, 200, vec![], self.now);
                let body = reply(api, "", &calls, self.split, (1, 1));
                self.agent
                    .handle_data(request, &body.as_bytes()[..body.len() * 3 / 4], self.now);
                self.agent.handle_error(
                    request,
                    &TransportError::Network("connection reset".into()),
                    self.now,
                );
            }
        }
    }

    fn answer(&self, id: QuestionId) -> &AgentAnswer {
        self.events
            .iter()
            .find_map(|(question, event)| match event {
                AgentEvent::Done { answer } if *question == id => Some(answer.as_ref()),
                _ => None,
            })
            .expect("the question was answered")
    }

    fn proposals(&self) -> Vec<(String, String)> {
        self.events
            .iter()
            .filter_map(|(_, event)| match event {
                AgentEvent::Proposal { step } => Some((step.tool.clone(), step.call_id.clone())),
                _ => None,
            })
            .collect()
    }

    fn executed_tools(&self) -> Vec<ToolName> {
        self.executed.iter().map(|call| call.tool).collect()
    }
}

fn sc(id: &str, name: &str, arguments: Value) -> ScriptedCall {
    ScriptedCall::new(id, name, &arguments)
}

fn rate_call(id: &str) -> ScriptedCall {
    sc(
        id,
        "rate_encounter",
        json!({"party_level": 4, "party_size": 4, "creatures": [{"level": 5}, {"level": 3}, {"level": 3}]}),
    )
}

#[test]
fn every_tool_runs_or_is_proposed_and_the_answer_cites_what_was_looked_up() {
    for api in [Api::OpenAi, Api::Anthropic] {
        for (split, chunk) in [
            (Split::Every(3), 7),
            (Split::Every(1), 1),
            (Split::Whole, 4096),
        ] {
            let mut h = Harness::new(
                vec![provider("primary", api)],
                AgentConfig {
                    max_steps: 10,
                    ..AgentConfig::default()
                },
            );
            h.split = split;
            h.chunk = chunk;
            h.script.extend([
                Response::Reply {
                    text: "Let me check.".into(),
                    calls: vec![
                        sc("call_s", "search_rules", json!({"query": "grabbed “off-guard”", "top": 2})),
                        sc("call_r", "read_rule", json!({"uuid": GRABBED})),
                        rate_call("call_x"),
                    ],
                    usage: (1200, 40),
                },
                call(vec![
                    sc("call_g", "generate_encounter", json!({"party_level": 4, "party_size": 4, "threat": "moderate", "count": 3, "max_creatures": 12})),
                    sc("call_b", "build_creature", json!({"level": 6, "roadmap": "brute", "adjustment": "elite", "name": "Ogre Brute", "seed": 4294967295u32})),
                ]),
                call(vec![
                    sc("call_c", "create_actor", json!({"level": 6, "roadmap": "brute", "seed": 12})),
                    sc("call_t", "start_combat", json!({"creatures": [{"uuid": GOBLIN, "count": 4}]})),
                    sc("call_p", "post_to_chat", json!({"content": "Four goblins burst in!", "whisper": true})),
                ]),
                say("Moderate: 70 XP [3]. Grabbed [2] makes you off-guard; goblins [4]."),
            ]);
            let id = h.ask(Asker::Gm);
            assert_eq!(
                h.executed_tools(),
                [
                    ToolName::SearchRules,
                    ToolName::ReadRule,
                    ToolName::RateEncounter,
                    ToolName::GenerateEncounter,
                    ToolName::BuildCreature
                ],
                "{api:?} {split:?}"
            );
            // The second request carried the first reply's three results, in the reply's shape.
            let results = h.seen[1].results();
            assert_eq!(
                results.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
                ["call_s", "call_r", "call_x"]
            );
            assert_eq!(
                results[0].1["results"][0]["cite"], 2,
                "the passage is [1], Grabbed [2]"
            );
            assert_eq!(results[2].1["totalXP"], 70);
            // Three proposals wait; nothing world-changing ran.
            let proposals = h.proposals();
            assert_eq!(
                proposals.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
                ["create_actor", "start_combat", "post_to_chat"]
            );
            assert_eq!(h.seen.len(), 3);
            h.agent.confirm(id, "call_c", h.now).unwrap();
            h.pump();
            assert_eq!(h.executed.last().unwrap().tool, ToolName::CreateActor);
            assert_eq!(h.seen.len(), 3, "the next request waits for every proposal");
            h.agent.discard(id, "call_t", h.now).unwrap();
            assert_eq!(
                h.agent.confirm(id, "call_t", h.now),
                Err(AgentError::NotProposed("call_t".into()))
            );
            h.agent.confirm(id, "call_p", h.now).unwrap();
            h.pump();
            assert_eq!(
                h.executed_tools()
                    .iter()
                    .filter(|t| t.changes_world())
                    .count(),
                2
            );
            assert!(!h.executed_tools().contains(&ToolName::StartCombat));
            let fourth = h.seen[3].results();
            assert_eq!(fourth.len(), 8);
            assert_eq!(fourth[6].1["discarded"], true);
            let answer = h.answer(id);
            assert_eq!(answer.tools, ToolsUse::Used);
            assert_eq!(answer.requests, 4);
            assert_eq!(answer.limit, None);
            let statuses: Vec<StepStatus> = answer.steps.iter().map(|s| s.status).collect();
            use StepStatus::*;
            assert_eq!(
                statuses,
                [Done, Done, Done, Done, Done, Confirmed, Discarded, Confirmed]
            );
            assert_eq!(
                answer.steps[2].summary,
                "rated the encounter: 70 XP, moderate"
            );
            assert_eq!(
                answer.steps[0].summary,
                "looked up “grabbed “off-guard””: Grabbed, Escape"
            );
            assert_eq!(answer.steps[4].arguments["seed"], 4294967295u32);
            let text = &answer.answer.text;
            assert!(
                text.contains(&format!("@UUID[{GRABBED}]{{Grabbed}}")),
                "{text}"
            );
            assert!(
                text.contains(&format!("@UUID[{GOBLIN}]{{Goblin Warrior}}")),
                "{text}"
            );
            let cited: Vec<&str> = answer
                .answer
                .citations
                .iter()
                .map(|c| c.uuid.as_str())
                .collect();
            assert_eq!(cited, [ESCAPE, GRABBED, GOBLIN]);
            let usage = answer.answer.usage.unwrap();
            assert_eq!(usage.input_tokens, Some(1200 + 300));
            assert!(h.events.iter().any(
                |(_, e)| matches!(e, AgentEvent::Interim { text } if text == "Let me check.")
            ));
        }
    }
}

#[test]
fn bad_calls_and_unknown_tools_get_error_results_and_the_loop_goes_on() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let mut h = Harness::one(api);
        h.script.extend([
            call(vec![
                sc("call_1", "cast_fireball", json!({"rank": 3})),
                sc(
                    "call_2",
                    "search_rules",
                    json!({"query": "grabbed", "top": 9}),
                ),
                ScriptedCall::raw(
                    "call_3",
                    "rate_encounter",
                    r#"{"party_level": 4, "party_size": "#,
                ),
                sc(
                    "call_4",
                    "generate_encounter",
                    json!({"party_level": 4, "party_size": 4, "threat": "moderate", "count": 4}),
                ),
                sc("call_5", "read_rule", json!({"uuid": GRABBED})),
            ]),
            say("Done."),
        ]);
        let id = h.ask(Asker::Gm);
        assert_eq!(h.executed_tools(), [ToolName::ReadRule]);
        let results = h.seen[1].results();
        assert_eq!(results.len(), 5);
        assert!(results[..4].iter().all(|r| r.2), "{results:?}");
        let errors: Vec<&str> = results[..4]
            .iter()
            .map(|r| r.1["error"].as_str().unwrap())
            .collect();
        assert!(errors[0].starts_with("there is no tool named \"cast_fireball\""));
        assert!(errors[1].contains("top: 9 is out of range: from 1 to 8"));
        assert!(errors[2].starts_with("the arguments are not valid JSON"));
        assert!(errors[3].contains("count: 4 is out of range: from 1 to 3"));
        let answer = h.answer(id);
        let statuses: Vec<StepStatus> = answer.steps.iter().map(|s| s.status).collect();
        assert_eq!(statuses[..4], [StepStatus::Failed; 4]);
        assert_eq!(
            answer.steps[2].arguments,
            json!({"raw": r#"{"party_level": 4, "party_size":"#})
        );
        assert_eq!(answer.answer.text, "Done.");
    }
}

#[test]
fn a_model_that_keeps_calling_is_stopped_at_the_step_limit() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let mut h = Harness::one(api);
        for n in 0..6 {
            h.script.push_back(call(vec![sc(
                &format!("call_{n}"),
                "search_rules",
                json!({"query": "again"}),
            )]));
        }
        h.script.push_back(say("Here is what I found [2]."));
        let id = h.ask(Asker::Gm);
        let answer = h.answer(id);
        assert_eq!(answer.steps.len(), 6);
        assert_eq!(answer.limit, Some(Limit::Steps));
        assert_eq!(answer.requests, 7);
        assert!(h.seen[..6].iter().all(|seen| !seen.tools().is_empty()));
        let last = &h.seen[6];
        assert!(last.tools().is_empty(), "the last request offers no tools");
        assert!(last
            .body
            .to_string()
            .contains("No more tools are available"));
        assert!(answer.answer.text.contains(&format!("@UUID[{GRABBED}]")));
    }
}

#[test]
fn calls_past_the_limit_in_one_reply_are_refused() {
    let mut h = Harness::new(
        vec![provider("p", Api::OpenAi)],
        AgentConfig {
            max_steps: 3,
            ..AgentConfig::default()
        },
    );
    h.script.extend([
        call(
            (0..5)
                .map(|n| sc(&format!("c{n}"), "search_rules", json!({"query": "x"})))
                .collect(),
        ),
        say("Enough."),
    ]);
    let id = h.ask(Asker::Gm);
    let answer = h.answer(id);
    let statuses: Vec<StepStatus> = answer.steps.iter().map(|s| s.status).collect();
    use StepStatus::*;
    assert_eq!(statuses, [Done, Done, Done, Refused, Refused]);
    assert!(answer.steps[3]
        .summary
        .contains("the limit of 3 tool calls"));
    assert_eq!(h.executed.len(), 3);
    assert!(h.seen[1].tools().is_empty());
}

#[test]
fn the_token_cap_ends_the_tool_steps() {
    let mut h = Harness::new(
        vec![provider("p", Api::Anthropic)],
        AgentConfig {
            max_steps: 6,
            max_tokens: 5_000,
        },
    );
    h.script.extend([
        Response::Reply {
            text: String::new(),
            calls: vec![rate_call("a")],
            usage: (3_000, 100),
        },
        Response::Reply {
            text: String::new(),
            calls: vec![rate_call("b")],
            usage: (3_000, 100),
        },
        say("70 XP, moderate."),
    ]);
    let id = h.ask(Asker::Gm);
    let answer = h.answer(id);
    assert_eq!(answer.limit, Some(Limit::Tokens));
    assert_eq!(answer.steps.len(), 2);
    assert!(h.seen[2].tools().is_empty());
    assert_eq!(answer.answer.usage.unwrap().input_tokens, Some(6_100));
}

#[test]
fn failover_between_steps_never_repeats_a_world_change() {
    // The first provider speaks OpenAI, the second Anthropic: the same conversation goes on in the other format.
    let mut h = Harness::new(
        vec![
            provider("primary", Api::OpenAi),
            provider("backup", Api::Anthropic),
        ],
        AgentConfig::default(),
    );
    h.script.extend([
        call(vec![
            sc(
                "call_c",
                "create_actor",
                json!({"level": 6, "roadmap": "brute", "seed": 3}),
            ),
            rate_call("call_r"),
        ]),
        // The next request fails at the first provider: a bad key is not retried, the backup takes over.
        Response::Status(401, json!({"error": {"message": "invalid key"}})),
        call(vec![sc(
            "toolu_2",
            "search_rules",
            json!({"query": "ogre"}),
        )]),
        // Then the backup's stream breaks mid-call: that reply's calls never run; the retry answers.
        Response::Broken {
            calls: vec![sc(
                "toolu_3",
                "post_to_chat",
                json!({"content": "An ogre!"}),
            )],
        },
        say("Created the ogre [2]."),
    ]);
    let id = h.ask(Asker::Gm);
    let proposals = h.proposals();
    assert_eq!(
        proposals,
        [("create_actor".to_string(), "call_c".to_string())]
    );
    h.agent.confirm(id, "call_c", h.now).unwrap();
    h.pump();
    let answer = h.answer(id);
    let creates = h
        .executed
        .iter()
        .filter(|call| call.tool == ToolName::CreateActor)
        .count();
    assert_eq!(creates, 1, "the actor was created once");
    assert!(!h
        .executed
        .iter()
        .any(|call| call.tool == ToolName::PostToChat));
    let providers: Vec<&str> = h.seen.iter().map(|s| s.provider.as_str()).collect();
    assert_eq!(
        providers,
        ["primary", "primary", "backup", "backup", "backup"]
    );
    // The backup read the confirmed creation as a tool_result block, not as a call to make again.
    let replayed = h.seen[2].results();
    assert_eq!(replayed[0].0, "call_c");
    assert_eq!(replayed[0].1["created"], true);
    assert_eq!(answer.answer.provider.as_deref(), Some("backup"));
    assert_eq!(answer.steps.len(), 3);
    assert!(answer.answer.attempts.iter().any(|a| a.status == Some(401)));
}

#[test]
fn stop_works_at_every_point() {
    // While a request streams.
    let mut h = Harness::one(Api::OpenAi);
    let id = h
        .agent
        .ask(question(Asker::Gm, ToolSet::for_asker(Asker::Gm)), h.now);
    let request = match h.agent.poll_command() {
        Some(AgentCommand::Send { request, .. }) => request,
        other => panic!("{other:?}"),
    };
    h.agent.handle_head(request, 200, vec![], h.now);
    h.agent.cancel(id, h.now);
    assert!(
        matches!(h.agent.poll_command(), Some(AgentCommand::Abort { request: r }) if r == request)
    );
    h.agent.handle_data(
        request,
        reply(Api::OpenAi, "late", &[], Split::Whole, (1, 1)).as_bytes(),
        h.now,
    );
    assert!(h.agent.poll_event().is_none(), "no event after Stop");
    assert_eq!(h.agent.active(), 0);

    // While a proposal waits for the GM.
    let mut h = Harness::one(Api::Anthropic);
    h.script.push_back(call(vec![sc(
        "c",
        "create_actor",
        json!({"level": 1, "roadmap": "brute"}),
    )]));
    let id = h.ask(Asker::Gm);
    assert_eq!(h.proposals().len(), 1);
    h.agent.cancel(id, h.now);
    assert_eq!(
        h.agent.confirm(id, "c", h.now),
        Err(AgentError::UnknownQuestion(id))
    );
    h.pump();
    assert!(h.executed.is_empty());
    assert!(!h
        .events
        .iter()
        .any(|(_, e)| matches!(e, AgentEvent::Done { .. })));

    // While a read-only call runs (the caller has not handed its output back yet).
    let mut h = Harness::one(Api::OpenAi);
    h.run_calls = false;
    h.script.push_back(call(vec![rate_call("c")]));
    let id = h.ask(Asker::Gm);
    assert_eq!(h.held.len(), 1);
    h.agent.cancel(id, h.now);
    let (_, held) = h.held.pop().unwrap();
    assert_eq!(
        h.agent
            .handle_tool_result(id, &held.id, output(&held), h.now),
        Err(AgentError::UnknownQuestion(id))
    );
    assert!(h.agent.poll_command().is_none());

    // Between a confirmation and its result, with other work queued.
    let mut h = Harness::one(Api::OpenAi);
    h.run_calls = false;
    h.script.push_back(call(vec![
        sc("c", "post_to_chat", json!({"content": "hi"})),
        rate_call("r"),
    ]));
    let id = h.ask(Asker::Gm);
    h.agent.confirm(id, "c", h.now).unwrap();
    h.agent.cancel(id, h.now);
    assert!(
        h.agent.poll_command().is_none(),
        "the queued Execute is dropped"
    );
}

#[test]
fn a_provider_that_refuses_tools_answers_as_today_and_is_not_offered_them_again() {
    for (api, message) in [
        (Api::OpenAi, "registry.ollama.ai/library/gemma:2b does not support tools"),
        (Api::OpenAi, "\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set"),
        (Api::Anthropic, "litellm.UnsupportedParamsError: does not support parameters: ['tools']"),
    ] {
        let mut h = Harness::one(api);
        h.script.extend([
            Response::Status(400, json!({"error": {"message": message}})),
            say("No, you can't Step [1]."),
        ]);
        let id = h.ask(Asker::Gm);
        let answer = h.answer(id).clone();
        assert_eq!(answer.tools, ToolsUse::Unsupported, "{message}");
        assert!(answer.answer.text.contains("@UUID[Compendium.home.rules.Item.step000000000000]{Step}"));
        assert!(!h.seen[0].tools().is_empty());
        assert!(h.seen[1].tools().is_empty(), "asked again without tools");
        assert!(!h.seen[1].body.to_string().contains("Familiar's tools"), "today's system text");
        assert_eq!(answer.answer.attempts.len(), 1);
        assert!(h.agent.chain().refuses_tools("primary"));
        // The next question goes to it without tools from the start.
        h.script.push_back(say("Again [1]."));
        let next = h.ask(Asker::Gm);
        assert!(h.seen[2].tools().is_empty());
        assert_eq!(h.answer(next).tools, ToolsUse::Unsupported);
    }
}

#[test]
fn a_first_reply_without_calls_is_todays_answer_from_the_passages() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let mut h = Harness::one(api);
        h.script
            .push_back(say("No, you can't Step while grabbed [1]."));
        let id = h.ask(Asker::Gm);
        let answer = h.answer(id);
        assert_eq!(answer.tools, ToolsUse::Unused);
        assert!(answer.steps.is_empty());
        assert_eq!(answer.answer.citations.len(), 1);
        assert_eq!(answer.requests, 1);
        // The first request carried the numbered passages as today, plus the tool instructions.
        let first = h.seen[0].body.to_string();
        assert!(first.contains("[1] Step"));
        assert!(first.contains("Compute with the tools"));
    }
}

#[test]
fn without_tools_the_question_is_todays_request() {
    let mut h = Harness::one(Api::OpenAi);
    h.script.push_back(say("Answer [1]."));
    let id = h.ask_with(question(Asker::Gm, ToolSet::none()));
    assert_eq!(h.answer(id).tools, ToolsUse::Off);
    assert!(h.seen[0].tools().is_empty());
    assert!(!h.seen[0].body.to_string().contains("Familiar's tools"));
}

#[test]
fn a_players_model_never_reaches_a_world_changing_tool() {
    for api in [Api::OpenAi, Api::Anthropic] {
        let mut h = Harness::one(api);
        h.script.extend([
            call(vec![
                sc(
                    "c1",
                    "create_actor",
                    json!({"level": 6, "roadmap": "brute"}),
                ),
                sc(
                    "c2",
                    "start_combat",
                    json!({"creatures": [{"uuid": GOBLIN}]}),
                ),
                sc("c3", "search_rules", json!({"query": "grabbed"})),
            ]),
            say("I can't do that, but Grabbed [2]."),
        ]);
        // Even a caller that hands a player every tool: the agent offers the player's set.
        let id = h.ask_with(question(Asker::Player, ToolSet::for_asker(Asker::Gm)));
        assert_eq!(
            h.seen[0].tools(),
            [
                "search_rules",
                "read_rule",
                "rate_encounter",
                "generate_encounter",
                "build_creature"
            ]
        );
        assert!(h.proposals().is_empty());
        assert_eq!(h.executed_tools(), [ToolName::SearchRules]);
        assert_eq!(
            h.agent.confirm(id, "c1", h.now),
            Err(AgentError::UnknownQuestion(id))
        );
        let answer = h.answer(id);
        assert_eq!(answer.steps[0].status, StepStatus::Refused);
        assert_eq!(answer.steps[1].status, StepStatus::Refused);
        let refusal = h.seen[1].results();
        assert!(refusal[0].1["error"]
            .as_str()
            .unwrap()
            .starts_with("create_actor is not available"));
    }
}

#[test]
fn call_ids_are_made_unique_and_usable_in_both_formats() {
    let mut h = Harness::new(
        vec![provider("primary", Api::OpenAi)],
        AgentConfig::default(),
    );
    h.script.extend([
        call(vec![
            sc("", "search_rules", json!({"query": "a"})),
            sc("same", "search_rules", json!({"query": "b"})),
            sc("same", "read_rule", json!({"uuid": GRABBED})),
        ]),
        call(vec![
            sc(
                "same",
                "rate_encounter",
                json!({"party_level": 1, "party_size": 4, "creatures": []}),
            ),
            sc("bad id!", "search_rules", json!({"query": "c"})),
        ]),
        say("ok"),
    ]);
    let id = h.ask(Asker::Gm);
    let ids: Vec<String> = h
        .answer(id)
        .steps
        .iter()
        .map(|s| s.call_id.clone())
        .collect();
    let unique: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 5, "{ids:?}");
    assert!(ids.iter().all(|id| id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')));
    assert_eq!(ids[1], "same");
    let second: Vec<String> = h.seen[1].results().into_iter().map(|r| r.0).collect();
    assert_eq!(second, ids[..3]);
}

#[test]
fn every_provider_failing_mid_loop_answers_offline_with_the_steps_kept() {
    let mut h = Harness::one(Api::OpenAi);
    h.script.extend([
        call(vec![sc("c", "search_rules", json!({"query": "grabbed"}))]),
        Response::Status(401, json!({"error": {"message": "key revoked"}})),
    ]);
    let id = h.ask(Asker::Gm);
    let answer = h.answer(id);
    assert!(answer.answer.offline.is_some());
    assert_eq!(answer.steps.len(), 1);
    // The offline answer lists the passages and what the tools found.
    assert!(
        answer.answer.text.contains("{Grabbed}"),
        "{}",
        answer.answer.text
    );
}

#[test]
fn failing_over_mid_question_to_a_provider_without_tools_keeps_the_results_as_text() {
    let mut h = Harness::new(
        vec![
            provider("primary", Api::OpenAi),
            provider("local", Api::OpenAi),
        ],
        AgentConfig::default(),
    );
    h.script.extend([
        call(vec![rate_call("call_r")]),
        Response::Status(401, json!({"error": {"message": "key revoked"}})),
        Response::Status(
            400,
            json!({"error": {"message": "model tiny does not support tools"}}),
        ),
        say("70 XP, moderate."),
    ]);
    let id = h.ask(Asker::Gm);
    let answer = h.answer(id);
    assert_eq!(answer.tools, ToolsUse::Used);
    assert_eq!(answer.answer.provider.as_deref(), Some("local"));
    let last = &h.seen[3];
    assert!(last.tools().is_empty());
    let text = last.body.to_string();
    assert!(text.contains("[called rate_encounter"), "{text}");
    assert!(text.contains("totalXP"), "{text}");
    assert!(text.contains("No more tools are available"), "{text}");
    assert_eq!(h.executed.len(), 1);
}
