//! Per-pane secrets. The app gives each child a token in `RALLISH_TOKEN`; a request is
//! believed to come from a pane only if it carries that pane's token.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::protocol::{ErrorCode, Response};

/// A fresh token: 128 random bits from the OS, as 32 lowercase hex digits.
pub fn new_token() -> String {
    let mut bytes = [0u8; 16];
    // Fails only without any OS entropy source, where nothing secure can be done anyway.
    getrandom::fill(&mut bytes).expect("the OS random number generator is unavailable");
    bytes.iter().fold(String::with_capacity(32), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Compares two tokens in time that depends only on their lengths.
pub fn tokens_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let diff = a
        .iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| std::hint::black_box(acc | (x ^ y)));
    diff == 0
}

/// Checks that `token` is the one issued to `pane`. `expected` maps pane id -> token.
/// The `Err` is the response to send back (`unknown_pane` or `bad_token`).
pub fn authenticate<S: std::hash::BuildHasher>(
    expected: &HashMap<String, String, S>,
    pane: &str,
    token: &str,
) -> Result<(), Response> {
    match expected.get(pane) {
        None => Err(Response::error(
            ErrorCode::UnknownPane,
            format!("there is no pane {pane:?} in this rally"),
        )),
        Some(good) if tokens_equal(good, token) => Ok(()),
        Some(_) => Err(Response::error(
            ErrorCode::BadToken,
            format!("wrong token for pane {pane:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_128_bit_hex_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 32);
        assert!(
            a.bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_ne!(a, b);
    }

    #[test]
    fn equality() {
        assert!(tokens_equal("abc", "abc"));
        assert!(tokens_equal("", ""));
        assert!(!tokens_equal("abc", "abd"));
        assert!(!tokens_equal("abc", "abcd"));
    }

    #[test]
    fn authenticate_names_the_failure() {
        let table = HashMap::from([("a".to_string(), "t1".to_string())]);
        assert_eq!(authenticate(&table, "a", "t1"), Ok(()));
        let code = |r: Result<(), Response>| match r {
            Err(Response::Failed { code, .. }) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(code(authenticate(&table, "a", "t2")), ErrorCode::BadToken);
        assert_eq!(
            code(authenticate(&table, "z", "t1")),
            ErrorCode::UnknownPane
        );
    }
}
