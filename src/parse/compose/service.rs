//! The typed view of one service: every shape Compose accepts for the keys Preflight reads, each
//! value with its span and the [`Via`]s (merge keys, aliases, `extends`) that brought it there.
//!
//! Booleans are read as Compose reads them: after interpolation, `y`, `yes`, `true` and `on` are
//! true and `n`, `no`, `false` and `off` are false, in any case, quoted or not (compose-go casts
//! the strings of boolean fields with these words; YAML 1.1's `yes` is a string in YAML 1.2, and
//! Compose still takes it as true). Anything else is not a boolean, and a value with an unknown
//! variable is unknown.

use super::interp::{has_hole, HOLE};
use super::yaml::{Entry, Value, ValueKind, Via};
use crate::source::Span;

/// A scalar as Compose reads it, with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    /// After interpolation; unknown parts are [`HOLE`]s.
    pub text: String,
    pub span: Span,
    /// Outermost first: how the value got into the service.
    pub via: Vec<Via>,
}

impl Text {
    /// The text, when no part of it is unknown.
    pub fn known(&self) -> Option<&str> {
        (!has_hole(&self.text)).then_some(self.text.as_str())
    }

    /// The text with unknown parts shown as `…`, for messages.
    pub fn shown(&self) -> String {
        self.text.replace(HOLE, "…")
    }
}

