//! Compose files: a marked YAML model ([`yaml`]), Compose interpolation ([`interp`]), the typed
//! service view ([`service`]), Compose's merge rules ([`merge`]) and the merged project view of
//! file sets, overrides, `include:` and `extends:` ([`apps`]).
//!
//! [`parse`] reads one file on its own (in the parallel parse stage): the YAML tree with aliases
//! expanded and `<<` applied, and everything Compose would refuse (DC012). Interpolation and
//! merging need other files (the project `.env`, override files, extended files), so they happen
//! when the project model is built ([`apps::build`]).

pub mod apps;
pub mod interp;
pub mod merge;
pub mod service;
pub mod yaml;

use std::ops::Range;

use crate::source::FileId;
pub use service::Service;
pub use yaml::{Value, ValueKind, YamlError};

/// One compose file, parsed on its own.
#[derive(Debug, Clone, Default)]
pub struct ComposeFile {
    /// The root mapping: aliases expanded, `<<` applied, not interpolated. None when the file is
    /// not valid YAML, not a mapping, or its aliases expand past the budget.
    pub tree: Option<Value>,
    /// Everything Compose refuses (DC012), in file order.
    pub errors: Vec<YamlError>,
    /// The file holds Jinja markers (`{{`, `{%`): a cookiecutter/copier template. The markers
    /// were read as unknown values (`{{ x }}`) or blanks (`{% if %}`) so the rest still parses.
    pub jinja: bool,
}

impl ComposeFile {
    /// The service mappings: `(name, key span, body)`.
    pub fn services(&self) -> impl Iterator<Item = &yaml::Entry> {
        self.tree.as_ref().and_then(|t| t.get("services")).and_then(Value::as_map).unwrap_or_default().iter()
    }
}

/// True when the text holds Jinja markers.
pub fn has_jinja_markers(text: &str) -> bool {
    text.contains("{{") || text.contains("{%")
}

/// Replaces Jinja markers by text of the same byte length that YAML reads: `{{ expr }}` becomes
/// `${____}` (an unknown variable), `{% tag %}` and `{# comment #}` become blanks. Newlines stay,
/// so every span still points at the original text.
fn mask_jinja(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        let close = match at.as_bytes().get(1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                out.push('{');
                rest = &at[1..];
                continue;
            }
        };
        let Some(end) = at[2..].find(close).map(|e| e + 4) else {
            out.push_str(at);
            return out;
        };
        let marker = &at[..end];
        if close == "}}" && !marker.contains(['\n', '\r']) {
            out.push_str("${");
            // `{{` + `}}` is four bytes: `${` + `}` leave at least one for the name.
            for _ in 0..end - 3 {
                out.push('_');
            }
            out.push('}');
        } else {
            out.extend(marker.chars().flat_map(|c| {
                let fill = if c == '\n' || c == '\r' { c } else { ' ' };
                std::iter::repeat_n(fill, c.len_utf8())
            }));
        }
        rest = &at[end..];
    }
    out.push_str(rest);
    out
}

