//! Python builtins, methods of values, and the callables of the libraries' casts.

use super::*;

/// django-environ casts.
#[derive(Debug, Clone)]
pub(super) enum ECast {
    None,
    Bool,
    Int,
    Float,
    Str,
    List(Option<Box<ECast>>),
    Tuple(Option<Box<ECast>>),
    Dict,
    DictSpec(Value),
    Json,
    Url,
    Other(String),
}

pub(super) fn ecast_from(v: &Value) -> ECast {
    match &v.kind {
        Kind::None => ECast::None,
        Kind::Object(o) => match &**o {
            Object::Builtin(Builtin::Bool) => ECast::Bool,
            Object::Builtin(Builtin::Int) => ECast::Int,
            Object::Builtin(Builtin::Float) => ECast::Float,
            Object::Builtin(Builtin::Str) => ECast::Str,
            Object::Builtin(Builtin::List) => ECast::List(None),
            Object::Builtin(Builtin::Tuple) => ECast::Tuple(None),
            Object::Builtin(Builtin::Dict) => ECast::Dict,
            Object::Builtin(Builtin::JsonLoads) => ECast::Json,
            other => ECast::Other(other.describe()),
        },
        Kind::List(items) if items.len() == 1 => ECast::List(Some(Box::new(ecast_from(&items[0])))),
        Kind::Tuple(items) if items.len() == 1 => ECast::Tuple(Some(Box::new(ecast_from(&items[0])))),
        Kind::Dict(_) => ECast::DictSpec(v.clone()),
        _ => ECast::Other(v.describe()),
    }
}

/// Smart cast: the type of the default.
pub(super) fn ecast_of_type(d: &Value) -> ECast {
    match &d.kind {
        Kind::Bool(_) => ECast::Bool,
        Kind::Int(_) => ECast::Int,
        Kind::Float(_) => ECast::Float,
        Kind::Str(_) => ECast::Str,
        Kind::List(_) => ECast::List(None),
        Kind::Tuple(_) => ECast::Tuple(None),
        Kind::Dict(_) => ECast::Dict,
        _ => ECast::Other(format!("`{}` (the type of the default)", d.type_name())),
    }
}

pub(super) fn is_callable(v: &Value) -> bool {
    matches!(&v.kind, Kind::Object(o) if matches!(**o, Object::Builtin(_) | Object::Function(_) | Object::Class(_) | Object::External(_)))
}

/// `value` with another kind, keeping its origin and history.
pub(super) fn rekind(v: &Value, kind: Kind) -> Value {
    Value { kind, ..v.clone() }
}

pub(super) fn json_to_value(j: &serde_json::Value, origin: Option<Loc>) -> Value {
    match j {
        serde_json::Value::Null => Value::none(origin),
        serde_json::Value::Bool(b) => Value::bool(*b, origin),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::int(i, origin),
            None => Value::new(Kind::Float(n.as_f64().unwrap_or(0.0)), origin),
        },
        serde_json::Value::String(s) => Value::str(s.as_str(), origin),
        serde_json::Value::Array(a) => Value::list(a.iter().map(|x| json_to_value(x, origin)).collect(), origin),
        serde_json::Value::Object(o) => {
            let mut d = Dict::new();
            for (k, v) in o {
                d.insert(Value::str(k.as_str(), origin), json_to_value(v, origin));
            }
            Value::dict(d, origin)
        }
    }
}

/// Python's `str.split()` (whitespace) / `str.split(sep)`, with `maxsplit`.
pub(super) fn py_split(s: &str, sep: Option<&str>, maxsplit: i64, right: bool) -> Vec<String> {
    let max = if maxsplit < 0 { usize::MAX } else { maxsplit as usize };
    match sep {
        Some(sep) if !sep.is_empty() => {
            if right {
                let mut parts: Vec<String> = s.rsplitn(max.saturating_add(1), sep).map(str::to_string).collect();
                parts.reverse();
                parts
            } else {
                s.splitn(max.saturating_add(1), sep).map(str::to_string).collect()
            }
        }
        _ => {
            let words: Vec<&str> = s.split_whitespace().collect();
            if words.len() <= max.saturating_add(1) || max == usize::MAX {
                return words.into_iter().map(str::to_string).collect();
            }
            if right {
                let keep = words.len() - max;
                let head = s.trim_end();
                let mut out = Vec::new();
                let mut rest = head;
                for w in words[keep..].iter().rev() {
                    let end = rest.trim_end();
                    rest = &end[..end.len() - w.len()];
                    out.push(w.to_string());
                }
                out.push(rest.trim().to_string());
                out.reverse();
                out
            } else {
                let mut out = Vec::new();
                let mut rest = s.trim_start();
                for w in &words[..max] {
                    out.push(w.to_string());
                    rest = rest[w.len()..].trim_start();
                }
                out.push(rest.to_string());
                out
            }
        }
    }
}

/// `str.strip(chars)`.
pub(super) fn py_strip<'s>(s: &'s str, chars: Option<&str>, left: bool, right: bool) -> &'s str {
    let pred = |c: char| match chars {
        Some(set) => set.contains(c),
        None => c.is_whitespace(),
    };
    let s = if left { s.trim_start_matches(pred) } else { s };
    if right {
        s.trim_end_matches(pred)
    } else {
        s
    }
}

