//! Compose's merge rules (the specification's "Merge" section), used for override files, file
//! sets and `extends:`:
//! - mappings merge key by key, the later file's scalars win;
//! - sequences append, except the unique resources: `ports` (by host IP, published port, target
//!   and protocol), `volumes` (by target), `secrets` and `configs` (by target, else source), where
//!   a later item replaces an earlier one with the same key; and the sets `cap_add`, `cap_drop`,
//!   `security_opt`, `dns`, `expose`, `profiles`, `env_file`... where duplicates are dropped;
//! - `command`, `entrypoint` and `healthcheck.test` are replaced, never appended;
//! - `environment`, `labels`, `build.args`, `sysctls`, `extra_hosts`, `annotations` may be a list
//!   (`KEY=VALUE`) or a mapping: they merge by key;
//! - `x-*` extension keys are replaced;
//! - a value tagged `!override` replaces the earlier one whole, and one tagged `!reset` removes
//!   it ([`drop_resets`] then removes the tagged value itself).

use super::yaml::{Entry, Value, ValueKind};

/// Sequences that behave as sets.
const SETS: &[&str] = &[
    "cap_add",
    "cap_drop",
    "security_opt",
    "dns",
    "dns_search",
    "dns_opt",
    "expose",
    "profiles",
    "env_file",
    "external_links",
    "links",
    "group_add",
    "device_cgroup_rules",
    "tmpfs",
    "devices",
    "volumes_from",
];
/// Keys that are lists of `KEY=VALUE` or mappings.
const KEYED: &[&str] = &["environment", "labels", "args", "sysctls", "extra_hosts", "annotations"];
/// Keys replaced whole.
const REPLACED: &[&str] = &["command", "entrypoint"];

/// Merges an override file's root mapping into the base's.
pub fn merge_roots(base: Value, over: Value) -> Value {
    merge(base, over, &[])
}

/// Merges an overriding service body into a base service body (`extends`, overrides).
pub fn merge_services(base: Value, over: Value) -> Value {
    merge(base, over, &["services", "*"])
}

fn in_service(path: &[&str]) -> bool {
    path.len() >= 2 && path[0] == "services"
}

fn merge(base: Value, over: Value, path: &[&str]) -> Value {
    if over.tagged("!override") || over.tagged("!reset") {
        return over;
    }
    let last = path.last().copied().unwrap_or_default();
    if in_service(path) && path.len() == 3 && REPLACED.contains(&last) {
        return over;
    }
    if in_service(path) && path.len() == 4 && path[2] == "healthcheck" && last == "test" {
        return over;
    }
    if last.starts_with("x-") {
        return over;
    }
    let keyed =
        in_service(path) && KEYED.contains(&last) && (path.len() == 3 || (path.len() == 4 && path[2] == "build"));
    match (base.kind, over.kind) {
        (ValueKind::Map(b), ValueKind::Map(o)) => {
            let mut out: Vec<Entry> = b;
            for entry in o {
                match out.iter().rposition(|e| e.key == entry.key) {
                    Some(i) => {
                        let old = out.remove(i);
                        let mut next: Vec<&str> = path.to_vec();
                        next.push(if path.len() == 1 && path[0] == "services" { "*" } else { entry.key.as_str() });
                        let value = merge(old.value, entry.value, &next);
                        out.insert(i, Entry { key: entry.key, key_span: entry.key_span, value });
                    }
                    None => out.push(entry),
                }
            }
            Value { kind: ValueKind::Map(out), span: over.span, tag: over.tag, via: over.via }
        }
        (bk, ok) if keyed => {
            let b = keyed_entries(Value { kind: bk, span: base.span, tag: base.tag, via: base.via });
            let o = keyed_entries(Value { kind: ok, span: over.span, tag: over.tag.clone(), via: over.via.clone() });
            let mut out = b;
            for (key, item) in o {
                out.retain(|(k, _)| *k != key);
                out.push((key, item));
            }
            Value {
                kind: ValueKind::Seq(out.into_iter().map(|(_, v)| v).collect()),
                span: over.span,
                tag: over.tag,
                via: over.via,
            }
        }
        (ValueKind::Seq(b), ValueKind::Seq(o)) if in_service(path) && path.len() == 3 => {
            let key: Option<fn(&Value) -> String> = match last {
                "ports" => Some(port_key),
                "volumes" => Some(|v| field_or_text(v, &["target"], short_volume_target)),
                "secrets" | "configs" => Some(|v| field_or_text(v, &["target", "source"], |t| t.to_string())),
                _ if SETS.contains(&last) => Some(text_key),
                _ => None,
            };
            let mut out = b;
            match key {
                Some(key) => {
                    for item in o {
                        let k = key(&item);
                        out.retain(|x| key(x) != k);
                        out.push(item);
                    }
                }
                None => out.extend(o),
            }
            Value { kind: ValueKind::Seq(out), span: over.span, tag: over.tag, via: over.via }
        }
        (ValueKind::Seq(mut b), ValueKind::Seq(o)) => {
            b.extend(o);
            Value { kind: ValueKind::Seq(b), span: over.span, tag: over.tag, via: over.via }
        }
        (_, ok) => Value { kind: ok, span: over.span, tag: over.tag, via: over.via },
    }
}

