#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // A path that does not exist: the build context lookups find nothing, read nothing.
    let root = Path::new("/nonexistent-preflight-fuzz");
    let model = preflight::parse::dockerfile::DockerfileModel::load(&text, &root.join("Dockerfile"), root);
    let _ = format!("{model:?}");
});