/// `str.format(*args, **kwargs)` with plain fields.
pub(super) fn py_format(fmt: &str, args: &Args) -> Option<String> {
    let mut out = String::new();
    let mut auto = 0usize;
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            if chars.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            let end = chars[i..].iter().position(|c| *c == '}')? + i;
            let field: String = chars[i + 1..end].iter().collect();
            let (name, spec) = match field.split_once(':') {
                Some((n, s)) => (n.to_string(), Some(s.to_string())),
                None => (field.clone(), None),
            };
            let (name, conv) = match name.split_once('!') {
                Some((n, c)) => (n.to_string(), Some(c.to_string())),
                None => (name, None),
            };
            let v = if name.is_empty() {
                auto += 1;
                args.pos.get(auto - 1)?
            } else if let Ok(idx) = name.parse::<usize>() {
                args.pos.get(idx)?
            } else {
                args.kw(&name)?
            };
            let text = match (conv.as_deref(), spec.as_deref()) {
                (Some("r"), _) => v.py_repr()?,
                (_, Some(spec)) if !spec.is_empty() => format_spec(v, spec)?,
                _ => v.py_str()?,
            };
            out.push_str(&text);
            i = end + 1;
        } else if c == '}' {
            out.push('}');
            i += if chars.get(i + 1) == Some(&'}') { 2 } else { 1 };
        } else {
            out.push(c);
            i += 1;
        }
    }
    Some(out)
}

