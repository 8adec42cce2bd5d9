//! Hostile text through every rendering path: nothing may come out as executable markup. The output is checked
//! with a small tag scanner: only allow-listed tags and attributes, and links only to http(s) or mailto.

use familiar_chat::{
    link_citations, offline_answer, render_markdown, sanitize_html, OfflineReason, Passage,
};

const PAYLOADS: &[&str] = &[
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.test/x.js></SCRIPT>",
    "<script>alert(1)",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"x\" onerror=\"alert(1)\"/>",
    "<IMG SRC=javascript:alert('XSS')>",
    "<img src=`x`onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='1' onerror='alert(1)'/></svg>#x\"/></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<math href=\"javascript:alert(1)\">click</math>",
    "<math><maction actiontype=statusline xlink:href=javascript:alert(1)>x</maction></math>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<body onload=alert(1)>",
    "<div onmouseover=\"alert(1)\">hover</div>",
    "<p style=\"background:url(javascript:alert(1))\">x</p>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">x</a>",
    "<a href=\" javascript:alert(1)\">x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;script:alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<a href=\"x\" onclick=\"alert(1)\">x</a>",
    "<a class=\"content-link\" data-uuid=\"x\" onclick=\"alert(1)\">forged</a>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<x onclick=alert(1)>custom</x>",
    "<table background=\"javascript:alert(1)\"><tr><td>x</td></tr></table>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "</p><script>alert(1)</script><p>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "%3Cscript%3Ealert(1)%3C/script%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "<scr\u{0}ipt>alert(1)</script>",
    "<img\nsrc=x\nonerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](vbscript:alert(1))",
    "[click]( javascript:alert(1) )",
    "[click](<javascript:alert(1)>)",
    "[click](http://ok.test \"title\" onclick=alert(1))",
    "[a][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](http://evil.test/track.png)",
    "![x\" onerror=\"alert(1)](http://x.test/a.png)",
    "[![x](x)](javascript:alert(1))",
    "**<script>alert(1)</script>**",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "> <img src=x onerror=alert(1)>",
    "- <svg onload=alert(1)>",
    "| a | b |\n|---|---|\n| <img src=x onerror=alert(1)> | x |",
    "# <a href=javascript:alert(1)>h</a>",
    "~~<iframe src=x>~~",
    "@UUID[x\" onclick=\"alert(1)]{label}",
    "@UUID[Compendium.a.b]{<script>alert(1)</script>}",
    "@UUID[Compendium.a.b]{<img src=x onerror=alert(1)>}",
    "@UUID[javascript:alert(1)]{x}",
    "@UUID[Compendium.a.b]{x}\" onmouseover=\"alert(1)",
    "[@UUID[Compendium.a.b]{x}](javascript:alert(1))",
    "<a href=\"@UUID[Compendium.a.b]{x}\">y</a>",
    "<div data-uuid=\"x\" class=\"content-link\" onclick=\"alert(1)\">x</div>",
    "<span style=\"position:fixed;inset:0\" onclick=\"alert(1)\">overlay</span>",
    "<a href=\"/relative\" target=\"_top\">rel</a>",
    "<a href=\"//evil.test\">protocol relative</a>",
    "<isindex action=javascript:alert(1) type=image>",
    "<frameset onload=alert(1)>",
    "<keygen autofocus onfocus=alert(1)>",
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<plaintext><img src=x onerror=alert(1)>",
    "<listing><img src=x onerror=alert(1)></listing>",
    "<a href=\"https://ok.test\" style=\"x:expression(alert(1))\">css</a>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<math><style><img src=x onerror=alert(1)></style></math>",
    "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<a href=\"\u{0}javascript:alert(1)\">nul</a>",
    "<a href=\"java&#x0A;script:alert(1)\">nl</a>",
    // Aimed at a tokenizer-based allow-list: markup hidden in attribute values, raw-text elements, broken tags.
    "<a href=\"https://ok.test\" title=\"</a><img src=x onerror=alert(1)>\">t</a>",
    "<p title=\"&quot;><img src=x onerror=alert(1)>\">q</p>",
    "<a/href=\"javascript:alert(1)\">slash</a>",
    "<p <img src=x onerror=alert(1)>>broken</p>",
    "<a href=\"javascript&colon;alert(1)\">colon entity</a>",
    "<a href=\"\u{1}javascript:alert(1)\">control</a>",
    "<textarea><img src=x onerror=alert(1)></textarea>",
    "<title><img src=x onerror=alert(1)></title>",
    "<noembed><img src=x onerror=alert(1)></noembed>",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">",
    "<scr\u{0}ipt>alert(1)</scr\u{0}ipt>",
    "<script>document.write('</script><img src=x onerror=alert(1)>')</script>",
    "<ol start=\"1 onmouseover=alert(1)\"><li>x</li></ol>",
    "<a href=https://ok.test onmouseover=alert(1)>unquoted</a>",
    "<a href=\"https://ok.test\"\"onclick=alert(1)>glued</a>",
];

