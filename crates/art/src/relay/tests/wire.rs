//! The art relay's messages to the byte: what players' and GMs' pages of this version exchange.

use super::*;

#[test]
fn every_message_keeps_its_json() {
    let id = || "req-000001".to_string();
    let to_gm = [
        (
            request_message("req-000001", ALICE, "a wyvern", vec![Preset::Token], 2),
            r#"{"v":1,"type":"request","requestId":"req-000001","userId":"aliceUserId0001","prompt":"a wyvern","presets":["token"],"variants":2}"#,
        ),
        (
            cancel_message("req-000001"),
            r#"{"v":1,"type":"cancel","requestId":"req-000001"}"#,
        ),
        (
            resume_message("req-000001"),
            r#"{"v":1,"type":"resume","requestId":"req-000001"}"#,
        ),
    ];
    for (text, expected) in to_gm {
        assert_eq!(text, expected);
        let again = decode::<ArtToGm>(text.as_bytes(), 4096).map(|message| encode(&message));
        assert_eq!(again.as_deref(), Ok(expected));
    }
    let to_player = [
        (
            ArtToPlayer::Accepted { request_id: id() },
            r#"{"v":1,"type":"accepted","requestId":"req-000001"}"#,
        ),
        (
            ArtToPlayer::Finished {
                request_id: id(),
                images: Vec::new(),
                discarded: 1,
            },
            r#"{"v":1,"type":"finished","requestId":"req-000001","images":[],"discarded":1}"#,
        ),
        (
            ArtToPlayer::Refused {
                request_id: None,
                error: ArtRelayError::NoProviders,
            },
            r#"{"v":1,"type":"refused","requestId":null,"error":{"code":"noProviders"}}"#,
        ),
    ];
    for (message, expected) in to_player {
        assert_eq!(encode(&message), expected);
        assert_eq!(read_reply(expected.as_bytes()), Some(message));
    }
    // Towards the player, an added field is no break and a missing `discarded` is 0.
    let lenient = r#"{"v":1,"type":"finished","requestId":"req-000001","images":[],"later":1}"#;
    assert_eq!(
        read_reply(lenient.as_bytes()),
        Some(ArtToPlayer::Finished {
            request_id: id(),
            images: Vec::new(),
            discarded: 0,
        })
    );
}