/// Reads a boolean the way compose-go casts boolean fields.
pub fn compose_bool(s: &str) -> Option<bool> {
    match s.to_ascii_lowercase().as_str() {
        "y" | "yes" | "true" | "on" => Some(true),
        "n" | "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// A boolean field (`privileged`, `read_only`, `healthcheck.disable`).
#[derive(Debug, Clone, PartialEq)]
pub struct Flag {
    pub text: Text,
}

impl Flag {
    /// True or false, or None when unknown or not a boolean.
    pub fn value(&self) -> Option<bool> {
        self.text.known().and_then(compose_bool)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvVar {
    pub key: String,
    pub key_span: Span,
    /// None for a bare `KEY` (taken from the shell that runs Compose) or `KEY:` with no value.
    pub value: Option<Text>,
    pub via: Vec<Via>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnvFileRef {
    pub path: Text,
    /// `required: false` (long syntax).
    pub required: Option<Flag>,
}

/// One `ports:` item.
#[derive(Debug, Clone, PartialEq)]
pub struct Port {
    /// The whole item (short syntax) or mapping (long syntax).
    pub span: Span,
    pub via: Vec<Via>,
    /// None: not given (all interfaces).
    pub host_ip: Option<String>,
    pub published: Option<String>,
    /// The container port or range (`5432`, `8000-8010`).
    pub target: Option<String>,
    pub protocol: Option<String>,
}

impl Port {
    /// The container ports, when known (a range gives several).
    pub fn target_range(&self) -> Option<(u32, u32)> {
        let t = self.target.as_deref()?;
        if has_hole(t) {
            return None;
        }
        let (a, b) = t.split_once('-').unwrap_or((t, t));
        Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
    }

    /// True when the port is published on every interface of the host (no host IP, `0.0.0.0`,
    /// `::`); None when the host IP is unknown.
    pub fn on_all_interfaces(&self) -> Option<bool> {
        match self.host_ip.as_deref() {
            None => Some(true),
            Some(ip) if has_hole(ip) => None,
            Some(ip) => {
                let ip = ip.trim().trim_start_matches('[').trim_end_matches(']');
                Some(matches!(ip, "" | "0.0.0.0" | "::" | "*"))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VolumeType {
    Bind,
    Volume,
    Tmpfs,
    Other,
}

/// One `volumes:` item.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume {
    pub span: Span,
    pub via: Vec<Via>,
    pub kind: VolumeType,
    /// Host path or volume name; None for an anonymous volume.
    pub source: Option<String>,
    pub target: Option<String>,
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Healthcheck {
    /// The `healthcheck` key.
    pub key_span: Span,
    pub via: Vec<Via>,
    pub disable: Option<Flag>,
    /// `test: ["NONE"]` or `test: NONE`: the test that disables the image's healthcheck.
    pub test_none: Option<Text>,
    /// A test is given (other than NONE).
    pub has_test: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Build {
    pub span: Span,
    pub via: Vec<Via>,
    pub context: Option<Text>,
    pub dockerfile: Option<Text>,
    pub target: Option<Text>,
    pub args: Vec<EnvVar>,
}

/// `command:` or `entrypoint:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub span: Span,
    pub via: Vec<Via>,
    /// The string form (run by a shell for `command`, split for `entrypoint`).
    pub shell: Option<Text>,
    /// The list form.
    pub exec: Vec<Text>,
}

/// The typed view of one service.
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub name: String,
    /// The service's key under `services:` (absences are reported here).
    pub key_span: Span,
    pub image: Option<Text>,
    pub build: Option<Build>,
    pub user: Option<Text>,
    pub privileged: Option<Flag>,
    pub read_only: Option<Flag>,
    pub security_opt: Vec<Text>,
    pub cap_add: Vec<Text>,
    pub cap_drop: Vec<Text>,
    pub network_mode: Option<Text>,
    pub pid: Option<Text>,
    pub ipc: Option<Text>,
    pub userns_mode: Option<Text>,
    pub healthcheck: Option<Healthcheck>,
    pub restart: Option<Text>,
    /// The `deploy.restart_policy` key.
    pub restart_policy: Option<Span>,
    pub mem_limit: Option<Text>,
    /// `deploy.resources.limits.memory`.
    pub limits_memory: Option<Text>,
    pub environment: Vec<EnvVar>,
    pub env_file: Vec<EnvFileRef>,
    pub ports: Vec<Port>,
    pub volumes: Vec<Volume>,
    pub command: Option<Command>,
    pub entrypoint: Option<Command>,
    pub secrets: Vec<Text>,
    pub profiles: Vec<Text>,
    /// The whole merged mapping, for keys the typed view does not cover.
    pub raw: Value,
}

fn chain(inherited: &[Via], own: &[Via]) -> Vec<Via> {
    let mut v = inherited.to_vec();
    for x in own {
        if !v.contains(x) {
            v.push(x.clone());
        }
    }
    v
}

fn text(v: &Value, inherited: &[Via]) -> Option<Text> {
    match &v.kind {
        ValueKind::Str(s) => Some(Text { text: s.text.clone(), span: v.span, via: chain(inherited, &v.via) }),
        _ => None,
    }
}

fn texts(v: Option<&Value>, inherited: &[Via]) -> Vec<Text> {
    let Some(v) = v else { return Vec::new() };
    let via = chain(inherited, &v.via);
    match &v.kind {
        ValueKind::Seq(items) => items.iter().filter_map(|i| text(i, &via)).collect(),
        ValueKind::Str(_) => text(v, inherited).into_iter().collect(),
        _ => Vec::new(),
    }
}

/// A span inside a scalar: the part of `item` from byte `from` to `to` of its text, when the text
/// is `written` as is (plain, or quoted without escapes); else the whole item.
fn sub_span(item: &Text, written: &str, from: usize, to: usize) -> Span {
    let offset = if written == item.text {
        Some(0)
    } else if written.len() == item.text.len() + 2 && written[1..written.len() - 1] == item.text {
        Some(1)
    } else {
        None
    };
    match offset {
        Some(o) => Span::new(item.span.file, item.span.start + o + from..item.span.start + o + to),
        None => item.span,
    }
}

/// `environment:` / `build.args:` as a list (`KEY=VALUE`, `KEY`) or a mapping.
fn env_vars<'s>(v: Option<&Value>, inherited: &[Via], source: &dyn Fn(Span) -> Option<&'s str>) -> Vec<EnvVar> {
    let Some(v) = v else { return Vec::new() };
    let via = chain(inherited, &v.via);
    match &v.kind {
        ValueKind::Map(entries) => entries
            .iter()
            .map(|e| EnvVar {
                key: e.key.clone(),
                key_span: e.key_span,
                value: text(&e.value, &via),
                via: chain(&via, &e.value.via),
            })
            .collect(),
        ValueKind::Seq(items) => items
            .iter()
            .filter_map(|i| text(i, &via))
            .map(|t| {
                let src = source(t.span).unwrap_or_default();
                match t.text.split_once('=') {
                    Some((k, val)) => {
                        let eq = k.len();
                        EnvVar {
                            key: k.to_string(),
                            key_span: sub_span(&t, src, 0, eq),
                            value: Some(Text {
                                text: val.to_string(),
                                span: sub_span(&t, src, eq + 1, t.text.len()),
                                via: t.via.clone(),
                            }),
                            via: t.via.clone(),
                        }
                    }
                    None => EnvVar { key: t.text.clone(), key_span: t.span, value: None, via: t.via.clone() },
                }
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Splits a short port spec the way Docker's `nat.ParsePortSpec` does: the last part is the
/// container port, the one before it the host port, and everything before that the host IP.
fn short_port(spec: &str) -> (Option<String>, Option<String>, Option<String>, Option<String>) {
    let (spec, protocol) = match spec.rsplit_once('/') {
        Some((s, p)) => (s, Some(p.to_string())),
        None => (spec, None),
    };
    // `[::1]:5432:5432`: the brackets protect the IPv6 colons.
    if let Some(rest) = spec.strip_prefix('[') {
        if let Some((ip, ports)) = rest.split_once(']') {
            let ports = ports.strip_prefix(':').unwrap_or(ports);
            let (published, target) = match ports.rsplit_once(':') {
                Some((p, t)) => (Some(p.to_string()), t.to_string()),
                None => (None, ports.to_string()),
            };
            return (Some(ip.to_string()), published, Some(target), protocol);
        }
    }
    let parts: Vec<&str> = spec.split(':').collect();
    let n = parts.len();
    let target = Some(parts[n - 1].to_string());
    match n {
        1 => (None, None, target, protocol),
        2 => (None, Some(parts[0].to_string()), target, protocol),
        _ => (Some(parts[..n - 2].join(":")), Some(parts[n - 2].to_string()), target, protocol),
    }
}

fn scalar_string(v: Option<&Value>) -> Option<String> {
    v.and_then(Value::as_str).map(|s| s.text.clone())
}

fn ports(v: Option<&Value>, inherited: &[Via]) -> Vec<Port> {
    let Some(v) = v else { return Vec::new() };
    let via = chain(inherited, &v.via);
    let Some(items) = v.as_seq() else { return Vec::new() };
    items
        .iter()
        .filter_map(|item| {
            let via = chain(&via, &item.via);
            match &item.kind {
                ValueKind::Str(s) => {
                    let (host_ip, published, target, protocol) = short_port(s.text.trim());
                    Some(Port { span: item.span, via, host_ip, published, target, protocol })
                }
                ValueKind::Map(_) => Some(Port {
                    span: item.span,
                    via,
                    host_ip: scalar_string(item.get("host_ip")).filter(|s| !s.is_empty()),
                    published: scalar_string(item.get("published")),
                    target: scalar_string(item.get("target")),
                    protocol: scalar_string(item.get("protocol")),
                }),
                _ => None,
            }
        })
        .collect()
}

/// Splits a short volume spec (`SOURCE:TARGET[:MODE]`, `TARGET`), keeping a Windows drive letter
/// (`C:\data:/data`) in the source.
fn short_volume(spec: &str) -> (Option<String>, Option<String>, Option<String>) {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = spec.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let drive = c == ':'
            && current.len() == 1
            && current.chars().all(|d| d.is_ascii_alphabetic())
            && matches!(chars.get(i + 1), Some('\\' | '/'));
        if c == ':' && !drive {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    match parts.len() {
        1 => (None, parts.pop(), None),
        2 => {
            let t = parts.pop();
            (parts.pop(), t, None)
        }
        _ => {
            let mode = parts.pop();
            let t = parts.pop();
            (Some(parts.join(":")), t, mode)
        }
    }
}

fn volumes(v: Option<&Value>, inherited: &[Via]) -> Vec<Volume> {
    let Some(v) = v else { return Vec::new() };
    let via = chain(inherited, &v.via);
    let Some(items) = v.as_seq() else { return Vec::new() };
    items
        .iter()
        .filter_map(|item| {
            let via = chain(&via, &item.via);
            match &item.kind {
                ValueKind::Str(s) => {
                    let (source, target, mode) = short_volume(s.text.trim());
                    let kind = match &source {
                        None => VolumeType::Volume,
                        Some(src) if src.starts_with(['/', '.', '~', HOLE]) || src.contains(['/', '\\']) => {
                            VolumeType::Bind
                        }
                        Some(_) => VolumeType::Volume,
                    };
                    let read_only = mode.is_some_and(|m| m.split(',').any(|o| o == "ro"));
                    Some(Volume { span: item.span, via, kind, source, target, read_only })
                }
                ValueKind::Map(_) => {
                    let kind = match scalar_string(item.get("type")).as_deref() {
                        Some("bind") => VolumeType::Bind,
                        Some("volume") | None => VolumeType::Volume,
                        Some("tmpfs") => VolumeType::Tmpfs,
                        Some(_) => VolumeType::Other,
                    };
                    let read_only = scalar_string(item.get("read_only")).and_then(|s| compose_bool(&s)) == Some(true);
                    Some(Volume {
                        span: item.get("source").map_or(item.span, |s| s.span),
                        via,
                        kind,
                        source: scalar_string(item.get("source")),
                        target: scalar_string(item.get("target")),
                        read_only,
                    })
                }
                _ => None,
            }
        })
        .collect()
}

fn healthcheck(entry: Option<&Entry>, inherited: &[Via]) -> Option<Healthcheck> {
    let entry = entry?;
    let via = chain(inherited, &entry.value.via);
    let v = &entry.value;
    let disable = v.get("disable").and_then(|d| text(d, &via)).map(|text| Flag { text });
    let test = v.get("test");
    let mut test_none = None;
    let mut has_test = false;
    if let Some(t) = test {
        let first = match &t.kind {
            ValueKind::Seq(items) => items.first(),
            ValueKind::Str(_) => Some(t),
            _ => None,
        };
        match first.and_then(|f| text(f, &via)) {
            Some(f) if f.text.trim() == "NONE" => test_none = Some(f),
            Some(_) => has_test = true,
            None => {}
        }
    }
    Some(Healthcheck { key_span: entry.key_span, via, disable, test_none, has_test })
}

fn command(v: Option<&Value>, inherited: &[Via]) -> Option<Command> {
    let v = v?;
    let via = chain(inherited, &v.via);
    match &v.kind {
        ValueKind::Str(_) => {
            Some(Command { span: v.span, via: via.clone(), shell: text(v, inherited), exec: Vec::new() })
        }
        ValueKind::Seq(_) => {
            Some(Command { span: v.span, via: via.clone(), shell: None, exec: texts(Some(v), inherited) })
        }
        _ => None,
    }
}

impl Service {
    /// Reads the service `name` (its key at `key_span`) from its merged mapping. `source` gives
    /// the text at a span (to point inside list items such as `- KEY=value`).
    pub fn read<'s>(name: &str, key_span: Span, body: &Value, source: &dyn Fn(Span) -> Option<&'s str>) -> Service {
        let via: Vec<Via> = body.via.clone();
        let get = |k: &str| body.get(k);
        let one = |k: &str| get(k).and_then(|v| text(v, &via));
        let flag = |k: &str| one(k).map(|text| Flag { text });
        let deploy = get("deploy");
        let deploy_via = deploy.map(|d| chain(&via, &d.via)).unwrap_or_default();
        let limits = deploy.and_then(|d| d.get("resources")).and_then(|r| r.get("limits"));
        let limits_memory = limits.and_then(|l| l.get("memory")).and_then(|m| {
            let mut v = deploy_via.clone();
            for x in [deploy.and_then(|d| d.get("resources")), limits] {
                v = chain(&v, &x.map(|x| x.via.clone()).unwrap_or_default());
            }
            text(m, &v)
        });
        let build = get("build").and_then(|b| {
            let bvia = chain(&via, &b.via);
            match &b.kind {
                ValueKind::Str(_) => Some(Build {
                    span: b.span,
                    via: bvia.clone(),
                    context: text(b, &via),
                    dockerfile: None,
                    target: None,
                    args: Vec::new(),
                }),
                ValueKind::Map(_) => Some(Build {
                    span: b.span,
                    via: bvia.clone(),
                    context: b.get("context").and_then(|c| text(c, &bvia)),
                    dockerfile: b.get("dockerfile").and_then(|c| text(c, &bvia)),
                    target: b.get("target").and_then(|c| text(c, &bvia)),
                    args: env_vars(b.get("args"), &bvia, source),
                }),
                _ => None,
            }
        });
        let env_file = match get("env_file") {
            Some(v) => {
                let evia = chain(&via, &v.via);
                let items: Vec<&Value> = match &v.kind {
                    ValueKind::Seq(items) => items.iter().collect(),
                    _ => vec![v],
                };
                items
                    .into_iter()
                    .filter_map(|i| match &i.kind {
                        ValueKind::Str(_) => text(i, &evia).map(|path| EnvFileRef { path, required: None }),
                        ValueKind::Map(_) => {
                            let ivia = chain(&evia, &i.via);
                            let path = i.get("path").and_then(|p| text(p, &ivia))?;
                            let required = i.get("required").and_then(|r| text(r, &ivia)).map(|text| Flag { text });
                            Some(EnvFileRef { path, required })
                        }
                        _ => None,
                    })
                    .collect()
            }
            None => Vec::new(),
        };
        let secrets = match get("secrets").and_then(Value::as_seq) {
            Some(items) => items
                .iter()
                .filter_map(|i| match &i.kind {
                    ValueKind::Str(_) => text(i, &via),
                    ValueKind::Map(_) => i.get("source").and_then(|s| text(s, &via)),
                    _ => None,
                })
                .collect(),
            None => Vec::new(),
        };
        Service {
            name: name.to_string(),
            key_span,
            image: one("image"),
            build,
            user: one("user"),
            privileged: flag("privileged"),
            read_only: flag("read_only"),
            security_opt: texts(get("security_opt"), &via),
            cap_add: texts(get("cap_add"), &via),
            cap_drop: texts(get("cap_drop"), &via),
            network_mode: one("network_mode"),
            pid: one("pid"),
            ipc: one("ipc"),
            userns_mode: one("userns_mode"),
            healthcheck: healthcheck(body.entry("healthcheck"), &via),
            restart: one("restart"),
            restart_policy: deploy.and_then(|d| d.entry("restart_policy")).map(|e| e.key_span),
            mem_limit: one("mem_limit"),
            limits_memory,
            environment: env_vars(get("environment"), &via, source),
            env_file,
            ports: ports(get("ports"), &via),
            volumes: volumes(get("volumes"), &via),
            command: command(get("command"), &via),
            entrypoint: command(get("entrypoint"), &via),
            secrets,
            profiles: texts(get("profiles"), &via),
            raw: body.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ports() {
        let p = |s: &str| short_port(s);
        assert_eq!(p("5432"), (None, None, Some("5432".into()), None));
        assert_eq!(p("5432:5432"), (None, Some("5432".into()), Some("5432".into()), None));
        assert_eq!(
            p("127.0.0.1:5432:5432"),
            (Some("127.0.0.1".into()), Some("5432".into()), Some("5432".into()), None)
        );
        assert_eq!(p("8000-8010:8000-8010/udp").3.as_deref(), Some("udp"));
        assert_eq!(p("[::1]:6379:6379").0.as_deref(), Some("::1"));
        assert_eq!(p("::1:6379:6379").0.as_deref(), Some("::1"));
    }

    #[test]
    fn short_volumes() {
        assert_eq!(short_volume("/data"), (None, Some("/data".into()), None));
        assert_eq!(
            short_volume("/var/run/docker.sock:/var/run/docker.sock:ro"),
            (Some("/var/run/docker.sock".into()), Some("/var/run/docker.sock".into()), Some("ro".into()))
        );
        assert_eq!(short_volume("C:\\data:/data").0.as_deref(), Some("C:\\data"));
    }

    #[test]
    fn every_shape_is_read_with_spans() {
        let text = r#"services:
  web:
    image: shop/web:1.0
    build:
      context: .
      dockerfile: docker/Dockerfile
      target: prod
      args: [PY=3.12]
    user: "1000:1000"
    environment:
      - DEBUG=0
      - BARE
    env_file:
      - .env.prod
      - path: .env.extra
        required: false
    ports:
      - "127.0.0.1:5432:5432"
      - "8000-8010:8000-8010/udp"
      - target: 6379
        published: "6379"
        host_ip: 0.0.0.0
    volumes:
      - /var/run/docker.sock:/var/run/docker.sock:ro
      - type: bind
        source: /srv
        target: /srv
        read_only: true
    healthcheck:
      test: ["NONE"]
    security_opt: [no-new-privileges:true]
    cap_add: [NET_BIND_SERVICE]
    cap_drop: [ALL]
    read_only: "on"
    privileged: ${PRIV}
    network_mode: host
    pid: host
    ipc: host
    userns_mode: host
    restart: always
    mem_limit: 512m
    deploy:
      restart_policy: {condition: on-failure}
      resources: {limits: {memory: 1G}}
    command: gunicorn app
    entrypoint: ["/entrypoint"]
    secrets: [db_password, {source: api_key}]
    profiles: [web]
  other:
    build: ./other
    environment:
      A: "1"
"#;
        let f = super::super::parse(text, 0);
        assert!(f.errors.is_empty(), "{:?}", f.errors);
        let mut tree = f.tree.unwrap();
        super::super::merge::normalize_services(&mut tree);
        let source = |sp: Span| text.get(sp.range());
        let body = tree.get("services").unwrap();
        let web_entry = body.entry("web").unwrap();
        let web = Service::read("web", web_entry.key_span, &web_entry.value, &source);
        let at = |sp: Span| &text[sp.range()];
        assert_eq!(web.image.as_ref().unwrap().known(), Some("shop/web:1.0"));
        let build = web.build.as_ref().unwrap();
        assert_eq!(build.dockerfile.as_ref().unwrap().known(), Some("docker/Dockerfile"));
        assert_eq!(build.target.as_ref().unwrap().known(), Some("prod"));
        assert_eq!(build.args[0].key, "PY");
        assert_eq!(at(web.user.as_ref().unwrap().span), "\"1000:1000\"");
        assert_eq!(web.environment.len(), 2);
        assert_eq!(at(web.environment[0].key_span), "DEBUG");
        assert_eq!(at(web.environment[0].value.as_ref().unwrap().span), "0");
        assert!(web.environment[1].value.is_none());
        assert_eq!(web.env_file.len(), 2);
        assert_eq!(web.env_file[1].required.as_ref().unwrap().value(), Some(false));
        assert_eq!(web.ports.len(), 3);
        assert_eq!(web.ports[0].on_all_interfaces(), Some(false));
        assert_eq!(web.ports[1].target_range(), Some((8000, 8010)));
        assert_eq!(web.ports[1].protocol.as_deref(), Some("udp"));
        assert_eq!(web.ports[2].on_all_interfaces(), Some(true));
        assert_eq!(web.ports[2].target_range(), Some((6379, 6379)));
        assert_eq!(web.volumes[0].source.as_deref(), Some("/var/run/docker.sock"));
        assert!(web.volumes[0].read_only);
        assert_eq!(web.volumes[1].kind, VolumeType::Bind);
        assert_eq!(at(web.volumes[1].span), "/srv");
        assert!(web.healthcheck.as_ref().unwrap().test_none.is_some());
        assert_eq!(web.read_only.as_ref().unwrap().value(), Some(true));
        assert_eq!(web.privileged.as_ref().unwrap().value(), None);
        for ns in [&web.network_mode, &web.pid, &web.ipc, &web.userns_mode] {
            assert_eq!(ns.as_ref().unwrap().known(), Some("host"));
        }
        assert!(web.restart.is_some() && web.restart_policy.is_some());
        assert_eq!(web.limits_memory.as_ref().unwrap().known(), Some("1G"));
        assert_eq!(web.mem_limit.as_ref().unwrap().known(), Some("512m"));
        assert!(web.command.as_ref().unwrap().shell.is_some());
        assert_eq!(web.entrypoint.as_ref().unwrap().exec.len(), 1);
        assert_eq!(web.secrets.iter().map(|t| t.text.as_str()).collect::<Vec<_>>(), ["db_password", "api_key"]);
        assert_eq!(web.profiles[0].text, "web");
        assert_eq!((web.cap_add.len(), web.cap_drop.len(), web.security_opt.len()), (1, 1, 1));
        let other_entry = body.entry("other").unwrap();
        let other = Service::read("other", other_entry.key_span, &other_entry.value, &source);
        assert_eq!(other.build.as_ref().unwrap().context.as_ref().unwrap().known(), Some("./other"));
        assert_eq!(other.environment[0].value.as_ref().unwrap().known(), Some("1"));
    }

    #[test]
    fn booleans_as_compose_reads_them() {
        for t in ["true", "True", "TRUE", "yes", "Yes", "on", "ON", "y"] {
            assert_eq!(compose_bool(t), Some(true), "{t}");
        }
        for f in ["false", "no", "off", "N"] {
            assert_eq!(compose_bool(f), Some(false), "{f}");
        }
        assert_eq!(compose_bool("1"), None);
    }
}