impl<'a> Evaluator<'a> {
    pub(super) fn call_builtin(&mut self, f: &mut Frame, b: Builtin, args: Args, name_hint: Option<&str>) -> Value {
        let at = args.at;
        if args.opaque {
            return unknown_at(format!("calls `{}()` with arguments that are not known", b.name()), at);
        }
        let a0 = args.pos.first().cloned();
        let convert = |v: &Value, op: &dyn Fn(&Value) -> Option<Kind>| -> Value {
            lift1(v, at, &|x| op(x).map(|k| rekind(x, k)))
        };
        match b {
            Builtin::Bool => match a0 {
                None => Value::bool(false, Some(at)),
                Some(v) => convert(&v, &|x| x.truthy().map(Kind::Bool)),
            },
            Builtin::Int => match a0 {
                None => Value::int(0, Some(at)),
                Some(v) => {
                    let base = args.get(1, "base").and_then(Value::as_int);
                    let r = lift1(&v, at, &|x| match &x.kind {
                        Kind::Int(i) => Some(rekind(x, Kind::Int(*i))),
                        Kind::Bool(b) => Some(rekind(x, Kind::Int(*b as i64))),
                        Kind::Float(f) if f.is_finite() => Some(rekind(x, Kind::Int(f.trunc() as i64))),
                        Kind::Str(s) => match base {
                            Some(base) if base != 10 => {
                                i64::from_str_radix(s.trim(), base as u32).ok().map(|i| rekind(x, Kind::Int(i)))
                            }
                            _ => envlib::py_int(s).map(|i| rekind(x, Kind::Int(i))),
                        },
                        _ => None,
                    });
                    if r.is_unknown() && v.is_determined() {
                        return unknown_at(
                            format!("`int({})` raises ValueError", v.describe()),
                            v.origin.unwrap_or(at),
                        )
                        .inherit(&v);
                    }
                    r
                }
            },
            Builtin::Float => match a0 {
                None => Value::new(Kind::Float(0.0), Some(at)),
                Some(v) => {
                    let r = convert(&v, &|x| match &x.kind {
                        Kind::Str(s) => envlib::py_float(s).map(Kind::Float),
                        _ => as_num(x).map(|n| Kind::Float(n.f())),
                    });
                    if r.is_unknown() && v.is_determined() {
                        return unknown_at(
                            format!("`float({})` raises ValueError", v.describe()),
                            v.origin.unwrap_or(at),
                        )
                        .inherit(&v);
                    }
                    r
                }
            },
            Builtin::Str => match a0 {
                None => Value::str("", Some(at)),
                Some(v) => convert(&v, &|x| x.py_str().map(|s| Kind::Str(Arc::from(s)))),
            },
            Builtin::List | Builtin::Tuple | Builtin::Set => {
                let items = match &a0 {
                    None => Some(Vec::new()),
                    Some(v) => iter_items(v),
                };
                let Some(items) = items else {
                    let v = a0.unwrap_or_else(|| Value::none(Some(at)));
                    return unknown_at(
                        v.unknown_reason().unwrap_or("converts a value that is not a sequence").to_string(),
                        at,
                    )
                    .inherit(&v);
                };
                let kind = match b {
                    Builtin::List => Kind::List(Arc::new(items)),
                    Builtin::Tuple => Kind::Tuple(Arc::new(items)),
                    _ => {
                        let mut uniq: Vec<Value> = Vec::new();
                        for it in items {
                            if !uniq.iter().any(|u| u.py_eq(&it) == Some(true)) {
                                uniq.push(it);
                            }
                        }
                        Kind::Set(Arc::new(uniq))
                    }
                };
                match &a0 {
                    Some(v) => rekind(v, kind),
                    None => Value::new(kind, Some(at)),
                }
            }
            Builtin::Dict => {
                let mut d = match &a0 {
                    None => Dict::new(),
                    Some(v) => match &v.kind {
                        Kind::Dict(x) => (**x).clone(),
                        Kind::List(items) | Kind::Tuple(items) => {
                            let mut d = Dict::new();
                            for it in items.iter() {
                                match it.as_seq() {
                                    Some([k, v]) => {
                                        d.insert(k.clone(), v.clone());
                                    }
                                    _ => return unknown_at("dict() of items that are not pairs", at),
                                }
                            }
                            d
                        }
                        _ => {
                            return unknown_at(
                                v.unknown_reason().unwrap_or("dict() of a value that is not known").to_string(),
                                at,
                            )
                        }
                    },
                };
                for (k, v) in &args.kw {
                    d.insert(Value::str(k.as_str(), Some(at)), v.clone());
                }
                Value::dict(d, Some(at))
            }
            Builtin::Len => match a0 {
                Some(v) => convert(&v, &|x| {
                    Some(Kind::Int(match &x.kind {
                        Kind::Str(s) => s.chars().count() as i64,
                        Kind::List(i) | Kind::Tuple(i) | Kind::Set(i) => i.len() as i64,
                        Kind::Dict(d) => d.len() as i64,
                        _ => return None,
                    }))
                }),
                None => unknown_at("len() without an argument", at),
            },
            Builtin::Sorted => match a0.as_ref().and_then(iter_items) {
                Some(mut items) => {
                    if items.iter().all(|i| i.as_str().is_some()) {
                        items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                    } else if items.iter().all(|i| as_num(i).is_some()) {
                        items.sort_by(|a, b| {
                            as_num(a)
                                .map(Num::f)
                                .partial_cmp(&as_num(b).map(Num::f))
                                .unwrap_or(std::cmp::Ordering::Equal)
                        });
                    } else {
                        return unknown_at("sorted() of mixed values", at);
                    }
                    if args.kw("reverse").and_then(Value::truthy) == Some(true) {
                        items.reverse();
                    }
                    Value::list(items, Some(at))
                }
                None => unknown_at("sorted() of a value that is not known", at),
            },
            Builtin::Min | Builtin::Max => {
                let items = if args.pos.len() == 1 { iter_items(&args.pos[0]) } else { Some(args.pos.clone()) };
                let Some(items) = items.filter(|i| !i.is_empty()) else {
                    return unknown_at("min()/max() of nothing", at);
                };
                let mut best = items[0].clone();
                for it in &items[1..] {
                    let better =
                        if b == Builtin::Min { compare_plain("<", it, &best) } else { compare_plain(">", it, &best) };
                    match better {
                        Some(true) => best = it.clone(),
                        Some(false) => {}
                        None => return unknown_at("min()/max() of values that cannot be compared", at),
                    }
                }
                best
            }
            Builtin::Any | Builtin::All => match a0.as_ref().and_then(iter_items) {
                Some(items) => {
                    let want = b == Builtin::Any;
                    let mut unknown = false;
                    for it in &items {
                        match it.truthy() {
                            Some(t) if t == want => return Value::bool(want, Some(at)),
                            Some(_) => {}
                            None => unknown = true,
                        }
                    }
                    if unknown {
                        unknown_at("any()/all() of values that are not known", at)
                    } else {
                        Value::bool(!want, Some(at))
                    }
                }
                None => unknown_at("any()/all() of a value that is not known", at),
            },
            Builtin::Repr => match a0 {
                Some(v) => convert(&v, &|x| x.py_repr().map(|s| Kind::Str(Arc::from(s)))),
                None => unknown_at("repr()", at),
            },
            Builtin::Print => Value::none(Some(at)),
            Builtin::Filter | Builtin::Map => self.filter_map(f, b, &args),
            Builtin::Range => {
                let nums: Option<Vec<i64>> = args.pos.iter().map(Value::as_int).collect();
                let (start, stop, step) = match nums.as_deref() {
                    Some([stop]) => (0, *stop, 1),
                    Some([start, stop]) => (*start, *stop, 1),
                    Some([start, stop, step]) if *step != 0 => (*start, *stop, *step),
                    _ => return unknown_at("range() of values that are not known", at),
                };
                let len = if step > 0 { (stop - start).max(0) / step } else { (start - stop).max(0) / -step };
                if len as u64 > self.budget.min(1_000_000) {
                    return unknown_at("range() too long to model", at);
                }
                let items = (0..len).map(|i| Value::int(start + i * step, Some(at))).collect();
                Value::list(items, Some(at))
            }
            Builtin::Enumerate | Builtin::Reversed => match a0.as_ref().and_then(iter_items) {
                Some(items) => {
                    let start = args.get(1, "start").and_then(Value::as_int).unwrap_or(0);
                    let out: Vec<Value> = if b == Builtin::Reversed {
                        items.into_iter().rev().collect()
                    } else {
                        items
                            .into_iter()
                            .enumerate()
                            .map(|(i, v)| Value::tuple(vec![Value::int(start + i as i64, Some(at)), v], Some(at)))
                            .collect()
                    };
                    Value::list(out, Some(at))
                }
                None => unknown_at(format!("{}() of a value that is not known", b.name()), at),
            },
            Builtin::Zip => {
                let seqs: Option<Vec<Vec<Value>>> = args.pos.iter().map(iter_items).collect();
                match seqs {
                    Some(seqs) => {
                        let n = seqs.iter().map(Vec::len).min().unwrap_or(0);
                        let out = (0..n)
                            .map(|i| Value::tuple(seqs.iter().map(|s| s[i].clone()).collect(), Some(at)))
                            .collect();
                        Value::list(out, Some(at))
                    }
                    None => unknown_at("zip() of values that are not known", at),
                }
            }
            Builtin::Sum => match a0.as_ref().and_then(iter_items) {
                Some(items) => {
                    let mut acc = args.get(1, "start").cloned().unwrap_or_else(|| Value::int(0, Some(at)));
                    for it in &items {
                        acc = self.binop("+", &acc, it, at);
                    }
                    acc
                }
                None => unknown_at("sum() of a value that is not known", at),
            },
            Builtin::Abs => match a0 {
                Some(v) => convert(&v, &|x| match x.kind {
                    Kind::Int(i) => i.checked_abs().map(Kind::Int),
                    Kind::Float(f) => Some(Kind::Float(f.abs())),
                    Kind::Bool(b) => Some(Kind::Int(b as i64)),
                    Kind::Timedelta(t) => Some(Kind::Timedelta(t.abs())),
                    _ => None,
                }),
                None => unknown_at("abs() without a value", at),
            },
            Builtin::Round => match (a0, args.get(1, "ndigits")) {
                (Some(v), None) => convert(&v, &|x| match x.kind {
                    Kind::Int(i) => Some(Kind::Int(i)),
                    Kind::Float(f) if f.is_finite() => Some(Kind::Int(round_half_even(f) as i64)),
                    _ => None,
                }),
                _ => unknown_at("round() with digits is not modelled", at),
            },
            Builtin::Identity => a0.unwrap_or_else(|| Value::none(Some(at))),
            Builtin::OsEnviron => unknown_at("calls os.environ", at),
            Builtin::OsGetenv => self.os_get(&args, "`os.getenv()`"),
            Builtin::OsGetcwd => unknown_at("the working directory at run time", at),
            Builtin::PathJoin => {
                let mut out = String::new();
                for (i, a) in args.pos.iter().enumerate() {
                    let Some(s) = a.py_str() else {
                        return unknown_at(
                            a.unknown_reason().unwrap_or("joins a path that is not known").to_string(),
                            at,
                        )
                        .inherit(a);
                    };
                    out = if i == 0 { s } else { os_path_join(&out, &s) };
                }
                Value::str(out, Some(at))
            }
            Builtin::PathDirname
            | Builtin::PathBasename
            | Builtin::PathAbspath
            | Builtin::PathNormpath
            | Builtin::PathExpanduser
            | Builtin::PathSplitext => {
                let Some(v) = a0 else { return unknown_at(format!("{}() without a path", b.name()), at) };
                let Some(s) = v.py_str() else {
                    return unknown_at(v.unknown_reason().unwrap_or("a path that is not known").to_string(), at)
                        .inherit(&v);
                };
                match b {
                    Builtin::PathDirname => Value::str(path_dirname(&s, false), Some(at)),
                    Builtin::PathBasename => Value::str(path_basename(&s), Some(at)),
                    Builtin::PathAbspath | Builtin::PathNormpath => Value::str(lexical_abspath(&s), Some(at)),
                    Builtin::PathExpanduser => Value::str(s, Some(at)),
                    _ => {
                        let base = path_basename(&s);
                        let (stem, ext) = match base.rfind('.') {
                            Some(i) if i > 0 => (s[..s.len() - (base.len() - i)].to_string(), base[i..].to_string()),
                            _ => (s.clone(), String::new()),
                        };
                        Value::tuple(vec![Value::str(stem, Some(at)), Value::str(ext, Some(at))], Some(at))
                    }
                }
            }
            Builtin::PathCls => {
                let mut out = ".".to_string();
                for a in &args.pos {
                    let Some(s) = a.py_str() else {
                        return unknown_at(a.unknown_reason().unwrap_or("a path that is not known").to_string(), at)
                            .inherit(a);
                    };
                    out = pathlib_join(&out, &s);
                }
                Value::new(Kind::Path(Arc::from(out)), Some(at))
            }
            Builtin::Timedelta => self.timedelta(&args),
            Builtin::EnvironEnv => {
                let mut scheme = EnvScheme::default();
                for (k, v) in &args.kw {
                    match v.as_seq() {
                        Some([cast, default]) if matches!(v.kind, Kind::Tuple(_) | Kind::List(_)) => {
                            scheme.scheme.insert(k.clone(), (cast.clone(), Some(default.clone())));
                        }
                        _ => {
                            scheme.scheme.insert(k.clone(), (v.clone(), None));
                        }
                    }
                }
                Value::new(obj(Object::EnvReader(Arc::new(scheme))), Some(at))
            }
            Builtin::EnvironPath => {
                let mut out = String::new();
                for (i, a) in args.pos.iter().enumerate() {
                    let Some(s) = a.py_str() else {
                        return unknown_at(a.unknown_reason().unwrap_or("a path that is not known").to_string(), at)
                            .inherit(a);
                    };
                    out = if i == 0 { s } else { os_path_join(&out, &s) };
                }
                if args.kw("is_file").and_then(Value::truthy) == Some(true) {
                    out = path_dirname(&out, false);
                }
                Value::new(Kind::Path(Arc::from(lexical_abspath(&out))), Some(at))
            }
            Builtin::EnvironReadEnv => self.read_env(f, &args),
            Builtin::DecoupleAutoConfig => {
                let repo = args.get(0, "search_path").and_then(Value::py_str).map(|p| PathBuf::from(p).join(".env"));
                Value::new(obj(Object::Decouple { repository: repo }), Some(at))
            }
            Builtin::DecoupleConfigCls => {
                let repo = match args.get(0, "repository").map(|v| &v.kind) {
                    Some(Kind::Object(o)) => match &**o {
                        Object::DecoupleRepository(p) => p.clone(),
                        _ => None,
                    },
                    _ => None,
                };
                Value::new(obj(Object::Decouple { repository: repo }), Some(at))
            }
            Builtin::DecoupleRepositoryEnv => {
                let p = args.get(0, "source").and_then(Value::py_str).map(PathBuf::from);
                Value::new(obj(Object::DecoupleRepository(p)), Some(at))
            }
            Builtin::DecoupleCsv => {
                let cast = args.get(0, "cast").cloned().unwrap_or_else(|| builtin(Builtin::Str));
                let delimiter = args.get(1, "delimiter").and_then(Value::py_str).unwrap_or_else(|| ",".into());
                let strip = args.get(2, "strip").and_then(Value::py_str).unwrap_or_else(|| " \t\n\r\u{b}\u{c}".into());
                let tuple = args.get(3, "post_process").is_some_and(|p| is_builtin(p, Builtin::Tuple));
                Value::new(obj(Object::Csv { cast, delimiter, strip, tuple }), Some(at))
            }
            Builtin::DecoupleChoices => {
                let mut choices: Vec<Value> = args.get(0, "flat").and_then(iter_items).unwrap_or_default();
                if let Some(pairs) = args.get(2, "choices").and_then(iter_items) {
                    for p in pairs {
                        if let Some(first) = p.as_seq().and_then(|s| s.first()) {
                            choices.push(first.clone());
                        }
                    }
                }
                let cast = args.get(1, "cast").cloned().unwrap_or_else(|| builtin(Builtin::Str));
                Value::new(obj(Object::Choices { choices, cast }), Some(at))
            }
            Builtin::Strtobool | Builtin::DistutilsStrtobool => match a0 {
                Some(v) => {
                    let r = lift1(&v, at, &|x| {
                        if let Kind::Bool(bv) = x.kind {
                            return (b == Builtin::Strtobool).then(|| rekind(x, Kind::Bool(bv)));
                        }
                        let s = x.as_str()?;
                        if b == Builtin::DistutilsStrtobool && s.is_empty() {
                            return None;
                        }
                        let t = envlib::decouple_bool(s)?;
                        Some(rekind(x, if b == Builtin::Strtobool { Kind::Bool(t) } else { Kind::Int(t as i64) }))
                    });
                    if r.is_unknown() && v.is_determined() {
                        return unknown_at(
                            format!("`strtobool({})` raises ValueError", v.describe()),
                            v.origin.unwrap_or(at),
                        )
                        .inherit(&v);
                    }
                    r
                }
                None => unknown_at("strtobool() without a value", at),
            },
            Builtin::Include => self.include(f, &args),
            Builtin::Optional => match a0 {
                Some(v) => Value::new(obj(Object::OptionalPath(v)), Some(at)),
                None => unknown_at("optional() without a path", at),
            },
            Builtin::ConfigurationBase => unknown_at("instantiates `Configuration`", at),
            Builtin::ConfigValue(kind) => self.config_value(kind, &args, name_hint),
            Builtin::DjDatabaseUrlConfig => {
                let var = args.get(0, "env").and_then(Value::py_str).unwrap_or_else(|| "DATABASE_URL".into());
                let default = args.get(1, "default").cloned();
                let url = match self.env_lookup(&var, at, "`dj_database_url.config()`") {
                    Lookup::Set { value, .. } => value,
                    Lookup::Unknown(v) => return v,
                    Lookup::Unset { steps } => match default {
                        Some(d) if !matches!(d.kind, Kind::None) => apply_default(d, &steps, &var),
                        _ => return Value::dict(Dict::new(), Some(at)).inherit(&steps),
                    },
                };
                dj_database_url(&url, &args, at)
            }
            Builtin::DjDatabaseUrlParse => match a0 {
                Some(url) => dj_database_url(&url, &args, at),
                None => unknown_at("dj_database_url.parse() without a URL", at),
            },
            Builtin::JsonLoads => match a0 {
                Some(v) => match v.as_str() {
                    Some(s) => match serde_json::from_str::<serde_json::Value>(s) {
                        Ok(j) => json_to_value(&j, v.origin).inherit(&v),
                        Err(_) => unknown_at("json.loads() of text that is not JSON (raises)", v.origin.unwrap_or(at))
                            .inherit(&v),
                    },
                    None => unknown_at(
                        v.unknown_reason().unwrap_or("json.loads() of a value that is not text").to_string(),
                        at,
                    )
                    .inherit(&v),
                },
                None => unknown_at("json.loads() without text", at),
            },
            Builtin::LiteralEval => match a0 {
                Some(v) => self.literal_eval(&v, at),
                None => unknown_at("literal_eval() without text", at),
            },
        }
    }

