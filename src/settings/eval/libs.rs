//! The environment libraries, each with its own casting and default rules: `os.environ`,
//! django-environ, python-decouple, django-configurations, dj-database-url, and
//! split-settings `include()`.

use super::*;

/// `_cast_int`: digits become an int.
pub(super) fn cast_int_str(s: &str, origin: Option<Loc>) -> Value {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        if let Ok(i) = s.parse::<i64>() {
            return Value::int(i, origin);
        }
    }
    Value::str(s, origin)
}

/// django-environ `_cast` (`ast.literal_eval`, else the text): ints, floats, booleans, None.
pub(super) fn cast_literal(s: &str, origin: Option<Loc>) -> Value {
    match s {
        "True" => return Value::bool(true, origin),
        "False" => return Value::bool(false, origin),
        "None" => return Value::none(origin),
        _ => {}
    }
    if let Some(i) = parse_int_literal(s) {
        if !s.starts_with('+') {
            return Value::int(i, origin);
        }
    }
    if s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-'))
    {
        if let Some(f) = parse_float_literal(s) {
            return Value::new(Kind::Float(f), origin);
        }
    }
    Value::str(s, origin)
}

/// django-environ `Env.db_url_config(url, engine)`.
pub(super) fn db_url_config(url: &Value, engine: Option<&Value>, at: Loc) -> Value {
    let origin = url.origin.or(Some(at));
    let Some(s) = url.as_str() else {
        return match &url.kind {
            Kind::Dict(_) => url.clone(),
            _ => unknown_at(url.unknown_reason().unwrap_or("a database URL that is not text").to_string(), at)
                .inherit(url),
        };
    };
    let mut d = Dict::new();
    let put = |d: &mut Dict, k: &str, v: Value| {
        d.insert(Value::str(k, origin), v);
    };
    if s == "sqlite://:memory:" {
        put(&mut d, "ENGINE", Value::str("django.db.backends.sqlite3", origin));
        put(&mut d, "NAME", Value::str(":memory:", origin));
        return Value::dict(d, origin).inherit(url);
    }
    let u = envlib::urlparse(s);
    let raw_path = u.path.get(1..).unwrap_or("");
    let mut path = envlib::unquote(&raw_path.split('?').next().unwrap_or("").replace('+', " "));
    if u.scheme == "sqlite" && path.is_empty() {
        path = ":memory:".into();
    }
    let postgres = matches!(
        u.scheme.as_str(),
        "postgres" | "postgresql" | "psql" | "pgsql" | "postgis" | "prometheus-postgresql" | "prometheus-postgis"
    );
    let host = u.hostname.clone().unwrap_or_default();
    let port = u.port.clone().unwrap_or_default();
    let (mut host_v, mut name_v) = (host, path.clone());
    if postgres && path.starts_with('/') {
        if let Some((h, n)) = path.rsplit_once('/') {
            host_v = h.to_string();
            name_v = n.to_string();
        }
    }
    put(&mut d, "NAME", Value::str(name_v, origin));
    put(&mut d, "USER", Value::str(u.username.as_deref().map(envlib::unquote).unwrap_or_default(), origin));
    put(&mut d, "PASSWORD", Value::str(u.password.as_deref().map(envlib::unquote).unwrap_or_default(), origin));
    put(&mut d, "HOST", Value::str(host_v, origin));
    put(&mut d, "PORT", if port.is_empty() { Value::str("", origin) } else { cast_int_str(&port, origin) });
    if !u.query.is_empty() {
        let mut opts = Dict::new();
        for (k, v) in envlib::parse_qs(&u.query) {
            let upper = k.to_uppercase();
            if ["CONN_MAX_AGE", "ATOMIC_REQUESTS", "AUTOCOMMIT", "DISABLE_SERVER_SIDE_CURSORS", "CONN_HEALTH_CHECKS"]
                .contains(&upper.as_str())
            {
                put(&mut d, &upper, cast_literal(&v, origin));
            } else if !opts.insert(Value::str(k.as_str(), origin), cast_int_str(&v, origin)) {
                continue;
            }
        }
        put(&mut d, "OPTIONS", Value::dict(opts, origin));
    }
    let engine = match engine.and_then(Value::as_str) {
        Some(e) => e.to_string(),
        None => u.scheme.clone(),
    };
    let engine = envlib::environ_db_engine(&engine).map(str::to_string).unwrap_or(engine);
    if engine.is_empty() {
        return Value::dict(Dict::new(), origin).inherit(url);
    }
    put(&mut d, "ENGINE", Value::str(engine, origin));
    Value::dict(d, origin).inherit(url)
}

