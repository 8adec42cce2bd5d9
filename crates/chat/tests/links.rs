//! Content links in answers point only at what the raven cited (issue #25): which documents a reader may be shown a
//! link to, and hostile `@UUID[...]` in a model's answer, through `link_citations` (the GM's page) and again through
//! `render_answer` with the citations (a relayed answer on a player's page, a stored one after a reload), coming out
//! as plain text with their labels.

use familiar_chat::{link_citations, render_answer, LinkScope, Passage, Reader};

const RULE: &str = "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t";
const PAGE: &str =
    "Compendium.pf2e.journals.JournalEntry.S55aqwWIzpQRFhcq.JournalEntryPage.ypfiz3wNQ2Y1Ii1T";
const JOURNAL: &str = "Compendium.pf2e.journals.JournalEntry.S55aqwWIzpQRFhcq";
const CREATURE: &str = "Compendium.pf2e.pathfinder-bestiary.Actor.AdQVjlOWB6rmBRVp";
const MACRO: &str = "Macro.Q2ZcTb5r9JmOaBxW";

fn passage(uuid: &str, name: &str) -> Passage {
    Passage {
        uuid: uuid.into(),
        anchor: None,
        name: name.into(),
        text: "…".into(),
    }
}

fn gm() -> Reader {
    Reader {
        gm: true,
        packs: [
            "pf2e.actionspf2e",
            "pf2e.journals",
            "pf2e.pathfinder-bestiary",
        ]
        .map(String::from)
        .to_vec(),
    }
}

fn player() -> Reader {
    Reader {
        gm: false,
        packs: ["pf2e.actionspf2e", "pf2e.journals"]
            .map(String::from)
            .to_vec(),
    }
}

#[test]
fn the_kinds_familiar_cites_in_the_readers_packs() {
    for target in [RULE, JOURNAL, PAGE, &format!("{PAGE}#grabbed")] {
        assert!(player().may_open(target), "{target}");
        assert!(gm().may_open(target), "{target}");
    }
    assert!(gm().may_open(CREATURE));
    // v10's untyped uuids, in a pack of the reader's.
    assert!(player().may_open("Compendium.pf2e.actionspf2e.wQYmDStjdjn0I26t"));
}

#[test]
fn hostile_targets_are_refused() {
    for target in [
        // other document types, in compendia and in the world
        "Compendium.pf2e.actionspf2e.Macro.wQYmDStjdjn0I26t",
        "Compendium.pf2e.actionspf2e.RollTable.wQYmDStjdjn0I26t",
        "Compendium.pf2e.actionspf2e.Scene.wQYmDStjdjn0I26t",
        "Macro.wQYmDStjdjn0I26t",
        "Actor.wQYmDStjdjn0I26t",
        "Item.wQYmDStjdjn0I26t",
        "JournalEntry.S55aqwWIzpQRFhcq.JournalEntryPage.ypfiz3wNQ2Y1Ii1T",
        "Scene.x.Token.y.Actor.z",
        // embedded documents other than journal pages
        "Compendium.pf2e.pathfinder-bestiary.Actor.AdQVjlOWB6rmBRVp.Item.wQYmDStjdjn0I26t",
        "Compendium.pf2e.journals.JournalEntry.S55aqwWIzpQRFhcq.Macro.wQYmDStjdjn0I26t",
        "Compendium.pf2e.actionspf2e.Actor.JournalEntryPage.wQYmDStjdjn0I26t",
        // other packs, and packs named like ours
        "Compendium.pf2e.macros.Item.wQYmDStjdjn0I26t",
        "Compendium.world.actionspf2e.Item.wQYmDStjdjn0I26t",
        "Compendium.pf2e.actionspf2e2.Item.wQYmDStjdjn0I26t",
        // malformed
        "",
        "Compendium",
        "Compendium.pf2e.actionspf2e",
        "Compendium.pf2e.actionspf2e.Item.",
        "Compendium.pf2e.actionspf2e..Item.x",
        "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t.",
        "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26",
        "Compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t_",
        "Compendium.pf2e.actionspf2e.Item.x y",
        "Compendium.pf2e.actionspf2e.Item.x\"onclick=\"y",
        "compendium.pf2e.actionspf2e.Item.wQYmDStjdjn0I26t",
        "Compendium.pf2e.actionspf2e.item.wQYmDStjdjn0I26t",
    ] {
        assert!(!gm().may_open(target), "{target}");
        assert!(!player().may_open(target), "{target}");
    }
}

#[test]
fn a_player_is_refused_the_gms_packs_and_actors() {
    assert!(!player().may_open(CREATURE));
    // An Actor in a pack the player does have is still not a kind they are shown.
    assert!(!player().may_open("Compendium.pf2e.actionspf2e.Actor.AdQVjlOWB6rmBRVp"));
    assert!(!player().may_open("Compendium.familiar-test.gm-secrets.Item.SecretPlotTwist1"));
    assert!(!Reader::default().may_open(RULE));
}

