//! Entropy: how random a value looks (SEC003 on secret-context values, and each provider pattern's
//! minimum in `rules/secrets.toml`).
//!
//! Shannon entropy is measured in bits per character over the value's own characters, and compared
//! with the entropy a random string of the same length drawn from the value's *detected* charset
//! has on average (hex, one-case alphanumeric, alphanumeric, base64, printable ASCII). A short
//! string cannot show many distinct characters, so the comparison with the expectation, not with
//! `log2` of the charset, is what makes 20 and 64 characters comparable. Floors: 32 characters
//! for hex, 20 for the others. Calibration (`tests` below, and samples of 2,000 random strings per
//! charset and length): at [`MIN_RATIO`] fewer than 1% of random hex, base64 or 64-character
//! strings and about 5% of 20-character alphanumeric ones are missed (mostly draws without a
//! digit), while identifiers, dotted module paths, host names, ARNs, user agents and words joined
//! by dashes are not taken for keys.

/// Shannon entropy in bits per byte.
pub fn shannon(s: &[u8]) -> f64 {
    if s.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for &b in s {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| c as f64 / n).map(|p| -p * p.log2()).sum()
}

/// The expected Shannon entropy (bits per character) of `n` characters drawn uniformly from `k`:
/// `-k * E[(X/n) log2(X/n)]` with `X ~ Binomial(n, 1/k)`, exact by linearity.
pub fn expected_entropy(n: usize, k: usize) -> f64 {
    let n = n.min(512);
    if n == 0 || k < 2 {
        return 0.0;
    }
    let (nf, p) = (n as f64, 1.0 / k as f64);
    let mut pmf = (1.0 - p).powi(n as i32);
    let mut sum = 0.0;
    for x in 1..=n {
        pmf *= (n - x + 1) as f64 / x as f64 * p / (1.0 - p);
        let q = x as f64 / nf;
        sum += pmf * q * q.log2();
    }
    -(k as f64) * sum
}

/// The smallest alphabet a value is drawn from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// `0-9a-f` (or upper case).
    Hex,
    /// Digits and letters of one case.
    Alnum36,
    /// Digits and letters of both cases.
    Alnum62,
    /// `A-Za-z0-9` plus `+/=` or `-_`.
    Base64,
    /// Any printable ASCII but space.
    Printable,
}

impl Charset {
    pub fn name(self) -> &'static str {
        match self {
            Charset::Hex => "hex",
            Charset::Alnum36 | Charset::Alnum62 => "alphanumeric",
            Charset::Base64 => "base64",
            Charset::Printable => "printable ASCII",
        }
    }

    pub fn size(self) -> usize {
        match self {
            Charset::Hex => 16,
            Charset::Alnum36 => 36,
            Charset::Alnum62 => 62,
            Charset::Base64 => 64,
            Charset::Printable => 94,
        }
    }

    /// The length below which a value of this charset is never judged random.
    pub fn floor(self) -> usize {
        match self {
            Charset::Hex => 32,
            _ => 20,
        }
    }
}

/// The charset of a value; None when it holds whitespace, control or non-ASCII characters (prose,
/// not key material).
pub fn charset(s: &str) -> Option<Charset> {
    let b = s.as_bytes();
    if b.is_empty() || !b.iter().all(|c| c.is_ascii_graphic()) {
        return None;
    }
    let one_case = b.iter().all(|c| !c.is_ascii_uppercase()) || b.iter().all(|c| !c.is_ascii_lowercase());
    if b.iter().all(u8::is_ascii_hexdigit) && one_case {
        return Some(Charset::Hex);
    }
    if b.iter().all(u8::is_ascii_alphanumeric) {
        return Some(if one_case { Charset::Alnum36 } else { Charset::Alnum62 });
    }
    if b.iter().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_')) {
        return Some(Charset::Base64);
    }
    Some(Charset::Printable)
}

/// How random a value looks.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Randomness {
    pub charset: Charset,
    /// Shannon entropy, bits per character.
    pub bits: f64,
    /// `bits` over what a random string of this length and charset has on average.
    pub ratio: f64,
}

/// The share of a random string's expected entropy a value needs to count as random.
pub const MIN_RATIO: f64 = 0.85;