/// django-environ `Env.cache_url_config(url, backend)`.
pub(super) fn cache_url_config(url: &Value, backend: Option<&Value>, at: Loc) -> Value {
    let origin = url.origin.or(Some(at));
    let s = match &url.kind {
        Kind::Str(s) => s.to_string(),
        Kind::None => return Value::dict(Dict::new(), origin).inherit(url),
        Kind::Dict(_) => return url.clone(),
        _ => {
            return unknown_at(url.unknown_reason().unwrap_or("a cache URL that is not text").to_string(), at)
                .inherit(url)
        }
    };
    if s.is_empty() {
        return Value::dict(Dict::new(), origin).inherit(url);
    }
    let u = envlib::urlparse(&s);
    let Some(default_backend) = envlib::environ_cache_backend(&u.scheme) else {
        return unknown_at(
            format!("invalid cache URL scheme `{}` (django-environ raises ImproperlyConfigured)", u.scheme),
            at,
        )
        .inherit(url);
    };
    let mut d = Dict::new();
    let put = |d: &mut Dict, k: &str, v: Value| {
        d.insert(Value::str(k, origin), v);
    };
    let netlocs: Vec<&str> = u.netloc.split(',').collect();
    let location = if u.scheme == "filecache" {
        Value::str(format!("{}{}", u.netloc, u.path), origin)
    } else if u.netloc.is_empty() && (u.scheme == "memcache" || u.scheme == "pymemcache") {
        Value::str(format!("unix:{}", u.path), origin)
    } else if u.scheme.starts_with("redis") || u.scheme.starts_with("valkey") {
        let scheme = if u.hostname.is_some() { u.scheme.replace("cache", "") } else { "unix".into() };
        let locs: Vec<Value> =
            netlocs.iter().map(|l| Value::str(format!("{scheme}://{l}{}", u.path), origin)).collect();
        if locs.len() == 1 {
            locs.into_iter().next().unwrap_or_else(|| Value::str("", origin))
        } else {
            Value::list(locs, origin)
        }
    } else if netlocs.len() == 1 {
        Value::str(u.netloc.clone(), origin)
    } else {
        Value::list(netlocs.iter().map(|l| Value::str(*l, origin)).collect(), origin)
    };
    let backend = backend.and_then(Value::as_str).unwrap_or(default_backend).to_string();
    put(&mut d, "BACKEND", Value::str(backend.as_str(), origin));
    put(&mut d, "LOCATION", location);
    let query = envlib::parse_qs(&u.query);
    if !query.is_empty() {
        let lower = backend == "django.core.cache.backends.redis.RedisCache";
        let mut opts = Dict::new();
        for (k, v) in query {
            let key = if lower { k.to_lowercase() } else { k.to_uppercase() };
            let val = cast_literal(&v, origin);
            if ["TIMEOUT", "KEY_PREFIX", "VERSION", "KEY_FUNCTION", "BINARY"].contains(&k.to_uppercase().as_str()) {
                put(&mut d, &key, val);
            } else {
                opts.insert(Value::str(key, origin), val);
            }
        }
        put(&mut d, "OPTIONS", Value::dict(opts, origin));
    }
    Value::dict(d, origin).inherit(url)
}

/// django-environ `Env.email_url_config(url, backend)`.
pub(super) fn email_url_config(url: &Value, backend: Option<&Value>, at: Loc) -> Value {
    let origin = url.origin.or(Some(at));
    let Some(s) = url.as_str() else {
        return unknown_at(url.unknown_reason().unwrap_or("an email URL that is not text").to_string(), at)
            .inherit(url);
    };
    let u = envlib::urlparse(s);
    let mut d = Dict::new();
    let put = |d: &mut Dict, k: &str, v: Value| {
        d.insert(Value::str(k, origin), v);
    };
    let path = envlib::unquote(&u.path.get(1..).unwrap_or("").replace('+', " "));
    let opt = |x: &Option<String>| match x {
        Some(s) => Value::str(envlib::unquote(s), origin),
        None => Value::none(origin),
    };
    put(&mut d, "EMAIL_FILE_PATH", Value::str(path, origin));
    put(&mut d, "EMAIL_HOST_USER", opt(&u.username));
    put(&mut d, "EMAIL_HOST_PASSWORD", opt(&u.password));
    put(&mut d, "EMAIL_HOST", u.hostname.clone().map(|h| Value::str(h, origin)).unwrap_or_else(|| Value::none(origin)));
    put(&mut d, "EMAIL_PORT", u.port.clone().map(|p| cast_int_str(&p, origin)).unwrap_or_else(|| Value::none(origin)));
    match (backend.and_then(Value::as_str), envlib::environ_email_backend(&u.scheme)) {
        (Some(b), _) => put(&mut d, "EMAIL_BACKEND", Value::str(b, origin)),
        (None, Some(b)) => put(&mut d, "EMAIL_BACKEND", Value::str(b, origin)),
        (None, None) => {
            return unknown_at(
                format!("invalid email URL scheme `{}` (django-environ raises ImproperlyConfigured)", u.scheme),
                at,
            )
            .inherit(url)
        }
    }
    match u.scheme.as_str() {
        "smtps" | "smtp+tls" => put(&mut d, "EMAIL_USE_TLS", Value::bool(true, origin)),
        "smtp+ssl" => put(&mut d, "EMAIL_USE_SSL", Value::bool(true, origin)),
        _ => {}
    }
    Value::dict(d, origin).inherit(url)
}

/// `dj_database_url.parse(url, engine=None, conn_max_age=0, conn_health_checks=False,
/// disable_server_side_cursors=False, ssl_require=False)` (dj-database-url 3: `ssl_require` sets
/// `OPTIONS["sslmode"] = "require"`, over the URL's own `sslmode`).
pub(super) fn dj_database_url(url: &Value, args: &Args, at: Loc) -> Value {
    let base = db_url_config(url, args.kw("engine"), at);
    let Kind::Dict(d) = &base.kind else { return base };
    let origin = url.origin.or(Some(at));
    let mut out = Dict::new();
    for key in ["ENGINE", "USER", "PASSWORD", "HOST", "PORT", "NAME", "OPTIONS"] {
        if let Some(v) = d.get_str(key) {
            out.insert(Value::str(key, origin), v.clone());
        }
    }
    if args.kw("ssl_require").and_then(Value::truthy) == Some(true) {
        let mut opts = d.get_str("OPTIONS").and_then(Value::as_dict).cloned().unwrap_or_default();
        opts.insert(Value::str("sslmode", Some(at)), Value::str("require", Some(at)));
        out.insert(Value::str("OPTIONS", origin), Value::dict(opts, Some(at)));
    }
    for (key, default) in [
        ("conn_max_age", Value::int(0, Some(at))),
        ("conn_health_checks", Value::bool(false, Some(at))),
        ("disable_server_side_cursors", Value::bool(false, Some(at))),
    ] {
        let v = args.kw(key).cloned().unwrap_or(default);
        out.insert(Value::str(key.to_uppercase(), origin), v);
    }
    Value { kind: Kind::Dict(Arc::new(out)), ..base }
}

impl<'a> Evaluator<'a> {
    pub(super) fn env_origin_loc(&mut self, origin: &envlib::EnvOrigin) -> Loc {
        let src = self.source_id(&origin.path, SourceKind::EnvFile, None);
        Loc::new(src, origin.range.clone())
    }

