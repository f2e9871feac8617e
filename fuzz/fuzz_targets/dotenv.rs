#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let env = preflight::parse::dotenv::parse(&text);
    // Every span the parser hands out must lie inside the text.
    let _ = preflight::secrets::env_redactions(&env, &text).iter().map(|r| &text[r.clone()]).count();
});