    /// `filter(func_or_None, items)` / `map(func, items)`.
    pub(super) fn filter_map(&mut self, f: &mut Frame, b: Builtin, args: &Args) -> Value {
        let at = args.at;
        let (Some(func), Some(seq)) = (args.pos.first(), args.pos.get(1)) else {
            return unknown_at(format!("{}() without a function and items", b.name()), at);
        };
        let Some(items) = iter_items(seq) else {
            return unknown_at(seq.unknown_reason().unwrap_or("items that are not known").to_string(), at).inherit(seq);
        };
        let mut out = Vec::new();
        for item in items {
            let mapped = if matches!(func.kind, Kind::None) {
                item.clone()
            } else {
                let a = Args { pos: vec![item.clone()], kw: Vec::new(), opaque: false, at };
                self.call_value(f, func, a, None, b.name())
            };
            if b == Builtin::Map {
                out.push(mapped);
                continue;
            }
            match mapped.truthy() {
                Some(true) => out.push(item),
                Some(false) => {}
                None => {
                    return unknown_at(format!("filter() over a value that is not known: {}", mapped.describe()), at)
                }
            }
        }
        Value::list(out, Some(at)).inherit(seq)
    }

    pub(super) fn timedelta(&mut self, args: &Args) -> Value {
        let at = args.at;
        const UNITS: [(&str, f64); 7] = [
            ("days", 86_400_000_000.0),
            ("seconds", 1_000_000.0),
            ("microseconds", 1.0),
            ("milliseconds", 1_000.0),
            ("minutes", 60_000_000.0),
            ("hours", 3_600_000_000.0),
            ("weeks", 604_800_000_000.0),
        ];
        let mut total_i: i128 = 0;
        let mut total_f: f64 = 0.0;
        let mut any_float = false;
        let mut acc = Value::none(Some(at));
        for (i, (unit, scale)) in UNITS.iter().enumerate() {
            let Some(v) = args.get(i, unit) else { continue };
            acc = acc.inherit(v);
            match as_num(v) {
                Some(Num::I(n)) => total_i += n as i128 * *scale as i128,
                Some(Num::F(x)) => {
                    any_float = true;
                    total_f += x * scale;
                }
                None => {
                    let reason = v
                        .unknown_reason()
                        .map(str::to_string)
                        .unwrap_or_else(|| format!("timedelta({unit}={})", v.describe()));
                    return unknown_at(reason, at).inherit(v);
                }
            }
        }
        let total = if any_float { total_i + round_half_even(total_f) } else { total_i };
        Value { kind: Kind::Timedelta(total), origin: Some(at), ..acc }
    }

