//! Fake tokens for the examples of `rules/secrets.toml`, generated rather than stored.
//!
//! The pattern file holds templates (`ghp_{{base62:36}}`), never a credential-shaped literal, so
//! nothing in the repository looks like a leaked token to a secret scanner or to push protection.
//! [`expand`] fills each `{{charset:N}}` with `N` characters from a splitmix64 generator seeded by
//! the caller (the tests use the pattern id and the example's index), so the same template always
//! gives the same, random-looking, fake token.

/// The characters of each charset name a template may use.
pub fn alphabet(name: &str) -> Option<&'static str> {
    Some(match name {
        "base62" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "base64" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "base64url" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
        "hex" => "0123456789abcdef",
        "HEX" => "0123456789ABCDEF",
        "upper" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "lower" => "abcdefghijklmnopqrstuvwxyz",
        "letters" => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "digits" => "0123456789",
        "upperdigit" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "base32" => "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
        "django" => "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)",
        "bech32" => "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L",
        _ => return None,
    })
}

/// A splitmix64 stream.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `n` characters of `alphabet`, with no run of four equal characters (which would read as
    /// filler, `xxxx`, and be dropped as a placeholder).
    pub fn string(&mut self, alphabet: &str, n: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        let mut out: Vec<char> = Vec::with_capacity(n);
        while out.len() < n {
            let c = chars[(self.next_u64() % chars.len() as u64) as usize];
            let k = out.len();
            if k >= 3 && out[k - 3..].iter().all(|&p| p == c) {
                continue;
            }
            out.push(c);
        }
        out.into_iter().collect()
    }
}

/// A stable seed from text (FNV-1a).
pub fn seed(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// Expands every `{{charset:N}}` of a template. Panics on an unknown charset or a bad length: the
/// templates are ours, and a test expands them all.
pub fn expand(template: &str, seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").unwrap_or_else(|| panic!("unclosed `{{{{` in example `{template}`"));
        let (name, len) =
            after[..close].split_once(':').unwrap_or_else(|| panic!("`{{{{charset:N}}}}` in `{template}`"));
        let alphabet = alphabet(name).unwrap_or_else(|| panic!("unknown charset `{name}` in `{template}`"));
        let n: usize = len.parse().unwrap_or_else(|_| panic!("bad length `{len}` in `{template}`"));
        out.push_str(&rng.string(alphabet, n));
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_expand_deterministically() {
        let a = expand("ghp_{{base62:36}}", 7);
        assert_eq!(a, expand("ghp_{{base62:36}}", 7));
        assert_ne!(a, expand("ghp_{{base62:36}}", 8));
        assert_eq!(a.len(), 40);
        assert!(a[4..].bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_eq!(expand("a{{digits:3}}b{{hex:2}}", 1).len(), 7);
        assert_eq!(expand("plain", 1), "plain");
    }
}
