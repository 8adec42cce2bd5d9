//! The relay's socket messages: a player's message to the GM is hostile input; the GM's to a player is read
//! leniently. Invariants: a message over the size limit is refused before parsing; whatever decodes encodes to
//! `{"v":1,...}` and decodes again to the same message; a refused message's request id is a valid one.
#![no_main]

use familiar_relay::ids::is_request_id;
use familiar_chat::relay::wire::{decode, encode, ToGm, ToPlayer};
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;
use serde::Serialize;

const LIMIT: usize = 2048;

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(raw: &[u8]) {
    match decode::<T>(raw, LIMIT) {
        Ok(message) => {
            let text = encode(&message);
            assert!(text.starts_with(r#"{"v":1,"#), "{text}");
            let again = decode::<T>(text.as_bytes(), usize::MAX);
            assert_eq!(
                again.as_ref().ok(),
                Some(&message),
                "{text} did not decode to itself"
            );
        }
        Err((_, Some(request_id))) => assert!(is_request_id(&request_id), "{request_id:?}"),
        Err((_, None)) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip::<ToGm>(data);
    round_trip::<ToPlayer>(data);
    let mut oversized = data.to_vec();
    oversized.resize(LIMIT + 1, b' ');
    assert!(decode::<ToGm>(&oversized, LIMIT).is_err());
});