    pub(super) fn literal_eval(&mut self, v: &Value, at: Loc) -> Value {
        let Some(s) = v.as_str() else {
            return unknown_at(
                v.unknown_reason().unwrap_or("literal_eval() of a value that is not text").to_string(),
                at,
            )
            .inherit(v);
        };
        let parsed = Arc::new(python::parse(Arc::from(s)));
        let root = parsed.root();
        let Some(expr) = named(root).first().and_then(|st| named(*st).first().copied()) else {
            return unknown_at("literal_eval() of text that is not a literal", at).inherit(v);
        };
        if !parsed.syntax_errors.is_empty() {
            return unknown_at("literal_eval() of text that is not a literal (raises)", at).inherit(v);
        }
        let origin = v.origin.unwrap_or(at);
        let cx = Cx { parsed: &parsed, src: origin.file, file: PathBuf::new(), offset: 0 };
        let info =
            Arc::new(ModInfo { name: String::new(), file: PathBuf::new(), is_package: false, root: PathBuf::new() });
        let mut frame = Frame {
            ns: Namespace::default(),
            scopes: Vec::new(),
            module: info,
            include_file: PathBuf::new(),
            include_at: Vec::new(),
            import_handlers: 0,
            class_body: None,
            raise_catchers: 0,
        };
        let out = self.eval(&cx, &mut frame, expr);
        reorigin(out, Some(origin)).inherit(v)
    }