    /// Reads an environment variable as the production environment (and the settings code's
    /// own writes to `os.environ`) has it.
    pub(super) fn env_lookup(&mut self, var: &str, at: Loc, how: &str) -> Lookup {
        let read = Step {
            kind: StepKind::EnvRead { var: var.to_string() },
            at: Some(at),
            message: format!("read from env var {var} by {how}"),
        };
        if let Some(entry) = self.overlay.get(var).cloned() {
            return match entry {
                Some(o) => {
                    let mut v = Value::str(o.text.as_str(), o.at.or(Some(at))).with_step(read);
                    if o.code_default {
                        v.step(StepKind::EnvUnset { var: var.to_string() }, o.at, o.desc);
                        v.env_default = Some(Arc::from(var));
                    } else {
                        v.step(StepKind::EnvSet { var: var.to_string() }, o.at, o.desc);
                    }
                    Lookup::Set { value: v }
                }
                None => {
                    let mut steps = Value::none(None).with_step(read);
                    steps.step(
                        StepKind::EnvUnset { var: var.to_string() },
                        None,
                        format!("{var} is removed by the settings code"),
                    );
                    Lookup::Unset { steps }
                }
            };
        }
        match self.env.get(var).cloned() {
            Some(envlib::EnvVar { value: EnvValue::Set(text), origin }) => {
                let loc = origin.as_ref().map(|o| self.env_origin_loc(o));
                let where_ = match &origin {
                    Some(o) => format!(" in {}:{}", crate::source::display_path(&o.path), o.line),
                    None => String::new(),
                };
                let mut v = Value::str(text.as_str(), loc.or(Some(at))).with_step(read);
                v.step(
                    StepKind::EnvSet { var: var.to_string() },
                    loc,
                    format!("set to `{}`{where_}", mask(var, &text)),
                );
                Lookup::Set { value: v }
            }
            Some(envlib::EnvVar { value: EnvValue::Unknown(reason), origin }) => {
                let loc = origin.as_ref().map(|o| self.env_origin_loc(o));
                let mut v =
                    Value::unknown(format!("{var} is set to a value that is not known: {reason}"), loc.or(Some(at)))
                        .with_step(read);
                v.step(StepKind::EnvUnknown { var: var.to_string() }, loc, reason);
                Lookup::Unknown(v)
            }
            None => {
                let mut steps = Value::none(None).with_step(read);
                steps.step(
                    StepKind::EnvUnset { var: var.to_string() },
                    None,
                    format!("{var} is not set by any production source; the code default applies"),
                );
                Lookup::Unset { steps }
            }
        }
    }

    /// `os.getenv(key, default=None)` / `os.environ.get(key, default=None)`.
    pub(super) fn os_get(&mut self, args: &Args, how: &str) -> Value {
        let at = args.at;
        let Some(key) = args.get(0, "key") else { return unknown_at(format!("{how} without a name"), at) };
        let Some(var) = key.as_str().map(str::to_string) else {
            return unknown_at(
                key.unknown_reason().unwrap_or("reads an env var whose name is not known").to_string(),
                at,
            );
        };
        match self.env_lookup(&var, at, how) {
            Lookup::Set { value, .. } => value,
            Lookup::Unknown(v) => v,
            Lookup::Unset { steps } => {
                let default = args.get(1, "default").cloned().unwrap_or_else(|| Value::none(Some(at)));
                apply_default(default, &steps, &var)
            }
        }
    }

    /// `os.environ.setdefault(key, value)`: later reads see the value.
    pub(super) fn os_setdefault(&mut self, args: &Args) -> Value {
        let at = args.at;
        let (Some(key), Some(default)) = (args.get(0, "key"), args.get(1, "value")) else {
            return unknown_at("os.environ.setdefault() without a name and value", at);
        };
        let Some(var) = key.as_str().map(str::to_string) else {
            return unknown_at("os.environ.setdefault() of a name that is not known", at);
        };
        match self.env_lookup(&var, at, "`os.environ.setdefault()`") {
            Lookup::Set { value, .. } => value,
            Lookup::Unknown(v) => v,
            Lookup::Unset { steps } => {
                if let Some(text) = default.as_str() {
                    let desc = format!(
                        "{var} is not set by any production source; `os.environ.setdefault()` in the settings code sets it to `{}`",
                        mask(&var, text)
                    );
                    let o = Overlay { text: text.to_string(), at: default.origin, desc, code_default: true };
                    self.overlay.insert(var.clone(), Some(o));
                }
                apply_default(default.clone(), &steps, &var)
            }
        }
    }