const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "del",
    "code",
    "pre",
    "kbd",
    "sup",
    "sub",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "span",
];
const ALLOWED_ATTRIBUTES: &[&str] = &[
    "href",
    "title",
    "class",
    "data-uuid",
    "data-link",
    "draggable",
    "rel",
    "start",
];

/// Every tag in `html` with its attributes (ammonia's output is well-formed: text `<` is always escaped).
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let tag = &rest[start + 1..];
        let mut chars = tag.char_indices().peekable();
        let mut name = String::new();
        while let Some(&(_, c)) = chars.peek() {
            if c.is_whitespace() || c == '>' || c == '/' && !name.is_empty() {
                break;
            }
            name.push(c);
            chars.next();
        }
        let mut attributes = Vec::new();
        let mut end = tag.len();
        loop {
            while chars
                .peek()
                .is_some_and(|&(_, c)| c.is_whitespace() || c == '/')
            {
                chars.next();
            }
            let Some(&(index, c)) = chars.peek() else {
                break;
            };
            if c == '>' {
                end = index + 1;
                break;
            }
            let mut key = String::new();
            while let Some(&(_, c)) = chars.peek() {
                if c == '=' || c == '>' || c.is_whitespace() {
                    break;
                }
                key.push(c);
                chars.next();
            }
            let mut value = String::new();
            if chars.peek().is_some_and(|&(_, c)| c == '=') {
                chars.next();
                let quote = chars.peek().map(|&(_, c)| c);
                if matches!(quote, Some('"') | Some('\'')) {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if Some(c) == quote {
                            break;
                        }
                        value.push(c);
                    }
                } else {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() || c == '>' {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
            attributes.push((key.to_ascii_lowercase(), value));
        }
        found.push((
            name.trim_start_matches('/').to_ascii_lowercase(),
            attributes,
        ));
        rest = &tag[end.min(tag.len())..];
    }
    found
}

fn assert_inert(html: &str, payload: &str) {
    for (name, attributes) in tags(html) {
        assert!(
            ALLOWED_TAGS.contains(&name.as_str()),
            "tag <{name}> from {payload:?}: {html}"
        );
        for (key, value) in attributes {
            assert!(
                ALLOWED_ATTRIBUTES.contains(&key.as_str()),
                "attribute {key} from {payload:?}: {html}"
            );
            if key == "href" {
                let lower = value.to_ascii_lowercase();
                assert!(
                    lower.starts_with("http://")
                        || lower.starts_with("https://")
                        || lower.starts_with("mailto:"),
                    "href {value:?} from {payload:?}: {html}"
                );
            }
            if key == "class" {
                assert_eq!(value, "content-link", "from {payload:?}");
            }
            if key == "data-uuid" {
                assert!(
                    value
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-_#".contains(c)),
                    "data-uuid {value:?} from {payload:?}"
                );
            }
        }
    }
    let lower = html.to_ascii_lowercase();
    for needle in [
        "<script",
        "<svg",
        "<math",
        "<img",
        "<iframe",
        "<style",
        "javascript:",
        "vbscript:",
        "data:text",
    ] {
        if needle.ends_with(':') || needle == "data:text" {
            // Allowed as visible text only: never inside an attribute.
            assert!(
                !tags(html).iter().any(|(_, attrs)| attrs
                    .iter()
                    .any(|(_, v)| v.to_ascii_lowercase().contains(needle))),
                "{needle} in an attribute from {payload:?}: {html}"
            );
        } else {
            assert!(!lower.contains(needle), "{needle} from {payload:?}: {html}");
        }
    }
}