/// Parses one compose file. Never fails: what Compose would refuse is in [`ComposeFile::errors`].
pub fn parse(text: &str, file: FileId) -> ComposeFile {
    let jinja = has_jinja_markers(text);
    let masked;
    let text = if jinja {
        masked = mask_jinja(text);
        masked.as_str()
    } else {
        text
    };
    let doc = yaml::load(text);
    let mut out = ComposeFile { tree: None, errors: doc.errors.clone(), jinja };
    // A syntax error: Compose refuses the whole file, so nothing of it is judged.
    let syntax_error =
        doc.errors.iter().any(|e| e.message.starts_with("invalid YAML") || e.message.starts_with("nesting"));
    if syntax_error {
        return out;
    }
    let tree = match doc.resolve(file) {
        Ok(t) => t,
        Err(mut e) => {
            if e.message == yaml::ALIAS_LIMIT {
                e.message = format!(
                    "{}: the aliases expand past {} nodes (a \"billion laughs\" file), which would exhaust \
                     Compose's memory",
                    yaml::ALIAS_LIMIT,
                    yaml::ALIAS_BUDGET
                );
            }
            out.errors.push(e);
            return out;
        }
    };
    let Some(tree) = tree else {
        out.errors.push(YamlError::new(0..0, "not a compose file: the file holds no YAML document"));
        return out;
    };
    let shape = |v: &Value| match v.kind {
        ValueKind::Null => "nothing",
        ValueKind::Str(_) => "a scalar",
        ValueKind::Seq(_) => "a list",
        ValueKind::Map(_) => "a mapping",
    };
    if tree.as_map().is_none() {
        // Point at the first line of the document.
        let start = tree.span.start;
        let end = text[start..].find(['\n', '\r']).map_or(text.len(), |i| start + i).min(tree.span.end.max(start));
        out.errors.push(YamlError::new(
            start..end,
            format!("not a compose file: the top level is {}, not a mapping", shape(&tree)),
        ));
        return out;
    }
    if let Some(services) = tree.entry("services") {
        match &services.value.kind {
            ValueKind::Map(entries) => {
                for e in entries {
                    if !matches!(e.value.kind, ValueKind::Map(_)) {
                        let mut err = YamlError::new(
                            e.value.span.range(),
                            format!(
                                "service `{}` is {}, not a mapping: Compose refuses the file",
                                e.key,
                                shape(&e.value)
                            ),
                        );
                        if e.value.span.range().is_empty() {
                            err.span = e.key_span.range();
                        }
                        out.errors.push(err);
                    }
                }
            }
            ValueKind::Null => {}
            _ => out.errors.push(YamlError::new(
                services.value.span.range(),
                format!("`services` is {}, not a mapping: Compose refuses the file", shape(&services.value)),
            )),
        }
    }
    // Interpolation syntax (Compose refuses `${` without its `}`).
    let empty = interp::Vars::default();
    tree.walk(&mut |v| {
        if let ValueKind::Str(s) = &v.kind {
            if v.span.file == file && s.text.contains("${") {
                if let Some(e) = interp::interpolate(&s.text, &empty).error {
                    // From the last `${` as written, when the scalar is written as is.
                    let written = text.get(v.span.range()).unwrap_or_default();
                    let start = written.rfind("${").map_or(v.span.start, |i| v.span.start + i);
                    let mut err = YamlError::new(start..v.span.end, format!("{e}: Compose refuses the file"));
                    err.label = Some("invalid interpolation".into());
                    out.errors.push(err);
                }
            }
        }
    });
    out.errors.sort_by_key(|e| (e.span.start, e.span.end));
    out.errors.dedup();
    out.tree = Some(tree);
    out
}