    /// django-environ: `env(...)` (method "") and `env.<method>(...)`.
    pub(super) fn environ_call(&mut self, scheme: &EnvScheme, args: Args, method: &str) -> Value {
        let at = args.at;
        let pos = |i: usize, n: &str| args.get(i, n).cloned();
        let var_default = match method {
            "db_url" | "db" => Some("DATABASE_URL"),
            "cache_url" | "cache" => Some("CACHE_URL"),
            "email_url" | "email" => Some("EMAIL_URL"),
            "search_url" => Some("SEARCH_URL"),
            "channels_url" | "channels" => Some("CHANNELS_URL"),
            _ => None,
        };
        let var = match pos(0, "var").and_then(|v| v.as_str().map(str::to_string)).or(var_default.map(str::to_string)) {
            Some(v) => v,
            None => return unknown_at("django-environ read of a variable whose name is not known", at),
        };
        let how = if method.is_empty() { "`env()`".to_string() } else { format!("`env.{method}()`") };
        let (cast, default, parse_default) = match method {
            "" | "get_value" => (
                pos(1, "cast").map(|c| ecast_from(&c)).unwrap_or(ECast::None),
                pos(2, "default"),
                pos(3, "parse_default").and_then(|v| v.truthy()).unwrap_or(false),
            ),
            "str" | "unicode" | "bytes" => (ECast::Str, pos(1, "default"), false),
            "bool" => (ECast::Bool, pos(1, "default"), false),
            "int" => (ECast::Int, pos(1, "default"), false),
            "float" => (ECast::Float, pos(1, "default"), false),
            "json" => (ECast::Json, pos(1, "default"), false),
            "list" | "tuple" => {
                let sub = pos(1, "cast").filter(|c| !matches!(c.kind, Kind::None)).map(|c| Box::new(ecast_from(&c)));
                (if method == "list" { ECast::List(sub) } else { ECast::Tuple(sub) }, pos(2, "default"), false)
            }
            "dict" => (pos(1, "cast").map(|c| ecast_from(&c)).unwrap_or(ECast::Dict), pos(2, "default"), false),
            "url" => (ECast::Url, pos(1, "default"), true),
            "db_url" | "db" => (ECast::None, pos(1, "default"), false),
            "cache_url" | "cache" | "email_url" | "email" | "search_url" | "channels_url" | "channels" => {
                (ECast::Url, pos(1, "default"), true)
            }
            "path" => (ECast::None, pos(1, "default"), false),
            _ => return unknown_at(format!("calls `env.{method}()`"), at),
        };
        let v = self.environ_get_value(scheme, &var, cast, default, parse_default, at, &how, 0);
        match method {
            "str" => match (args.kw("multiline").and_then(Value::truthy), v.as_str()) {
                (Some(true), Some(s)) => {
                    let s = s.replace("\\r\\n", "\n").replace("\\n", "\n");
                    rekind(&v, Kind::Str(Arc::from(s)))
                }
                _ => v,
            },
            "bytes" => unknown_at("bytes (env.bytes())", at).inherit(&v),
            "db_url" | "db" => {
                if v.is_unknown() {
                    return v;
                }
                db_url_config(&v, pos(2, "engine").as_ref(), at)
            }
            "cache_url" | "cache" => {
                if v.is_unknown() {
                    return v;
                }
                cache_url_config(&v, pos(2, "backend").as_ref(), at)
            }
            "email_url" | "email" => {
                if v.is_unknown() {
                    return v;
                }
                email_url_config(&v, pos(2, "backend").as_ref(), at)
            }
            "search_url" | "channels_url" | "channels" => {
                unknown_at(format!("`env.{method}()` is not modelled"), at).inherit(&v)
            }
            "path" => match v.py_str() {
                Some(p) => Value::new(Kind::Path(Arc::from(lexical_abspath(&p))), v.origin).inherit(&v),
                None => v,
            },
            _ => v,
        }
    }