#[test]
fn at_least_a_hundred_payloads() {
    assert!(PAYLOADS.len() >= 100, "{}", PAYLOADS.len());
}

#[test]
fn model_output_markdown_is_inert() {
    for payload in PAYLOADS {
        assert_inert(&render_markdown(payload), payload);
        assert_inert(
            &render_markdown(&format!("Answer [1]: {payload} and more.")),
            payload,
        );
        assert_inert(
            &render_markdown(&format!("* item\n\n  {payload}\n\n1. next")),
            payload,
        );
    }
}

#[test]
fn compendium_and_module_html_is_inert() {
    for payload in PAYLOADS {
        assert_inert(&sanitize_html(payload), payload);
        assert_inert(&sanitize_html(&format!("<p>Text {payload}</p>")), payload);
    }
}

#[test]
fn hostile_passage_names_and_texts_stay_inert_through_citations_and_offline_answers() {
    for payload in PAYLOADS {
        let passages = vec![Passage {
            uuid: "Compendium.pf2e.x.Item.a".into(),
            anchor: None,
            name: payload.to_string(),
            text: payload.to_string(),
        }];
        let linked = link_citations(&format!("It says [1]. {payload}"), &passages);
        assert_inert(&render_markdown(&linked.text), payload);
        let (offline, _) = offline_answer(&passages, &OfflineReason::NoProviders);
        assert_inert(&render_markdown(&offline), payload);
    }
}

/// Sanitised output parses to itself: what the browser builds from it is what the allow-list wrote, however the
/// input was broken.
#[test]
fn sanitised_html_is_a_fixed_point() {
    for payload in PAYLOADS {
        for html in [sanitize_html(payload), render_markdown(payload)] {
            assert_eq!(sanitize_html(&html), html, "{payload:?}");
        }
    }
}

#[test]
fn safe_markup_survives() {
    let html = render_markdown(
        "**Off-guard**: -2 AC, see @UUID[Compendium.pf2e.conditionitems.Item.AJh5ex99aV6VTggg]{Off-Guard}.\n\n\
         - [Archives](https://2e.aonprd.com)\n\n`code`",
    );
    assert!(html.contains("<strong>Off-guard</strong>"), "{html}");
    assert!(html.contains(
        "<a class=\"content-link\" draggable=\"true\" data-link=\"\" \
         data-uuid=\"Compendium.pf2e.conditionitems.Item.AJh5ex99aV6VTggg\" rel=\"noopener noreferrer nofollow\">Off-Guard</a>"
    ), "{html}");
    assert!(html.contains("href=\"https://2e.aonprd.com\""), "{html}");
    assert!(
        html.contains("rel=\"noopener noreferrer nofollow\""),
        "{html}"
    );
    assert!(html.contains("<code>code</code>"), "{html}");
    assert_eq!(
        render_markdown("a <b>bold</b> claim"),
        "<p>a &lt;b&gt;bold&lt;/b&gt; claim</p>\n"
    );
}

/// Markup assembled at random from the pieces attacks are made of stays inert and is a fixed point.
mod generated {
    use super::*;
    use proptest::prelude::*;

    const PIECES: &[&str] = &[
        "<",
        ">",
        "</",
        "/",
        "=",
        "\"",
        "'",
        " ",
        "\t",
        "\0",
        "script",
        "style",
        "a",
        "p",
        "img",
        "svg",
        "math",
        "textarea",
        "title",
        "table",
        "li",
        "ol",
        " href=",
        " src=",
        " title=",
        " onerror=",
        " class=content-link",
        " start=",
        "javascript:",
        "https://ok.test",
        "alert(1)",
        "&lt;",
        "&#x6A;",
        "&quot;",
        "<!--",
        "-->",
        "<![CDATA[",
        "]]>",
        "@UUID[Compendium.a.b]{x}",
        "[x](",
        ")",
        "*",
        "`",
    ];

    proptest! {
        #[test]
        fn arbitrary_markup_is_inert(pieces in prop::collection::vec(prop::sample::select(PIECES), 0..48)) {
            let input = pieces.concat();
            for html in [sanitize_html(&input), render_markdown(&input)] {
                assert_inert(&html, &input);
                prop_assert_eq!(sanitize_html(&html), html.clone());
            }
        }
    }
}