    pub(super) fn call_method(&mut self, f: &mut Frame, recv: &Value, name: &str, args: Args) -> Value {
        let at = args.at;
        if let Kind::OneOf(o) = &recv.kind {
            let mut alts = Vec::new();
            for alt in o.alternatives.clone() {
                let a = Args { pos: args.pos.clone(), kw: args.kw.clone(), opaque: args.opaque, at };
                alts.push(self.call_method(f, &alt, name, a));
            }
            return rebuild_one_of(recv, alts);
        }
        if args.opaque {
            return unknown_at(format!("calls `.{name}()` with arguments that are not known"), at);
        }
        match &recv.kind {
            Kind::Unknown(_) => recv.clone(),
            Kind::Object(o) => match &**o {
                Object::EnvReader(scheme) => {
                    let scheme = scheme.clone();
                    if name == "read_env" {
                        return self.read_env(f, &args);
                    }
                    self.environ_call(&scheme, args, name)
                }
                Object::Builtin(Builtin::OsEnviron) => match name {
                    "get" => self.os_get(&args, "`os.environ.get()`"),
                    "setdefault" => self.os_setdefault(&args),
                    "pop" => {
                        let v = self.os_get(&args, "`os.environ.pop()`");
                        if let Some(var) = args.pos.first().and_then(Value::as_str) {
                            self.overlay.insert(var.to_string(), None);
                        }
                        v
                    }
                    _ => unknown_at(format!("calls `os.environ.{name}()`"), at),
                },
                Object::Builtin(Builtin::EnvironEnv) => match name {
                    "db_url_config" => match args.pos.first() {
                        Some(u) => db_url_config(u, args.get(1, "engine"), at),
                        None => unknown_at("db_url_config() without a URL", at),
                    },
                    "cache_url_config" => match args.pos.first() {
                        Some(u) => cache_url_config(u, args.get(1, "backend"), at),
                        None => unknown_at("cache_url_config() without a URL", at),
                    },
                    _ => unknown_at(format!("calls `environ.Env.{name}()`"), at),
                },
                Object::Decouple { repository } if name == "get" || name == "__call__" => {
                    let repository = repository.clone();
                    self.decouple_call(f, repository, args)
                }
                other => unknown_at(format!("calls `.{name}()` on {}", other.describe()), at),
            },
            Kind::Str(s) => self.str_method(recv, s, name, &args),
            Kind::Dict(d) => match name {
                "get" => match args.pos.first() {
                    Some(k) => match d.get(k) {
                        Some(v) => v.clone(),
                        None if k.is_unknown() => k.clone(),
                        None => args.pos.get(1).cloned().unwrap_or_else(|| Value::none(Some(at))),
                    },
                    None => unknown_at("dict.get() without a key", at),
                },
                "copy" => recv.clone(),
                "keys" => Value::list(d.iter().map(|(k, _)| k.clone()).collect(), Some(at)),
                "values" => Value::list(d.iter().map(|(_, v)| v.clone()).collect(), Some(at)),
                "items" => Value::list(
                    d.iter().map(|(k, v)| Value::tuple(vec![k.clone(), v.clone()], Some(at))).collect(),
                    Some(at),
                ),
                "setdefault" | "pop" => match args.pos.first() {
                    Some(k) => {
                        d.get(k).cloned().or_else(|| args.pos.get(1).cloned()).unwrap_or_else(|| Value::none(Some(at)))
                    }
                    None => unknown_at(format!("dict.{name}() without a key"), at),
                },
                _ => unknown_at(format!("calls `dict.{name}()`"), at),
            },
            Kind::List(items) | Kind::Tuple(items) => match name {
                "copy" => recv.clone(),
                "count" => match args.pos.first() {
                    Some(x) => Value::int(items.iter().filter(|i| i.py_eq(x) == Some(true)).count() as i64, Some(at)),
                    None => unknown_at("count() without a value", at),
                },
                "index" => match args.pos.first().and_then(|x| items.iter().position(|i| i.py_eq(x) == Some(true))) {
                    Some(i) => Value::int(i as i64, Some(at)),
                    None => unknown_at("index() of a value not in the list (ValueError)", at),
                },
                _ => unknown_at(format!("calls `{}.{name}()`", recv.type_name()), at),
            },
            Kind::Path(p) => match name {
                "resolve" | "absolute" | "expanduser" => {
                    Value::new(Kind::Path(Arc::from(lexical_abspath(p))), Some(at)).inherit(recv)
                }
                "joinpath" => {
                    let mut out = p.to_string();
                    for a in &args.pos {
                        match a.py_str() {
                            Some(s) => out = pathlib_join(&out, &s),
                            None => return unknown_at("joins a path that is not known", at).inherit(a),
                        }
                    }
                    Value::new(Kind::Path(Arc::from(out)), Some(at)).inherit(recv)
                }
                "path" => {
                    // environ.Path.path(*paths)
                    let mut out = p.to_string();
                    for a in &args.pos {
                        match a.py_str() {
                            Some(s) => out = os_path_join(&out, &s),
                            None => return unknown_at("joins a path that is not known", at).inherit(a),
                        }
                    }
                    Value::new(Kind::Path(Arc::from(lexical_abspath(&out))), Some(at)).inherit(recv)
                }
                "as_posix" | "__str__" | "__fspath__" => Value::str(p.to_string(), Some(at)).inherit(recv),
                "with_name" | "with_suffix" => match args.pos.first().and_then(Value::py_str) {
                    Some(s) => {
                        let base = path_basename(p);
                        let dir = path_dirname(p, true);
                        let new_name = if name == "with_name" {
                            s
                        } else {
                            let stem = match base.rfind('.') {
                                Some(i) if i > 0 => base[..i].to_string(),
                                _ => base,
                            };
                            format!("{stem}{s}")
                        };
                        Value::new(Kind::Path(Arc::from(pathlib_join(&dir, &new_name))), Some(at)).inherit(recv)
                    }
                    None => unknown_at("a path that is not known", at),
                },
                "exists" | "is_dir" | "is_file" | "read_text" | "open" | "mkdir" => {
                    unknown_at(format!("`Path.{name}()` depends on the file system at run time"), at)
                }
                _ => unknown_at(format!("calls `Path.{name}()`"), at),
            },
            Kind::Timedelta(us) => match name {
                "total_seconds" => Value::new(Kind::Float(*us as f64 / 1_000_000.0), Some(at)).inherit(recv),
                _ => unknown_at(format!("calls `timedelta.{name}()`"), at),
            },
            _ => unknown_at(format!("calls `.{name}()` on a {}", recv.type_name()), at),
        }
    }