    /// django-environ `Env.get_value`, step by step.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn environ_get_value(
        &mut self,
        scheme: &EnvScheme,
        var: &str,
        mut cast: ECast,
        mut default: Option<Value>,
        parse_default: bool,
        at: Loc,
        how: &str,
        depth: usize,
    ) -> Value {
        if let Some((scast, sdefault)) = scheme.scheme.get(var) {
            if matches!(cast, ECast::None) {
                cast = ecast_from(scast);
            }
            if default.is_none() {
                default = sdefault.clone();
            }
        }
        let value = match self.env_lookup(var, at, how) {
            Lookup::Set { value, .. } => value,
            Lookup::Unknown(v) => return v,
            Lookup::Unset { steps } => match &default {
                None => {
                    return unknown_at(
                        format!(
                            "reads {var}, which no production source sets, with no default (django-environ raises ImproperlyConfigured)"
                        ),
                        at,
                    )
                    .inherit(&steps)
                }
                Some(d) if is_callable(d) => {
                    return unknown_at(format!("the default of {var} is computed by a call at run time"), at).inherit(&steps)
                }
                Some(d) => apply_default(d.clone(), &steps, var),
            },
        };
        // Proxied values: `$OTHER` reads OTHER.
        if let Some(s) = value.as_str() {
            if let Some(target) = s.strip_prefix('$') {
                let target = target.trim_start_matches('$').to_string();
                if !target.is_empty() {
                    if depth >= 8 {
                        return unknown_at(
                            format!("`${target}` proxies in a loop (django-environ raises RecursionError)"),
                            value.origin.unwrap_or(at),
                        )
                        .inherit(&value);
                    }
                    return self
                        .environ_get_value(scheme, &target, cast, default, parse_default, at, how, depth + 1)
                        .inherit(&value);
                }
            }
        }
        if matches!(cast, ECast::None) {
            if let Some(d) = &default {
                if !matches!(d.kind, Kind::None) {
                    cast = ecast_of_type(d);
                }
            }
        }
        let value = match (&default, value.as_str()) {
            (Some(d), Some("")) if matches!(d.kind, Kind::None) => rekind(&value, Kind::None),
            _ => value,
        };
        let differs = match &default {
            None => Some(true),
            Some(d) => value.py_eq(d).map(|eq| !eq),
        };
        match differs {
            None => unknown_at(value.unknown_reason().unwrap_or("not known").to_string(), at).inherit(&value),
            Some(true) => environ_parse_value(&value, &cast, at),
            Some(false) if parse_default && !matches!(value.kind, Kind::None) => environ_parse_value(&value, &cast, at),
            Some(false) => value,
        }
    }

    /// `read_env(env_file=None, overwrite=False, **overrides)`.
    pub(super) fn read_env(&mut self, f: &mut Frame, args: &Args) -> Value {
        let at = args.at;
        let overwrite = args.get(1, "overwrite").and_then(Value::truthy).unwrap_or(false);
        let path = match args.get(0, "env_file") {
            None => f.include_file.parent().map(|d| d.join(".env")).unwrap_or_else(|| PathBuf::from(".env")),
            Some(v) if matches!(v.kind, Kind::None) => {
                f.include_file.parent().map(|d| d.join(".env")).unwrap_or_else(|| PathBuf::from(".env"))
            }
            Some(v) => match v.py_str() {
                Some(p) => {
                    let p = PathBuf::from(p);
                    if p.is_relative() && p.components().count() == 1 {
                        f.module.root.join(p)
                    } else {
                        p
                    }
                }
                None => {
                    self.note(Some(at), "`read_env()` loads a file whose path is not known");
                    return Value::none(Some(at));
                }
            },
        };
        let path = resolve::normalize(&path);
        let shown = crate::source::display_path(&path);
        let Some(text) = self.reader.read_dotenv(&path) else {
            self.note(Some(at), format!("`read_env()` loads `{shown}` at run time; its values are not known here"));
            return Value::none(Some(at));
        };
        let parsed = crate::parse::dotenv::parse(&text);
        let src = self.source_id(&path, SourceKind::EnvFile, Some(text.clone()));
        let mut sets: Vec<(String, Overlay)> = Vec::new();
        for entry in &parsed.entries {
            let Some(val) = &entry.value else { continue };
            let loc = Loc::new(src, val.span.clone());
            let desc =
                format!("set to `{}` in {shown}:{} (loaded by `read_env()`)", mask(&entry.key, &val.value), entry.line);
            sets.push((
                entry.key.clone(),
                Overlay { text: val.value.clone(), at: Some(loc), desc, code_default: false },
            ));
        }
        for (k, v) in &args.kw {
            if k == "env_file" || k == "overwrite" || k == "parse_comments" || k == "encoding" {
                continue;
            }
            if let Some(text) = v.py_str() {
                let desc = format!("set to `{}` by `read_env()` in the settings code", mask(k, &text));
                sets.push((k.clone(), Overlay { text, at: v.origin, desc, code_default: false }));
            }
        }
        for (k, o) in sets {
            let known = self.overlay.contains_key(&k) || self.env.get(&k).is_some();
            if overwrite || !known {
                self.overlay.insert(k, Some(o));
            }
        }
        Value::none(Some(at))
    }

    // python-decouple -----------------------------------------------------------------------------

    /// The `.env` python-decouple's `AutoConfig` finds: beside the calling file, then each
    /// parent up to the project root.
    pub(super) fn decouple_repository(
        &mut self,
        f: &Frame,
        explicit: Option<PathBuf>,
    ) -> Option<Arc<HashMap<String, (String, Loc)>>> {
        let candidates: Vec<PathBuf> = match explicit {
            Some(p) => vec![p],
            None => {
                let mut out = Vec::new();
                let root = resolve::normalize(&f.module.root);
                let mut dir = f.include_file.parent().map(resolve::normalize);
                while let Some(d) = dir {
                    out.push(d.join(".env"));
                    if d == root || d.as_os_str().is_empty() || out.len() > 32 {
                        break;
                    }
                    dir = d.parent().map(Path::to_path_buf);
                }
                out
            }
        };
        for path in candidates {
            let path = resolve::normalize(&path);
            if let Some(cached) = self.decouple_repos.get(&path) {
                if cached.is_some() {
                    return cached.clone();
                }
                continue;
            }
            let repo = self.reader.read_dotenv(&path).map(|text| {
                let src = self.source_id(&path, SourceKind::EnvFile, Some(text.clone()));
                Arc::new(decouple_parse(&text, src))
            });
            self.decouple_repos.insert(path, repo.clone());
            if repo.is_some() {
                return repo;
            }
        }
        None
    }

    /// python-decouple `config(option, default=undefined, cast=undefined)`.
    pub(super) fn decouple_call(&mut self, f: &mut Frame, repository: Option<PathBuf>, args: Args) -> Value {
        let at = args.at;
        let Some(var) = args.get(0, "option").and_then(Value::as_str).map(str::to_string) else {
            return unknown_at("python-decouple read of a variable whose name is not known", at);
        };
        let default = args.get(1, "default").cloned();
        let cast = args.get(2, "cast").cloned();
        let raw = match self.env_lookup(&var, at, "python-decouple `config()`") {
            Lookup::Set { value, .. } => value,
            Lookup::Unknown(v) => return v,
            Lookup::Unset { steps } => {
                let repo = self.decouple_repository(f, repository);
                match repo.as_ref().and_then(|r| r.get(&var)).cloned() {
                    Some((text, loc)) => {
                        let path = self.sources.get(loc.file.0 as usize).map(|s| crate::source::display_path(&s.path)).unwrap_or_default();
                        let mut v = Value::str(text.as_str(), Some(loc));
                        v.step(
                            StepKind::EnvRead { var: var.clone() },
                            Some(at),
                            format!("read from env var {var} by python-decouple `config()`"),
                        );
                        v.step(
                            StepKind::EnvSet { var: var.clone() },
                            Some(loc),
                            format!("set to `{}` in {path} (python-decouple's repository)", mask(&var, &text)),
                        );
                        v
                    }
                    None => match default {
                        None => {
                            return unknown_at(
                                format!(
                                    "reads {var}, which no production source sets, with no default (python-decouple raises UndefinedValueError)"
                                ),
                                at,
                            )
                            .inherit(&steps)
                        }
                        Some(d) => apply_default(d, &steps, &var),
                    },
                }
            }
        };
        match cast {
            None => raw,
            Some(c) => self.apply_cast_decouple(f, &c, raw, at),
        }
    }

    /// `cast(value)` as python-decouple applies it (`bool` means its strtobool).
    pub(super) fn apply_cast_decouple(&mut self, f: &mut Frame, cast: &Value, value: Value, at: Loc) -> Value {
        if is_builtin(cast, Builtin::Bool) {
            return lift1(&value, at, &|x| {
                let s = x.py_str()?;
                envlib::decouple_bool(&s).map(|b| rekind(x, Kind::Bool(b)))
            })
            .pipe(|r| {
                if r.is_unknown() && value.is_determined() {
                    let shown = value.py_str().unwrap_or_default();
                    unknown_at(
                        format!("python-decouple cannot read `{shown}` as a boolean (raises ValueError)"),
                        value.origin.unwrap_or(at),
                    )
                    .inherit(&value)
                } else {
                    r
                }
            });
        }
        if matches!(cast.kind, Kind::None) {
            return value;
        }
        let args = Args { pos: vec![value], kw: Vec::new(), opaque: false, at };
        self.call_value(f, cast, args, None, "cast")
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn apply_csv(
        &mut self,
        f: &mut Frame,
        v: &Value,
        cast: &Value,
        delimiter: &str,
        strip: &str,
        tuple: bool,
        at: Loc,
    ) -> Value {
        let wrap = |items: Vec<Value>| if tuple { Kind::Tuple(Arc::new(items)) } else { Kind::List(Arc::new(items)) };
        match &v.kind {
            Kind::None => rekind(v, wrap(Vec::new())),
            Kind::Str(s) => {
                let mut items = Vec::new();
                for tok in envlib::shlex_split(s, delimiter) {
                    let t = py_strip(&tok, Some(strip), true, true).to_string();
                    let item = rekind(v, Kind::Str(Arc::from(t)));
                    let item =
                        if is_builtin(cast, Builtin::Str) { item } else { self.apply_cast_decouple(f, cast, item, at) };
                    items.push(item);
                }
                rekind(v, wrap(items))
            }
            Kind::Unknown(_) => v.clone(),
            _ => unknown_at(format!("`Csv()` of a {}", v.type_name()), at).inherit(v),
        }
    }

    // django-configurations -------------------------------------------------------------------------

    pub(super) fn config_value(&mut self, kind: &str, args: &Args, name_hint: Option<&str>) -> Value {
        let at = args.at;
        let Some(name) = name_hint.map(str::to_string) else {
            return unknown_at(format!("`values.{kind}()` outside an assignment"), at);
        };
        let url_kind = matches!(kind, "DatabaseURLValue" | "CacheURLValue" | "EmailURLValue" | "SearchURLValue");
        let default = args.get(0, "default").cloned().unwrap_or_else(|| Value::none(Some(at)));
        let environ = kind == "SecretValue" || args.kw("environ").and_then(Value::truthy).unwrap_or(true);
        let required = kind == "SecretValue" || args.kw("environ_required").and_then(Value::truthy).unwrap_or(false);
        let env_name = match args.kw("environ_name").and_then(Value::as_str) {
            Some(n) => n.to_string(),
            None if url_kind => match kind {
                "DatabaseURLValue" => "DATABASE_URL".into(),
                "CacheURLValue" => "CACHE_URL".into(),
                "EmailURLValue" => "EMAIL_URL".into(),
                _ => "SEARCH_URL".into(),
            },
            None => name.to_uppercase(),
        };
        let prefix = match args.kw("environ_prefix") {
            Some(v) if matches!(v.kind, Kind::None) => None,
            Some(v) => v.as_str().map(|p| p.trim_end_matches('_').to_string()),
            None if url_kind => None,
            None => Some("DJANGO".to_string()),
        };
        let var = match prefix.filter(|p| !p.is_empty()) {
            Some(p) => format!("{p}_{env_name}"),
            None => env_name,
        };
        let alias = args.kw("alias").and_then(Value::as_str).unwrap_or("default").to_string();
        let separator = args.kw("separator").and_then(Value::as_str).unwrap_or(",").to_string();
        let to_python = |v: &Value, at: Loc| -> Value {
            let Some(s) = v.as_str() else { return v.clone() };
            let fail = |what: &str| {
                unknown_at(
                    format!("django-configurations cannot read `{s}` as {what} (raises ValueError)"),
                    v.origin.unwrap_or(at),
                )
                .inherit(v)
            };
            match kind {
                "BooleanValue" => match envlib::configurations_bool(s) {
                    Some(b) => rekind(v, Kind::Bool(b)),
                    None => fail("a boolean"),
                },
                "IntegerValue" | "PositiveIntegerValue" => match envlib::py_int(s) {
                    Some(i) => rekind(v, Kind::Int(i)),
                    None => fail("an integer"),
                },
                "FloatValue" | "DecimalValue" => match envlib::py_float(s) {
                    Some(x) => rekind(v, Kind::Float(x)),
                    None => fail("a number"),
                },
                "ListValue" | "TupleValue" | "SetValue" | "BackendsValue" => {
                    let items: Vec<Value> = s
                        .trim()
                        .split(separator.as_str())
                        .map(str::trim)
                        .filter(|x| !x.is_empty())
                        .map(|x| rekind(v, Kind::Str(Arc::from(x))))
                        .collect();
                    rekind(
                        v,
                        match kind {
                            "TupleValue" => Kind::Tuple(Arc::new(items)),
                            "SetValue" => Kind::Set(Arc::new(items)),
                            _ => Kind::List(Arc::new(items)),
                        },
                    )
                }
                "DatabaseURLValue" | "CacheURLValue" => {
                    let cfg = if kind == "DatabaseURLValue" {
                        db_url_config(v, None, at)
                    } else {
                        cache_url_config(v, None, at)
                    };
                    let mut d = Dict::new();
                    d.insert(Value::str(alias.as_str(), v.origin), cfg);
                    rekind(v, Kind::Dict(Arc::new(d)))
                }
                "EmailURLValue" => email_url_config(v, None, at),
                "DictValue" | "SingleNestedListValue" | "SingleNestedTupleValue" | "SearchURLValue" => {
                    unknown_at(format!("`values.{kind}` from the environment is not modelled"), at).inherit(v)
                }
                _ => v.clone(),
            }
        };
        let default = match kind {
            "ListValue" | "BackendsValue" if matches!(default.kind, Kind::None) => Value::list(Vec::new(), Some(at)),
            "TupleValue" if matches!(default.kind, Kind::None) => Value::tuple(Vec::new(), Some(at)),
            "SetValue" if matches!(default.kind, Kind::None) => Value::new(Kind::Set(Arc::new(Vec::new())), Some(at)),
            "DictValue" | "DatabaseURLValue" | "CacheURLValue" | "EmailURLValue"
                if matches!(default.kind, Kind::None) =>
            {
                Value::dict(Dict::new(), Some(at))
            }
            "DatabaseURLValue" | "CacheURLValue" | "EmailURLValue" => to_python(&default, at),
            _ => default,
        };
        if kind == "BooleanValue" && !matches!(default.kind, Kind::Bool(_)) {
            return unknown_at("`values.BooleanValue` with a default that is not a bool (raises ValueError)", at);
        }
        if kind == "SecretValue" && !matches!(default.kind, Kind::None) {
            return unknown_at("`values.SecretValue` with a default (raises ValueError)", at);
        }
        if !environ {
            return default;
        }
        let how = format!("django-configurations `values.{kind}`");
        match self.env_lookup(&var, at, &how) {
            Lookup::Set { value, .. } => {
                if kind == "SecretValue" && value.as_str() == Some("") {
                    return unknown_at(
                        format!("{var} is empty (`SecretValue` raises ValueError)"),
                        value.origin.unwrap_or(at),
                    )
                    .inherit(&value);
                }
                to_python(&value, at)
            }
            Lookup::Unknown(v) => v,
            Lookup::Unset { steps } => {
                if required {
                    return unknown_at(
                        format!("reads {var}, which no production source sets; `values.{kind}` requires it (raises ValueError)"),
                        at,
                    )
                    .inherit(&steps);
                }
                apply_default(default, &steps, &var)
            }
        }
    }

    // split-settings ----------------------------------------------------------------------------------

    /// `include(*paths)`: runs each file (globs allowed) in the including module's namespace.
    pub(super) fn include(&mut self, f: &mut Frame, args: &Args) -> Value {
        let at = args.at;
        let base_dir = f.include_file.parent().map(Path::to_path_buf).unwrap_or_default();
        for arg in &args.pos {
            let (pattern_value, optional) = match &arg.kind {
                Kind::Object(o) => match &**o {
                    Object::OptionalPath(v) => (v.clone(), true),
                    _ => (arg.clone(), false),
                },
                _ => (arg.clone(), false),
            };
            let Some(pattern) = pattern_value.py_str() else {
                self.note(
                    Some(at),
                    format!(
                        "`include()` of a path that is not known: {}",
                        pattern_value.unknown_reason().unwrap_or("not text")
                    ),
                );
                continue;
            };
            let full = base_dir.join(&pattern);
            let mut files = resolve::glob(self.reader, &full);
            let mut assumed = None;
            if let Some(var) = &pattern_value.env_default {
                if let Some(prod) = self.production_sibling(&full) {
                    if files != vec![prod.clone()] {
                        let msg = format!(
                            "assumed production: `{pattern}` depends on {var}, which no production source sets; included `{}` instead",
                            crate::source::display_path(&prod)
                        );
                        self.note(Some(at), msg.clone());
                        assumed = Some(msg);
                        files = vec![prod];
                    }
                }
            }
            if files.is_empty() {
                if !optional {
                    self.error(
                        ErrorKind::IncludeNotFound,
                        Some(at),
                        format!("`include()`: no such file `{}`", crate::source::display_path(&full)),
                    );
                }
                continue;
            }
            for file in files {
                let key = format!("__included__:{}", file.display());
                if f.ns.values.contains_key(&key) || f.module.file == file {
                    continue;
                }
                f.ns.values.insert(key, Value::new(Kind::Bool(true), None));
                let Some(text) = self.reader.read(&file) else {
                    self.error(ErrorKind::Unreadable, Some(at), format!("cannot read `{}`", file.display()));
                    continue;
                };
                let (src, parsed) = self.parse_source(&file, SourceKind::Python { module: None }, text);
                let cx = Cx { parsed: &parsed, src, file: file.clone(), offset: 0 };
                let saved = std::mem::replace(&mut f.include_file, file.clone());
                f.include_at.push(at);
                let before = assumed.as_ref().map(|_| f.ns.values.clone());
                let flow = self.exec_block(&cx, f, parsed.root());
                if let (Some(before), Some(msg)) = (before, &assumed) {
                    for (name, v) in f.ns.values.iter_mut() {
                        if matches!(v.kind, Kind::Object(_)) {
                            continue;
                        }
                        if before.get(name).is_none_or(|old| !same_value(old, v)) {
                            v.step(StepKind::AssumedProduction, Some(at), msg.clone());
                            if v.env_default.is_none() {
                                v.env_default = pattern_value.env_default.clone();
                            }
                        }
                    }
                }
                f.include_at.pop();
                f.include_file = saved;
                if let Flow::Raise(r) = flow {
                    self.error(ErrorKind::Raises, Some(r.at), r.message);
                }
            }
        }
        Value::none(Some(at))
    }

    /// A production-named file beside `pattern` (`environments/production.py` beside
    /// `environments/development.py`).
    pub(super) fn production_sibling(&self, pattern: &Path) -> Option<PathBuf> {
        let dir = pattern.parent()?;
        let ext = pattern.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_else(|| "py".into());
        let mut best: Option<(usize, PathBuf)> = None;
        for (entry, is_dir) in self.reader.list_dir(dir) {
            if is_dir || entry.extension().map(|e| e.to_string_lossy().into_owned()) != Some(ext.clone()) {
                continue;
            }
            let stem = entry.file_stem().map(|s| s.to_string_lossy().to_lowercase()).unwrap_or_default();
            let toks: Vec<&str> = stem.split(['.', '-', '_']).collect();
            let rank = crate::discover::PRODUCTION_TOKENS.iter().position(|t| toks.contains(t));
            let dev = toks.iter().any(|t| crate::discover::DEVELOPMENT_TOKENS.contains(t));
            if let (Some(r), false) = (rank, dev) {
                if best.as_ref().is_none_or(|(b, p)| r < *b || (r == *b && entry < *p)) {
                    best = Some((r, entry));
                }
            }
        }
        best.map(|(_, p)| resolve::normalize(&p))
    }
}

