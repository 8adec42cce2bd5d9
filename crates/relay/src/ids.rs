//! The ids a relay message carries, checked before anything is keyed by them: they end up in maps, logs and the
//! replies sent back, so only a short, plain alphabet is accepted.

/// Request ids: 8 to 64 of `A-Z a-z 0-9 - _` (a UUID, or the 32 hex digits a player's page derives).
pub fn is_request_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.bytes().all(is_id_byte)
}

/// User ids: Foundry's are 16 letters and digits; accept 1 to 64 of the request-id alphabet.
pub fn is_user_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(is_id_byte)
}

fn is_id_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_request_id("0123456789abcdef0123456789abcdef"));
        assert!(is_request_id("550e8400-e29b-41d4-a716-446655440000"));
        assert!(!is_request_id("short"));
        assert!(!is_request_id(&"a".repeat(65)));
        assert!(!is_request_id("has space1"));
        assert!(!is_request_id("ünïcode-id"));
        assert!(is_user_id("abcDEF0123456789"));
        assert!(!is_user_id(""));
        assert!(!is_user_id("a/b"));
    }
}