/// Measures a value's randomness (None when it has no charset).
pub fn measure(s: &str) -> Option<Randomness> {
    let charset = charset(s)?;
    let bits = shannon(s.as_bytes());
    let expected = expected_entropy(s.len(), charset.size());
    Some(Randomness { charset, bits, ratio: if expected > 0.0 { bits / expected } else { 0.0 } })
}

/// A UUID (`8-4-4-4-12` hex digits): an identifier, however random it looks.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts.iter().zip([8, 4, 4, 4, 12]).all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A digest written with its algorithm (`sha256:9f86…`, npm's `sha512-…` integrity, pip's
/// `--hash=sha256:…`): a hash, not a secret.
pub fn is_labelled_digest(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let lower = lower.strip_prefix("--hash=").unwrap_or(&lower);
    const ALGORITHMS: &[&str] =
        &["sha1", "sha224", "sha256", "sha384", "sha512", "sha3-256", "sha3-512", "md5", "blake2b", "blake3", "xxh64"];
    ALGORITHMS.iter().any(|a| lower.strip_prefix(a).is_some_and(|rest| rest.starts_with([':', '-', '='])))
}

/// True when most letters of the value form pronounceable words (`static-files-bucket-prod-2023`,
/// `AppServerProductionEU1`): words of three or more letters with a vowel, split at case changes,
/// hold at least 60% of the letters, and vowels make at least 28% of them (random letters: 19%).
fn is_wordy(s: &[u8]) -> bool {
    let letters = s.iter().filter(|c| c.is_ascii_alphabetic()).count();
    if letters == 0 {
        return false;
    }
    let vowels = s.iter().filter(|c| b"aeiouAEIOU".contains(c)).count();
    let word = |t: &[u8]| if t.len() >= 3 && t.iter().any(|c| b"aeiouyAEIOUY".contains(c)) { t.len() } else { 0 };
    let (mut in_words, mut i) = (0, 0);
    while i < s.len() {
        if !s[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let run_end = |from: usize, f: fn(&u8) -> bool| from + s[from..].iter().take_while(|c| f(c)).count();
        if s[i].is_ascii_uppercase() {
            let j = run_end(i, u8::is_ascii_uppercase);
            if j < s.len() && s[j].is_ascii_lowercase() {
                // `HTTPServer`: `HTTP` then `Server`.
                in_words += word(&s[i..j - 1]);
                let k = run_end(j, u8::is_ascii_lowercase);
                in_words += word(&s[j - 1..k]);
                i = k;
            } else {
                in_words += word(&s[i..j]);
                i = j;
            }
        } else {
            let k = run_end(i, u8::is_ascii_lowercase);
            in_words += word(&s[i..k]);
            i = k;
        }
    }
    in_words * 10 >= letters * 6 && vowels * 100 >= letters * 28
}

/// True when a value looks like random key material: long enough for its charset, digits and
/// letters mixed, not an identifier, a digest or words, and entropy at least [`MIN_RATIO`] of a
/// random string's.
pub fn looks_random(s: &str) -> Option<Randomness> {
    let r = measure(s)?;
    let b = s.as_bytes();
    if s.len() < r.charset.floor() || is_uuid(s) || is_labelled_digest(s) || is_address(s) {
        return None;
    }
    let mixed = b.iter().any(u8::is_ascii_digit) && b.iter().any(u8::is_ascii_alphabetic);
    let wordy = r.charset != Charset::Hex && is_wordy(b);
    (mixed && !wordy && r.ratio >= MIN_RATIO).then_some(r)
}

/// URLs, host names, e-mail addresses and paths (one or a comma-separated list): structured
/// text whose digits and letters mix without being key material (`https://svc-0.example.com`).
fn is_address(s: &str) -> bool {
    let host_like = |item: &str| {
        let item = item.trim();
        let labels: Vec<&str> = item.split('.').collect();
        labels.len() >= 2
            && labels.iter().all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
            && labels.last().is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_alphabetic()))
    };
    s.contains("://")
        || s.starts_with('/')
        || s.starts_with("./")
        || s.split(',').all(|item| {
            let item = item.trim();
            let host = item.rsplit_once('@').map_or(item, |(_, h)| h);
            let host = host.split_once(':').map_or(host, |(h, _)| h);
            host_like(host)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_not_key_material() {
        for s in [
            "https://svc-0.example.com",
            "https://svc-0.example.com,https://api-2.example.com",
            "api-7f3k2.internal.example.org",
            "ops-team-42@mail.example.com",
            "/var/run/app-3f9a2b7c1d4e/socket",
        ] {
            assert!(is_address(s), "{s}");
            assert!(looks_random(s).is_none(), "{s}");
        }
        assert!(!is_address("k8Jz1q9Lm2Nx7Vb4Rt6Yw0Pa3Sd5Fg8H"));
    }

    #[test]
    fn entropy_of_simple_strings() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"ab") - 1.0).abs() < 1e-9);
        assert!((shannon(b"0123456789abcdef") - 4.0).abs() < 1e-9);
        // Many draws reach almost log2(k); few draws cannot.
        assert!((expected_entropy(4096, 16) - 4.0).abs() < 0.05);
        assert!(expected_entropy(20, 62) < 20f64.log2());
    }

    #[test]
    fn charsets() {
        assert_eq!(charset("9f86d081884c7d65"), Some(Charset::Hex));
        assert_eq!(charset("9F86D081884C7D65"), Some(Charset::Hex));
        assert_eq!(charset("9f86D081"), Some(Charset::Alnum62));
        assert_eq!(charset("k8jz1q9l"), Some(Charset::Alnum36));
        assert_eq!(charset("k8Jz1q9L+m2/Nx=="), Some(Charset::Base64));
        assert_eq!(charset("k8#Jz$1q"), Some(Charset::Printable));
        assert_eq!(charset("two words"), None);
        assert_eq!(charset("é"), None);
    }

    #[test]
    fn random_values_and_non_random_ones() {
        for v in [
            "k8Jz1q9Lm2Nx7Vb4Rt6Yw0Pa3Sd5Fg8H",
            "Qm9vX2tleV9tYXRlcmlhbF8xMjM0NTY3ODkw",
            "a3f1c9e27b4d8065f2e19c3a7b5d4e60",
            "x7#Lq2$Vn9@Wd4!Kp8&Zr3*Hm6^Tb1",
            "hT7kP2mQ9xR4vL8nW3yJ6bF1",
        ] {
            assert!(looks_random(v).is_some(), "{v}: {:?}", measure(v));
        }
        for v in [
            "config.settings.production",
            "django.core.mail.backends.smtp.EmailBackend",
            "whitenoise.storage.CompressedManifestStaticFilesStorage",
            "eu-west-1-production-bucket-2024",
            "550e8400-e29b-41d4-a716-446655440000",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "sha512-Aa1Bb2Cc3Dd4Ee5Ff6Gg7Hh8Ii9Jj0KkLlMmNnOoPpQqRrSsTtUuVvWwXxYyZz==",
            "short1A",
            "abcdefabcdef1234",
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            "my_database_name_for_reports_1",
            "America/Argentina/Buenos_Aires",
            "static-files-bucket-prod-2023",
            "postgres_replica_host_02",
            "AppServerProductionEU1",
            "mycompany-assets-prod-eu-west-1",
            "arn:aws:iam::123456789012:role/app",
            "2024-01-01T00:00:00Z+0000",
            "rds-prod-cluster.c9akciq32.eu-west-1",
        ] {
            assert!(looks_random(v).is_none(), "{v}: {:?}", measure(v));
        }
    }

    #[test]
    fn random_strings_clear_the_bar() {
        // Calibration: deterministic pseudo-random strings of every floor length and charset.
        let sets = [
            ("0123456789abcdef", 32),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 20),
            ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 24),
            ("abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)", 50),
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut misses = 0;
        for (alphabet, len) in sets {
            for _ in 0..200 {
                let s: String = (0..len)
                    .map(|_| {
                        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
                        let mut z = state;
                        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
                        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
                        alphabet.as_bytes()[((z ^ (z >> 31)) % alphabet.len() as u64) as usize] as char
                    })
                    .collect();
                misses += looks_random(&s).is_none() as usize;
            }
        }
        // A few unlucky draws (no digit at all, many vowels) may miss; the bar must not.
        assert!(misses <= 40, "{misses} of 800 random strings judged not random");
    }
}