/// Byte ranges of secret values in a compose file's `environment:` and `build.args:` entries
/// (masked whenever the file's text is shown), as `secrets::env_redactions` does for env files.
pub fn redactions(file: &ComposeFile, text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut add = |key: &str, value: &Value, span: Range<usize>| {
        let Some(s) = value.as_str() else { return };
        let v = s.text.as_str();
        if crate::secrets::is_secret_name(key) && !v.is_empty() && !crate::secrets::is_placeholder(v, key) {
            out.push(span);
        }
    };
    for service in file.services() {
        let body = &service.value;
        let lists = [body.get("environment"), body.get("build").and_then(|b| b.get("args"))];
        for list in lists.into_iter().flatten() {
            match &list.kind {
                ValueKind::Map(entries) => {
                    for e in entries {
                        if let Some(s) = e.value.as_str() {
                            let r = e.value.span.range();
                            let written = text.get(r.clone()).unwrap_or_default();
                            // The text between the quotes when quoted.
                            let inner = if written.len() >= 2 && written.len() == s.text.len() + 2 {
                                r.start + 1..r.end - 1
                            } else {
                                r
                            };
                            add(&e.key, &e.value, inner);
                        }
                    }
                }
                ValueKind::Seq(items) => {
                    for item in items {
                        let Some(s) = item.as_str() else { continue };
                        let Some((key, value)) = s.text.split_once('=') else { continue };
                        let r = item.span.range();
                        let written = text.get(r.clone()).unwrap_or_default();
                        // Mask from the `=` on (the whole item when it is written with escapes).
                        let span = match written.find('=') {
                            Some(eq) if written.ends_with(value) || written.len() == s.text.len() + 2 => {
                                let end = if written.len() == s.text.len() + 2 { r.end - 1 } else { r.end };
                                r.start + eq + 1..end
                            }
                            _ => r,
                        };
                        let v = Value {
                            kind: ValueKind::Str(yaml::Str { text: value.to_string(), style: s.style }),
                            ..item.clone()
                        };
                        add(key, &v, span);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse(text, 0).errors.into_iter().map(|e| format!("{}: {}", &text[e.span.clone()], e.message)).collect()
    }

    #[test]
    fn bad_input_is_a_value() {
        assert!(errors("services:\n\tweb: {}\n")[0].contains("invalid YAML"));
        assert!(errors("- a\n- b\n")[0].contains("top level is a list"));
        assert!(errors("just text\n")[0].contains("top level is a scalar"));
        assert!(errors("")[0].contains("no YAML document"));
        assert!(errors("services: [a]\n")[0].contains("`services` is a list"));
        assert!(errors("services:\n  web:\n")[0].contains("service `web` is nothing"));
        assert!(errors("services:\n  web:\n    image: \"${X\"\n")[0].contains("never closed"));
        let dup = errors("services:\n  web:\n    privileged: false\n    privileged: true\n");
        assert_eq!(dup.len(), 1);
        assert!(dup[0].starts_with("privileged: the key `privileged` is defined twice"), "{dup:?}");
        // The duplicate is reported, and the file is still read (the later key wins).
        let f = parse("services:\n  web:\n    privileged: false\n    privileged: true\n", 0);
        assert!(f.tree.is_some());
        // A BOM is skipped, and spans stay byte offsets.
        let text = "\u{feff}services:\n  web:\n    image: é\n";
        let f = parse(text, 0);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let web = f.services().next().unwrap();
        assert_eq!(&text[web.key_span.range()], "web");
    }

    #[test]
    fn alias_bomb_is_one_error_in_bounded_time() {
        let mut text = String::from("x-a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..12 {
            let p = i - 1;
            let refs = vec![format!("*a{p}"); 10].join(", ");
            text.push_str(&format!("x-a{i}: &a{i} [{refs}]\n"));
        }
        text.push_str("services:\n  web:\n    command: *a11\n");
        let start = std::time::Instant::now();
        let f = parse(&text, 0);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(f.errors.len(), 1);
        assert!(f.errors[0].message.starts_with("alias expansion limit exceeded"));
        assert!(f.tree.is_none());
    }

    #[test]
    fn ten_megabytes_parse_in_bounded_time() {
        let mut text = String::from("services:\n");
        let mut i = 0;
        while text.len() < 10 * 1024 * 1024 {
            text.push_str(&format!(
                "  svc{i}:\n    image: \"postgres:16\"\n    ports: [\"127.0.0.1:5432:5432\"]\n    environment:\n      - A=1\n"
            ));
            i += 1;
        }
        let start = std::time::Instant::now();
        let f = parse(&text, 0);
        assert!(f.errors.is_empty());
        assert_eq!(f.services().count(), i);
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "{:?}", start.elapsed());
    }

    #[test]
    fn jinja_markers_are_masked_keeping_spans() {
        let text =
            "services:\n  web:\n    image: {{ cookiecutter.image }}\n{% if x %}\n    privileged: true\n{% endif %}\n";
        let f = parse(text, 0);
        assert!(f.jinja);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let web = f.services().next().unwrap();
        let image = web.value.get("image").unwrap();
        assert_eq!(&text[image.span.range()], "{{ cookiecutter.image }}");
        assert_eq!(mask_jinja("a{{}}b"), "a${_}b");
    }

    #[test]
    fn secret_environment_values_are_redacted() {
        let text = "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: \"s3cr3t-Pa55w0rd!\"\n      DEBUG: 'x'\n  web:\n    environment:\n      - SECRET_KEY=k8Jz1q9Lm2Nx7Vb4Rt6Yw0\n      - OTHER=1\n      - API_TOKEN=changeme\n";
        let f = parse(text, 0);
        let r: Vec<&str> = redactions(&f, text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(r, ["s3cr3t-Pa55w0rd!", "k8Jz1q9Lm2Nx7Vb4Rt6Yw0"]);
    }
}