/// python-decouple's `RepositoryEnv` parser: `KEY=VALUE` lines, matching quotes stripped.
pub(super) fn decouple_parse(text: &str, src: SrcId) -> Repository {
    let mut out = HashMap::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || !trimmed.contains('=') {
            continue;
        }
        let Some((k, v)) = trimmed.split_once('=') else { continue };
        let k = k.trim();
        let v_trim = v.trim();
        let v_start = start
            + (line.len() - line.trim_start().len())
            + (trimmed.len() - v.len())
            + (v.len() - v.trim_start().len());
        let mut value = v_trim.to_string();
        if value.len() >= 2 {
            let b = value.as_bytes();
            if (b[0] == b'\'' && b[b.len() - 1] == b'\'') || (b[0] == b'"' && b[b.len() - 1] == b'"') {
                value = value[1..value.len() - 1].to_string();
            }
        }
        out.insert(k.to_string(), (value, Loc::new(src, v_start..v_start + v_trim.len())));
    }
    out
}

/// django-environ `Env.parse_value(value, cast)`.
pub(super) fn environ_parse_value(value: &Value, cast: &ECast, at: Loc) -> Value {
    let fail = |what: String| unknown_at(what, value.origin.unwrap_or(at)).inherit(value);
    let s = match &value.kind {
        Kind::Str(s) => s.to_string(),
        Kind::Unknown(_) => return value.clone(),
        _ => {
            // A default with `parse_default`: only int-like casts apply to non-text values.
            return match (cast, &value.kind) {
                (ECast::None, _) => value.clone(),
                (ECast::Bool, Kind::Bool(b)) => rekind(value, Kind::Bool(*b)),
                (ECast::Bool, Kind::Int(i)) => rekind(value, Kind::Bool(*i != 0)),
                (ECast::Int, Kind::Int(i)) => rekind(value, Kind::Int(*i)),
                (ECast::Int, Kind::Bool(b)) => rekind(value, Kind::Int(*b as i64)),
                (ECast::Str, _) => match value.py_str() {
                    Some(s) => rekind(value, Kind::Str(Arc::from(s))),
                    None => fail("str() of a value that is not known".into()),
                },
                (ECast::Url, _) => value.clone(),
                _ => fail(format!("django-environ cannot cast a {} default", value.type_name())),
            };
        }
    };
    let item = |c: &ECast, x: &str| -> Option<Value> {
        let kind = match c {
            ECast::None | ECast::Str => Kind::Str(Arc::from(x)),
            ECast::Bool => Kind::Bool(!x.is_empty()),
            ECast::Int => Kind::Int(envlib::py_int(x)?),
            ECast::Float => Kind::Float(envlib::py_float(x)?),
            _ => return None,
        };
        Some(rekind(value, kind))
    };
    match cast {
        ECast::None => value.clone(),
        ECast::Bool => rekind(value, Kind::Bool(envlib::environ_bool(&s))),
        ECast::Int => match envlib::py_int(&s) {
            Some(i) => rekind(value, Kind::Int(i)),
            None => fail(format!("`int({})` raises ValueError", str_repr(&s))),
        },
        ECast::Float => match envlib::environ_float(&s) {
            Some(x) => rekind(value, Kind::Float(x)),
            None => fail(format!("django-environ cannot read {} as a float (raises ValueError)", str_repr(&s))),
        },
        ECast::Str | ECast::Url => rekind(value, Kind::Str(Arc::from(s))),
        ECast::List(sub) | ECast::Tuple(sub) => {
            let parts: Vec<&str> = if matches!(cast, ECast::Tuple(_)) {
                s.trim_matches('(').trim_matches(')').split(',').filter(|x| !x.is_empty()).collect()
            } else {
                s.split(',').filter(|x| !x.is_empty()).collect()
            };
            let c = sub.as_deref().unwrap_or(&ECast::Str);
            let mut items = Vec::new();
            for p in parts {
                match item(c, p) {
                    Some(v) => items.push(v),
                    None => return fail(format!("django-environ cannot cast the item {} (raises)", str_repr(p))),
                }
            }
            rekind(
                value,
                if matches!(cast, ECast::Tuple(_)) {
                    Kind::Tuple(Arc::new(items))
                } else {
                    Kind::List(Arc::new(items))
                },
            )
        }
        ECast::Dict => {
            let mut d = Dict::new();
            for part in s.split(',').filter(|x| !x.is_empty()) {
                let Some((k, v)) = part.split_once('=') else {
                    return fail(format!(
                        "django-environ cannot read {} as a dict item (raises ValueError)",
                        str_repr(part)
                    ));
                };
                d.insert(rekind(value, Kind::Str(Arc::from(k))), rekind(value, Kind::Str(Arc::from(v))));
            }
            rekind(value, Kind::Dict(Arc::new(d)))
        }
        ECast::DictSpec(spec) => {
            let spec_cast = |key: &str| -> ECast {
                let by_key = spec.get("cast").and_then(|c| c.get(key)).map(ecast_from);
                by_key.or_else(|| spec.get("value").map(ecast_from)).unwrap_or(ECast::Str)
            };
            let mut d = Dict::new();
            for part in s.split(';').filter(|x| !x.is_empty()) {
                let kv: Vec<&str> = part.split('=').collect();
                if kv.len() != 2 {
                    return fail(format!(
                        "django-environ cannot read {} as a dict item (raises ValueError)",
                        str_repr(part)
                    ));
                }
                let c = spec_cast(kv[0]);
                let v = match c {
                    ECast::None | ECast::Str | ECast::Bool | ECast::Int | ECast::Float => {
                        environ_parse_value(&rekind(value, Kind::Str(Arc::from(kv[1]))), &c, at)
                    }
                    _ => return fail("a dict cast Preflight does not model".into()),
                };
                d.insert(rekind(value, Kind::Str(Arc::from(kv[0]))), v);
            }
            rekind(value, Kind::Dict(Arc::new(d)))
        }
        ECast::Json => match serde_json::from_str::<serde_json::Value>(&s) {
            Ok(j) => json_to_value(&j, value.origin).inherit(value),
            Err(_) => fail(format!("{} is not JSON (json.loads raises)", str_repr(&s))),
        },
        ECast::Other(desc) => fail(format!("casts with {desc}")),
    }
}

/// `x.pipe(f)`: apply `f` to `x` (keeps long expressions readable).
pub(super) trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}

impl Pipe for Value {}