#[test]
fn a_scope_is_what_was_cited_and_may_be_opened() {
    let scope = LinkScope::new([RULE, CREATURE, "Macro.wQYmDStjdjn0I26t"], &player());
    assert!(scope.allows(RULE));
    assert!(
        scope.allows(&format!("{RULE}#somewhere")),
        "an anchor in a cited document"
    );
    assert!(!scope.allows(CREATURE), "not the player's");
    assert!(
        !scope.allows("Macro.wQYmDStjdjn0I26t"),
        "cited, but not a kind we cite"
    );
    assert!(!scope.allows(JOURNAL), "a kind we cite, but not cited");
    assert!(!LinkScope::none().allows(RULE));
}

/// The answer as a page shows it: linked on the GM's page, rendered with its citations for `reader`.
fn shown(answer: &str, passages: &[Passage], reader: &Reader) -> String {
    let linked = link_citations(answer, passages);
    let scope = LinkScope::new(linked.citations.iter().map(|c| c.uuid.as_str()), reader);
    render_answer(&linked.text, &scope)
}

fn live_links(html: &str) -> Vec<&str> {
    html.split("data-uuid=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect()
}

#[test]
fn a_real_citation_stays_a_content_link() {
    let passages = [passage(RULE, "Grapple"), passage(PAGE, "Grabbed")];
    let html = shown("Grapple first [1], then see @UUID[", &passages, &player());
    assert_eq!(live_links(&html), [RULE]);
    assert!(html.contains(&format!(
        "<a class=\"content-link\" draggable=\"true\" data-link=\"\" data-uuid=\"{RULE}\">Grapple</a>"
    )));
    // The model's own link to a passage is a citation too, so it stays live wherever the answer is shown.
    let linked = link_citations(&format!("See @UUID[{PAGE}]{{the page}}."), &passages);
    assert_eq!(linked.citations.len(), 1);
    assert_eq!(
        live_links(&shown(&linked.text, &passages, &player())),
        [PAGE]
    );
}

#[test]
fn hostile_links_in_the_answer_are_their_labels() {
    let passages = [passage(RULE, "Grapple")];
    for (answer, label) in [
        (format!("@UUID[{MACRO}]{{the rules}}"), "the rules"),
        (
            "@UUID[Compendium.pf2e.actionspf2e.Macro.Q2ZcTb5r9JmOaBxW]{the rules}".into(),
            "the rules",
        ),
        ("@UUID[Scene.Q2ZcTb5r9JmOaBxW]{the map}".into(), "the map"),
        ("@UUID[RollTable.Q2ZcTb5r9JmOaBxW]{loot}".into(), "loot"),
        (
            "@UUID[Compendium.pf2e.other.Item.Q2ZcTb5r9JmOaBxW]{other pack}".into(),
            "other pack",
        ),
        (format!("@UUID[{RULE}x]{{malformed}}"), "malformed"),
        // Hidden in a rejected link's label, or in a Markdown link's text.
        (format!("@UUID[Nope]{{@UUID[{MACRO}]}}"), "Q2ZcTb5r9JmOaBxW"),
        (
            format!("@UUID[Nope]{{@UUID[{MACRO}]{{the rules}}}}"),
            "the rules",
        ),
        (
            format!("[see @UUID[{MACRO}]{{the rules}}](https://rules.test)"),
            "the rules",
        ),
        (format!("**@UUID[{MACRO}]{{the rules}}**"), "the rules"),
    ] {
        for reader in [gm(), player()] {
            let html = shown(&answer, &passages, &reader);
            assert!(live_links(&html).is_empty(), "{answer}: {html}");
            assert!(html.contains(label), "{answer}: {html}");
            assert!(!html.contains("content-link"), "{answer}: {html}");
        }
    }
}

#[test]
fn a_relayed_or_stored_answer_is_checked_again() {
    // Text and citations as they arrive from elsewhere (a relay message, IndexedDB): no link_citations in between.
    let text = format!(
        "@UUID[{RULE}]{{Grapple}} @UUID[{MACRO}]{{the rules}} @UUID[{CREATURE}]{{the lich}} @UUID[{PAGE}]{{Grabbed}}"
    );
    let cited = [RULE, MACRO, CREATURE];
    let html = render_answer(&text, &LinkScope::new(cited, &player()));
    assert_eq!(
        live_links(&html),
        [RULE],
        "no Macro, no GM-only Actor, nothing uncited: {html}"
    );
    for label in ["the rules", "the lich", "Grabbed"] {
        assert!(html.contains(label), "{html}");
    }
    let html = render_answer(&text, &LinkScope::new(cited, &gm()));
    assert_eq!(live_links(&html), [RULE, CREATURE], "{html}");
}

#[test]
fn enrichers_and_inline_rolls_are_text_and_urls_keep_their_rel() {
    let html = render_answer(
        "Roll [[/r 1d20+5]] or @Check[fortitude|dc:20] or @Damage[2d6[fire]] or [[/act grapple]] \
         or @Template[emanation|distance:10]; [the rules](https://rules.pf2e.test@evil.test/x).",
        &LinkScope::none(),
    );
    for text in [
        "[[/r 1d20+5]]",
        "@Check[fortitude|dc:20]",
        "@Damage[2d6[fire]]",
        "[[/act grapple]]",
    ] {
        assert!(html.contains(text), "{text}: {html}");
    }
    assert!(
        html.contains(
            "<a href=\"https://rules.pf2e.test@evil.test/x\" rel=\"noopener noreferrer nofollow\">the rules</a>"
        ),
        "{html}"
    );
    assert!(!html.contains("class="), "{html}");
}