    pub(super) fn str_method(&mut self, recv: &Value, s: &str, name: &str, args: &Args) -> Value {
        let at = args.at;
        let str_arg = |i: usize, n: &str| -> Result<Option<String>, Value> {
            match args.get(i, n) {
                None => Ok(None),
                Some(v) if matches!(v.kind, Kind::None) => Ok(None),
                Some(v) => match v.as_str() {
                    Some(x) => Ok(Some(x.to_string())),
                    None => {
                        Err(unknown_at(v.unknown_reason().unwrap_or("an argument that is not text").to_string(), at)
                            .inherit(v))
                    }
                },
            }
        };
        let keep = |kind: Kind| -> Value {
            let mut v = rekind(recv, kind);
            for a in args.pos.iter().chain(args.kw.iter().map(|(_, v)| v)) {
                v = v.inherit(a);
            }
            v
        };
        let text = |t: String| keep(Kind::Str(Arc::from(t)));
        let list_of = |parts: Vec<String>| -> Value {
            let items = parts.into_iter().map(|p| rekind(recv, Kind::Str(Arc::from(p)))).collect();
            keep(Kind::List(Arc::new(items)))
        };
        match name {
            "lower" | "casefold" => text(s.to_lowercase()),
            "upper" => text(s.to_uppercase()),
            "title" => {
                let mut out = String::new();
                let mut prev_alpha = false;
                for c in s.chars() {
                    if c.is_alphabetic() {
                        if prev_alpha {
                            out.extend(c.to_lowercase());
                        } else {
                            out.extend(c.to_uppercase());
                        }
                        prev_alpha = true;
                    } else {
                        out.push(c);
                        prev_alpha = false;
                    }
                }
                text(out)
            }
            "capitalize" => {
                let mut cs = s.chars();
                let out = match cs.next() {
                    Some(c) => c.to_uppercase().collect::<String>() + &cs.as_str().to_lowercase(),
                    None => String::new(),
                };
                text(out)
            }
            "strip" | "lstrip" | "rstrip" => match str_arg(0, "chars") {
                Ok(chars) => {
                    let (l, r) = match name {
                        "strip" => (true, true),
                        "lstrip" => (true, false),
                        _ => (false, true),
                    };
                    text(py_strip(s, chars.as_deref(), l, r).to_string())
                }
                Err(v) => v,
            },
            "split" | "rsplit" => match str_arg(0, "sep") {
                Ok(sep) => {
                    let max = args.get(1, "maxsplit").and_then(Value::as_int).unwrap_or(-1);
                    list_of(py_split(s, sep.as_deref(), max, name == "rsplit"))
                }
                Err(v) => v,
            },
            "splitlines" => list_of(s.lines().map(str::to_string).collect()),
            "replace" => match (str_arg(0, "old"), str_arg(1, "new")) {
                (Ok(Some(old)), Ok(Some(new))) => {
                    let count = args.get(2, "count").and_then(Value::as_int).unwrap_or(-1);
                    if count < 0 {
                        text(s.replace(&old, &new))
                    } else {
                        text(s.replacen(&old, &new, count as usize))
                    }
                }
                (Err(v), _) | (_, Err(v)) => v,
                _ => unknown_at("str.replace() without arguments", at),
            },
            "startswith" | "endswith" => {
                let Some(arg) = args.pos.first() else {
                    return unknown_at(format!("str.{name}() without an argument"), at);
                };
                let options: Vec<String> = match &arg.kind {
                    Kind::Str(x) => vec![x.to_string()],
                    Kind::Tuple(items) => {
                        match items.iter().map(|i| i.as_str().map(str::to_string)).collect::<Option<Vec<_>>>() {
                            Some(v) => v,
                            None => return unknown_at("str.startswith() of values that are not known", at),
                        }
                    }
                    _ => {
                        return unknown_at(
                            arg.unknown_reason().unwrap_or("str.startswith() of a value that is not text").to_string(),
                            at,
                        )
                    }
                };
                let r = options.iter().any(|o| {
                    if name == "startswith" {
                        s.starts_with(o.as_str())
                    } else {
                        s.ends_with(o.as_str())
                    }
                });
                keep(Kind::Bool(r))
            }
            "removeprefix" | "removesuffix" => match str_arg(0, "prefix") {
                Ok(Some(p)) => {
                    let out =
                        if name == "removeprefix" { s.strip_prefix(p.as_str()) } else { s.strip_suffix(p.as_str()) };
                    text(out.unwrap_or(s).to_string())
                }
                Ok(None) => unknown_at(format!("str.{name}() without an argument"), at),
                Err(v) => v,
            },
            "join" => match args.pos.first().and_then(iter_items) {
                Some(items) => {
                    let mut parts = Vec::new();
                    for it in &items {
                        match it.as_str() {
                            Some(p) => parts.push(p.to_string()),
                            None => {
                                return unknown_at(
                                    it.unknown_reason().unwrap_or("joins values that are not text").to_string(),
                                    at,
                                )
                                .inherit(it)
                            }
                        }
                    }
                    let mut v = Value::str(parts.join(s), Some(at));
                    for it in &items {
                        v = v.inherit(it);
                    }
                    v
                }
                None => unknown_at("str.join() of a value that is not known", at),
            },
            "format" => match py_format(s, args) {
                Some(out) => text(out),
                None => {
                    let reason = args
                        .pos
                        .iter()
                        .chain(args.kw.iter().map(|(_, v)| v))
                        .find_map(Value::unknown_reason)
                        .unwrap_or("str.format() with fields that are not modelled")
                        .to_string();
                    unknown_at(reason, at)
                }
            },
            "find" | "index" | "count" => match str_arg(0, "sub") {
                Ok(Some(sub)) => {
                    let r = match name {
                        "count" => s.matches(sub.as_str()).count() as i64,
                        _ => match s.find(sub.as_str()) {
                            Some(i) => s[..i].chars().count() as i64,
                            None if name == "find" => -1,
                            None => return unknown_at("str.index(): substring not found (ValueError)", at),
                        },
                    };
                    Value::int(r, Some(at))
                }
                Ok(None) => unknown_at(format!("str.{name}() without an argument"), at),
                Err(v) => v,
            },
            "isdigit" | "isnumeric" | "isdecimal" => {
                keep(Kind::Bool(!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())))
            }
            "isalpha" => keep(Kind::Bool(!s.is_empty() && s.chars().all(char::is_alphabetic))),
            "isupper" => keep(Kind::Bool(py_isupper(s))),
            "islower" => keep(Kind::Bool(s.chars().any(char::is_lowercase) && !s.chars().any(char::is_uppercase))),
            "zfill" => match args.pos.first().and_then(Value::as_int) {
                Some(w) => {
                    let len = s.chars().count() as i64;
                    text(if w > len { format!("{}{}", "0".repeat((w - len) as usize), s) } else { s.to_string() })
                }
                None => unknown_at("str.zfill() without a width", at),
            },
            "partition" | "rpartition" => match str_arg(0, "sep") {
                Ok(Some(sep)) => {
                    let found =
                        if name == "partition" { s.split_once(sep.as_str()) } else { s.rsplit_once(sep.as_str()) };
                    let parts = match found {
                        Some((a, b)) => vec![a.to_string(), sep.clone(), b.to_string()],
                        None if name == "partition" => vec![s.to_string(), String::new(), String::new()],
                        None => vec![String::new(), String::new(), s.to_string()],
                    };
                    let items = parts.into_iter().map(|p| rekind(recv, Kind::Str(Arc::from(p)))).collect();
                    keep(Kind::Tuple(Arc::new(items)))
                }
                Ok(None) => unknown_at(format!("str.{name}() without a separator"), at),
                Err(v) => v,
            },
            "encode" => unknown_at("bytes (str.encode())", at),
            _ => unknown_at(format!("calls `str.{name}()`"), at),
        }
    }
}

/// Gives `v` (and everything inside it) another origin.
pub(super) fn reorigin(mut v: Value, origin: Option<Loc>) -> Value {
    v.origin = origin;
    match &mut v.kind {
        Kind::List(items) | Kind::Tuple(items) | Kind::Set(items) => {
            for it in Arc::make_mut(items).iter_mut() {
                *it = reorigin(it.clone(), origin);
            }
        }
        Kind::Dict(d) => {
            for it in Arc::make_mut(d).values_mut() {
                *it = reorigin(it.clone(), origin);
            }
        }
        _ => {}
    }
    v
}

/// The code default used because `var` is not set: it carries the read's history and the
/// env-default flag.
pub(super) fn apply_default(default: Value, unset: &Value, var: &str) -> Value {
    let mut v = default.inherit(unset);
    v.env_default = Some(Arc::from(var));
    v
}