fn text_key(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => s.text.clone(),
        ValueKind::Map(_) => v.get("path").and_then(Value::as_str).map(|s| s.text.clone()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn field_or_text(v: &Value, fields: &[&str], short: impl Fn(&str) -> String) -> String {
    match &v.kind {
        ValueKind::Str(s) => short(&s.text),
        ValueKind::Map(_) => {
            fields.iter().find_map(|f| v.get(f).and_then(Value::as_str).map(|s| s.text.clone())).unwrap_or_default()
        }
        _ => String::new(),
    }
}

fn short_volume_target(spec: &str) -> String {
    let parts: Vec<&str> = spec.split(':').collect();
    match parts.len() {
        1 => parts[0].to_string(),
        _ if parts.len() >= 3
            && matches!(
                parts[parts.len() - 1],
                "ro" | "rw" | "z" | "Z" | "cached" | "delegated" | "consistent" | "nocopy"
            ) =>
        {
            parts[parts.len() - 2].to_string()
        }
        _ => parts[parts.len() - 1].to_string(),
    }
}

fn port_key(v: &Value) -> String {
    match &v.kind {
        ValueKind::Str(s) => s.text.trim().to_string(),
        ValueKind::Map(_) => ["host_ip", "published", "target", "protocol"]
            .iter()
            .map(|f| v.get(f).and_then(Value::as_str).map(|s| s.text.clone()).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(":"),
        _ => String::new(),
    }
}

/// The items of a `KEY=VALUE` list or a mapping, keyed. A mapping entry becomes a one-entry
/// mapping item, so the typed view reads both shapes.
fn keyed_entries(v: Value) -> Vec<(String, Value)> {
    match v.kind {
        ValueKind::Seq(items) => items
            .into_iter()
            .map(|i| {
                let key = match &i.kind {
                    ValueKind::Str(s) => s.text.split_once('=').map_or(s.text.as_str(), |(k, _)| k).to_string(),
                    _ => String::new(),
                };
                (key, i)
            })
            .collect(),
        ValueKind::Map(entries) => entries
            .into_iter()
            .map(|e| {
                let key = e.key.clone();
                let span = e.key_span;
                (key, Value { kind: ValueKind::Map(vec![e]), span, tag: None, via: Vec::new() })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Removes every value tagged `!reset`, and the tag of every `!override`.
pub fn drop_resets(v: &mut Value) {
    match &mut v.kind {
        ValueKind::Map(entries) => {
            entries.retain(|e| !e.value.tagged("!reset"));
            for e in entries {
                drop_resets(&mut e.value);
            }
        }
        ValueKind::Seq(items) => {
            items.retain(|i| !i.tagged("!reset"));
            for i in items {
                drop_resets(i);
            }
        }
        _ => {}
    }
    if v.tagged("!override") {
        v.tag = None;
    }
}

/// A keyed list after a merge may hold one-entry mappings (from the mapping form): flattens it
/// back to one shape the typed view reads (a mapping when any item came from one).
pub fn normalize_keyed(v: &mut Value) {
    let ValueKind::Seq(items) = &v.kind else { return };
    if !items.iter().any(|i| matches!(i.kind, ValueKind::Map(_))) {
        return;
    }
    let ValueKind::Seq(items) = std::mem::replace(&mut v.kind, ValueKind::Null) else { return };
    let mut entries = Vec::new();
    for item in items {
        match item.kind {
            ValueKind::Map(es) => entries.extend(es),
            ValueKind::Str(s) => {
                let (k, val) = match s.text.split_once('=') {
                    Some((k, val)) => (k.to_string(), Some(val.to_string())),
                    None => (s.text.clone(), None),
                };
                let value = match val {
                    Some(text) => Value {
                        kind: ValueKind::Str(super::yaml::Str { text, style: s.style }),
                        span: item.span,
                        tag: None,
                        via: item.via.clone(),
                    },
                    None => Value::null(item.span),
                };
                entries.push(Entry { key: k, key_span: item.span, value });
            }
            _ => {}
        }
    }
    v.kind = ValueKind::Map(entries);
}

/// Applies [`normalize_keyed`] to every service's keyed lists.
pub fn normalize_services(root: &mut Value) {
    let Some(services) = root.as_map().map(|_| ()).and(match &mut root.kind {
        ValueKind::Map(entries) => entries.iter_mut().find(|e| e.key == "services"),
        _ => None,
    }) else {
        return;
    };
    let ValueKind::Map(list) = &mut services.value.kind else { return };
    for s in list {
        let ValueKind::Map(body) = &mut s.value.kind else { continue };
        for e in body.iter_mut() {
            if KEYED.contains(&e.key.as_str()) {
                normalize_keyed(&mut e.value);
            }
            if e.key == "build" {
                if let ValueKind::Map(b) = &mut e.value.kind {
                    for a in b.iter_mut().filter(|a| a.key == "args") {
                        normalize_keyed(&mut a.value);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Value {
        super::super::parse(text, 0).tree.unwrap()
    }

    fn service(v: &Value) -> &Value {
        v.get("services").unwrap().get("web").unwrap()
    }

    fn strings(v: Option<&Value>) -> Vec<String> {
        v.and_then(Value::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|i| i.as_str().map(|s| s.text.clone()))
            .collect()
    }

    #[test]
    fn per_key_semantics() {
        let base = tree(
            "services:\n  web:\n    image: a\n    command: [a, b]\n    ports: [\"80:80\", \"5432:5432\"]\n    volumes: [\"/a:/data\", \"/b:/b\"]\n    cap_drop: [ALL]\n    dns: [1.1.1.1]\n    environment: {A: '1', B: '2'}\n    healthcheck: {test: [CMD, a], interval: 5s}\n",
        );
        let over = tree(
            "services:\n  web:\n    image: b\n    command: [c]\n    ports: [\"5432:5432\", \"443:443\"]\n    volumes: [\"/c:/data\"]\n    cap_drop: [ALL, NET_RAW]\n    dns: [8.8.8.8]\n    environment: [B=3, C=4]\n    healthcheck: {test: [CMD, b]}\n",
        );
        let mut m = merge_roots(base, over);
        normalize_services(&mut m);
        let web = service(&m);
        assert_eq!(web.get("image").unwrap().as_str().unwrap().text, "b");
        assert_eq!(strings(web.get("command")), ["c"]);
        assert_eq!(strings(web.get("ports")), ["80:80", "5432:5432", "443:443"]);
        assert_eq!(strings(web.get("volumes")), ["/b:/b", "/c:/data"]);
        assert_eq!(strings(web.get("cap_drop")), ["ALL", "NET_RAW"]);
        assert_eq!(strings(web.get("dns")), ["1.1.1.1", "8.8.8.8"]);
        let env: Vec<String> =
            web.get("environment").unwrap().as_map().unwrap().iter().map(|e| e.key.clone()).collect();
        assert_eq!(env, ["A", "B", "C"]);
        let hc = web.get("healthcheck").unwrap();
        assert_eq!(strings(hc.get("test")), ["CMD", "b"]);
        assert!(hc.get("interval").is_some());
    }

    #[test]
    fn reset_and_override() {
        let base = tree("services:\n  web:\n    privileged: true\n    ports: [\"80:80\"]\n    cap_add: [NET_ADMIN]\n");
        let over = tree("services:\n  web:\n    privileged: !reset null\n    ports: !override [\"443:443\"]\n");
        let mut m = merge_roots(base, over);
        drop_resets(&mut m);
        let web = service(&m);
        assert!(web.get("privileged").is_none());
        assert_eq!(strings(web.get("ports")), ["443:443"]);
        assert_eq!(strings(web.get("cap_add")), ["NET_ADMIN"]);
    }
}
