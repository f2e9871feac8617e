//! Expressions: literals, names, attributes, items, operators, comprehensions, calls.

use super::*;

impl<'a> Evaluator<'a> {
    pub(super) fn too_deep(&self) -> bool {
        self.stack_base.abs_diff(stack_addr()) > STACK_BUDGET
    }

    pub(super) fn eval(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        if self.depth >= MAX_DEPTH || self.too_deep() {
            return unknown_at("expression nested too deeply to evaluate", cx.loc(node));
        }
        self.depth += 1;
        let v = self.eval_inner(cx, f, node);
        self.depth -= 1;
        v
    }

    /// A dispatcher only: every arm is a call, so each nesting level costs little stack.
    pub(super) fn eval_inner(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        match node.kind() {
            "string" => self.eval_string(cx, f, node),
            "concatenated_string" => self.eval_concatenated(cx, f, node, cx.loc(node)),
            "identifier" => self.eval_identifier(cx, f, node),
            "attribute" => self.eval_attribute(cx, f, node),
            "subscript" => self.eval_subscript(cx, f, node),
            "call" => self.eval_call(cx, f, node, None),
            "binary_operator" => self.eval_binary(cx, f, node, cx.loc(node)),
            "unary_operator" => self.eval_unary_op(cx, f, node, cx.loc(node)),
            "not_operator" => self.eval_not_op(cx, f, node, cx.loc(node)),
            "boolean_operator" => self.eval_boolean_op(cx, f, node, cx.loc(node)),
            "comparison_operator" => self.eval_comparison(cx, f, node),
            "conditional_expression" => self.eval_conditional(cx, f, node, cx.loc(node)),
            "parenthesized_expression" | "keyword_argument" => self.eval_wrapped(cx, f, node),
            "list" | "tuple" | "set" | "expression_list" | "pattern_list" => {
                self.eval_sequence(cx, f, node, cx.loc(node))
            }
            "dictionary" => self.eval_dictionary(cx, f, node, cx.loc(node)),
            "list_comprehension" | "set_comprehension" | "generator_expression" | "dictionary_comprehension" => {
                self.eval_comprehension(cx, f, node)
            }
            "lambda" => self.eval_lambda(cx, f, node, cx.loc(node)),
            "named_expression" => self.eval_named_expression(cx, f, node, cx.loc(node)),
            _ => eval_leaf(cx, node),
        }
    }

    #[inline(never)]
    pub(super) fn eval_identifier(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        self.lookup(f, cx.text(node), cx.loc(node))
    }

    #[inline(never)]
    pub(super) fn eval_attribute(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        let at = cx.loc(node);
        let (Some(o), Some(a)) = (node.child_by_field_name("object"), node.child_by_field_name("attribute")) else {
            return unknown_at("attribute", at);
        };
        let recv = self.eval(cx, f, o);
        self.get_attr(recv, cx.text(a), at)
    }

    /// `( x )` and `name=x`: the inner expression.
    #[inline(never)]
    pub(super) fn eval_wrapped(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        let inner = if node.kind() == "keyword_argument" {
            node.child_by_field_name("value")
        } else {
            let mut c = node.walk();
            let first = node.named_children(&mut c).find(|n| n.kind() != "comment");
            first
        };
        match inner {
            Some(inner) => self.eval(cx, f, inner),
            None if node.kind() == "parenthesized_expression" => Value::tuple(Vec::new(), Some(cx.loc(node))),
            None => unknown_at("keyword argument", cx.loc(node)),
        }
    }

    #[inline(never)]
    pub(super) fn eval_concatenated(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let mut out = String::new();
        let mut acc = Value::str("", Some(at));
        for part in named(node) {
            let v = self.eval_string(cx, f, part);
            match &v.kind {
                Kind::Str(s) => out.push_str(s),
                _ => return v,
            }
            acc = acc.inherit(&v);
        }
        Value { kind: Kind::Str(Arc::from(out)), ..acc }
    }

    #[inline(never)]
    pub(super) fn eval_binary(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let (Some(l), Some(r), Some(op)) =
            (node.child_by_field_name("left"), node.child_by_field_name("right"), node.child_by_field_name("operator"))
        else {
            return unknown_at("binary operator", at);
        };
        let a = self.eval(cx, f, l);
        let b = self.eval(cx, f, r);
        self.binop(cx.text(op), &a, &b, at)
    }

    #[inline(never)]
    pub(super) fn eval_unary_op(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let (Some(arg), Some(op)) = (node.child_by_field_name("argument"), node.child_by_field_name("operator")) else {
            return unknown_at("unary operator", at);
        };
        let v = self.eval(cx, f, arg);
        unary(cx.text(op), &v, at)
    }

    #[inline(never)]
    pub(super) fn eval_not_op(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let Some(arg) = node.child_by_field_name("argument") else { return unknown_at("not", at) };
        let v = self.eval(cx, f, arg);
        match v.truthy() {
            Some(t) => Value::bool(!t, Some(at)).inherit(&v),
            None => lift1(&v, at, &|x| x.truthy().map(|t| Value::bool(!t, Some(at)))),
        }
    }

    #[inline(never)]
    pub(super) fn eval_boolean_op(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let (Some(l), Some(r), Some(op)) =
            (node.child_by_field_name("left"), node.child_by_field_name("right"), node.child_by_field_name("operator"))
        else {
            return unknown_at("boolean operator", at);
        };
        let is_or = cx.text(op) == "or";
        let a = self.eval(cx, f, l);
        match a.truthy() {
            Some(t) if t == is_or => a,
            Some(_) => self.eval(cx, f, r).inherit(&a),
            None => {
                let b = self.eval(cx, f, r);
                let reason = a.unknown_reason().unwrap_or("not known").to_string();
                unknown_at(reason, a.origin.unwrap_or(at)).inherit(&a).inherit(&b)
            }
        }
    }

    #[inline(never)]
    pub(super) fn eval_conditional(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let parts = named(node);
        if parts.len() != 3 {
            return unknown_at("conditional expression", at);
        }
        let c = self.eval(cx, f, parts[1]);
        match c.truthy() {
            Some(true) => self.eval(cx, f, parts[0]).inherit(&c),
            Some(false) => self.eval(cx, f, parts[2]).inherit(&c),
            None => {
                let a = self.eval(cx, f, parts[0]);
                let b = self.eval(cx, f, parts[2]);
                let reason = format!(
                    "`{}` cannot be decided ({})",
                    short(cx.text(parts[1])),
                    c.unknown_reason().unwrap_or("not known")
                );
                let alternatives = if same_value(&a, &b) { vec![a] } else { vec![a, b] };
                if alternatives.len() == 1 {
                    return alternatives.into_iter().next().unwrap_or_else(|| unknown_at(reason, at));
                }
                Value::new(Kind::OneOf(Arc::new(OneOf { alternatives, by_code_default: None, reason })), Some(at))
            }
        }
    }

    #[inline(never)]
    pub(super) fn eval_sequence(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let mut items = Vec::new();
        for child in named(node) {
            if child.kind() == "list_splat" || child.kind() == "parenthesized_list_splat" {
                let inner = named(child).first().copied();
                let v = match inner {
                    Some(i) => self.eval(cx, f, i),
                    None => unknown_at("splat", at),
                };
                match iter_items(&v) {
                    Some(more) => items.extend(more),
                    None => {
                        let reason = format!("unpacks `{}`, which is not known", short(cx.text(child)));
                        return unknown_at(reason, at).inherit(&v);
                    }
                }
            } else {
                items.push(self.eval(cx, f, child));
            }
        }
        match node.kind() {
            "list" => Value::list(items, Some(at)),
            "set" => {
                let mut uniq: Vec<Value> = Vec::new();
                for it in items {
                    if !uniq.iter().any(|u| u.py_eq(&it) == Some(true)) {
                        uniq.push(it);
                    }
                }
                Value::new(Kind::Set(Arc::new(uniq)), Some(at))
            }
            _ => Value::tuple(items, Some(at)),
        }
    }

    #[inline(never)]
    pub(super) fn eval_dictionary(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let mut d = Dict::new();
        for child in named(node) {
            if let Err(unknown) = self.eval_dict_item(cx, f, child, &mut d, at) {
                return unknown;
            }
        }
        Value::dict(d, Some(at))
    }

    /// One `key: value` or `**mapping` of a dict display.
    #[inline(never)]
    pub(super) fn eval_dict_item(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        child: Node,
        d: &mut Dict,
        at: Loc,
    ) -> Result<(), Value> {
        match child.kind() {
            "pair" => {
                let (Some(k), Some(v)) = (child.child_by_field_name("key"), child.child_by_field_name("value")) else {
                    return Ok(());
                };
                let key = self.eval(cx, f, k);
                let value = self.eval(cx, f, v);
                if !d.insert(key, value) {
                    return Err(unknown_at(format!("a dict key `{}` is not known", short(cx.text(k))), at));
                }
            }
            "dictionary_splat" => {
                let Some(inner) = named(child).first().copied() else { return Ok(()) };
                let v = self.eval(cx, f, inner);
                match &v.kind {
                    Kind::Dict(o) => {
                        for (k, x) in o.iter() {
                            d.insert(k.clone(), x.clone());
                        }
                    }
                    _ => {
                        let reason = format!("unpacks `{}`, which is not known", short(cx.text(child)));
                        return Err(unknown_at(reason, at).inherit(&v));
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    #[inline(never)]
    pub(super) fn eval_lambda(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let params = self.params(cx, f, node.child_by_field_name("parameters"));
        let func = Function {
            name: "<lambda>".into(),
            parsed: self.parsed_arc(cx),
            src: cx.src,
            file: cx.file.clone(),
            offset: cx.offset,
            range: node.byte_range(),
            params,
        };
        Value::new(obj(Object::Function(Arc::new(func))), Some(at))
    }

    #[inline(never)]
    pub(super) fn eval_named_expression(&mut self, cx: &Cx, f: &mut Frame, node: Node, at: Loc) -> Value {
        let (Some(n), Some(v)) = (node.child_by_field_name("name"), node.child_by_field_name("value")) else {
            return unknown_at("named expression", at);
        };
        let value = self.eval(cx, f, v);
        let name = cx.text(n).to_string();
        self.bind(f, &name, value.clone(), Some(at));
        value
    }

    pub(super) fn lookup_opt(&self, f: &Frame, name: &str) -> Option<Value> {
        for scope in f.scopes.iter().rev() {
            if let Some(v) = scope.get(name) {
                return Some(v.clone());
            }
        }
        f.ns.values.get(name).cloned()
    }

    pub(super) fn lookup(&mut self, f: &mut Frame, name: &str, at: Loc) -> Value {
        if let Some(v) = self.lookup_opt(f, name) {
            return v;
        }
        if let Some(v) = builtin_name(name) {
            return Value { origin: Some(at), ..v };
        }
        match name {
            "__included_file__" => Value::str(f.include_file.to_string_lossy().into_owned(), Some(at)),
            _ => unknown_at(format!("`{name}` is not defined"), at),
        }
    }

    // Strings ----------------------------------------------------------------------------------

    pub(super) fn eval_string(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        let at = cx.loc(node);
        if node.kind() != "string" {
            return self.eval(cx, f, node);
        }
        let mut prefix = String::new();
        let mut c = node.walk();
        for child in node.children(&mut c) {
            if child.kind() == "string_start" {
                prefix = cx.text(child).trim_end_matches(['\'', '"']).to_ascii_lowercase();
                break;
            }
        }
        let raw = prefix.contains('r');
        let fmt = prefix.contains('f') || prefix.contains('t');
        if prefix.contains('b') {
            return unknown_at("a bytes literal", at);
        }
        let mut out = String::new();
        let mut acc = Value::str("", Some(at));
        for child in named(node) {
            match child.kind() {
                "string_content" => {
                    let text = cx.text(child);
                    let text = if raw { text.to_string() } else { decode_escapes(text) };
                    if fmt {
                        out.push_str(&text.replace("{{", "{").replace("}}", "}"));
                    } else {
                        out.push_str(&text);
                    }
                }
                "escape_sequence" => {
                    let text = cx.text(child);
                    out.push_str(&if raw { text.to_string() } else { decode_escapes(text) });
                }
                "interpolation" => match self.eval_interpolation(cx, f, child, at) {
                    Ok(Some((text, v))) => {
                        out.push_str(&text);
                        acc = acc.inherit(&v);
                    }
                    Ok(None) => {}
                    Err(unknown) => return unknown,
                },
                _ => {}
            }
        }
        Value { kind: Kind::Str(Arc::from(out)), ..acc }
    }

    /// One `{expr!conv:spec}` field of an f-string: its text and value, or the unknown value.
    #[inline(never)]
    pub(super) fn eval_interpolation(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        child: Node,
        at: Loc,
    ) -> Result<Option<(String, Value)>, Value> {
        let Some(expr) = child.child_by_field_name("expression") else { return Ok(None) };
        let v = self.eval(cx, f, expr);
        let conversion = child.child_by_field_name("type_conversion").map(|n| cx.text(n)).unwrap_or("");
        let spec = child.child_by_field_name("format_specifier").map(|n| cx.text(n)).unwrap_or("");
        let spec = spec.strip_prefix(':').unwrap_or(spec);
        let text = if spec.contains('{') {
            None
        } else if matches!(conversion, "!r" | "!a") {
            v.py_repr().and_then(|r| if spec.is_empty() { Some(r) } else { format_spec(&Value::str(r, None), spec) })
        } else if spec.is_empty() {
            v.py_str()
        } else {
            format_spec(&v, spec)
        };
        match text {
            Some(t) => Ok(Some((t, v))),
            None => {
                let reason = match v.unknown_reason() {
                    Some(r) => format!("an f-string uses `{}`: {r}", short(cx.text(expr))),
                    None => format!("an f-string formats `{}` in a way that is not modelled", short(cx.text(expr))),
                };
                Err(unknown_at(reason, at).inherit(&v))
            }
        }
    }

    // Attributes and items ---------------------------------------------------------------------

    pub(super) fn get_attr(&mut self, recv: Value, name: &str, at: Loc) -> Value {
        match &recv.kind {
            Kind::Unknown(_) => recv.clone(),
            Kind::Object(o) => match &**o {
                Object::Module { name: m, ns, root } => {
                    if let Some(ns) = ns {
                        if let Some(v) = ns.values.get(name) {
                            return v.clone();
                        }
                        // A submodule.
                        let full = format!("{m}.{name}");
                        if let Some(root) = root {
                            if let Some(file) = resolve::module_file(self.reader, root, &full) {
                                return match self.import_file(&file, root, &full, Some(at)) {
                                    Ok(sns) => module_value(&full, Some(sns), Some(root.clone()), at),
                                    Err(ImportFail::Cycle(msg) | ImportFail::Unreadable(msg)) => unknown_at(msg, at),
                                };
                            }
                        }
                        return unknown_at(format!("module `{m}` has no attribute `{name}`"), at);
                    }
                    match known_attr(m, name) {
                        Some(kind) => Value::new(kind, Some(at)),
                        None => Value::new(obj(Object::External(format!("{m}.{name}"))), Some(at)),
                    }
                }
                Object::External(q) => Value::new(obj(Object::External(format!("{q}.{name}"))), Some(at)),
                Object::Class(c) => match c.attrs.get(name) {
                    Some(v) => v.clone(),
                    None => unknown_at(format!("class `{}` has no attribute `{name}` Preflight knows", c.name), at),
                },
                Object::Builtin(Builtin::EnvironEnv) if name == "read_env" => builtin(Builtin::EnvironReadEnv),
                Object::Builtin(Builtin::EnvironEnv) => {
                    Value::new(obj(Object::External(format!("environ.Env.{name}"))), Some(at))
                }
                _ => Value::new(obj(Object::Method { recv: recv.clone(), name: name.to_string() }), Some(at)),
            },
            Kind::Path(p) => match name {
                "parent" => Value::new(Kind::Path(Arc::from(path_dirname(p, true))), Some(at)).inherit(&recv),
                "name" => Value::str(path_basename(p), Some(at)).inherit(&recv),
                "stem" => {
                    let base = path_basename(p);
                    let stem = match base.rfind('.') {
                        Some(i) if i > 0 => base[..i].to_string(),
                        _ => base,
                    };
                    Value::str(stem, Some(at)).inherit(&recv)
                }
                "suffix" => {
                    let base = path_basename(p);
                    let suffix = match base.rfind('.') {
                        Some(i) if i > 0 => base[i..].to_string(),
                        _ => String::new(),
                    };
                    Value::str(suffix, Some(at)).inherit(&recv)
                }
                "root" => recv.clone(),
                _ => Value::new(obj(Object::Method { recv: recv.clone(), name: name.to_string() }), Some(at)),
            },
            Kind::Timedelta(us) => match name {
                "days" => Value::int(us.div_euclid(86_400_000_000) as i64, Some(at)),
                "seconds" => Value::int((us.rem_euclid(86_400_000_000) / 1_000_000) as i64, Some(at)),
                "microseconds" => Value::int((us.rem_euclid(1_000_000)) as i64, Some(at)),
                _ => Value::new(obj(Object::Method { recv: recv.clone(), name: name.to_string() }), Some(at)),
            },
            _ => Value::new(obj(Object::Method { recv: recv.clone(), name: name.to_string() }), Some(at)),
        }
    }

    pub(super) fn eval_subscript(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        let at = cx.loc(node);
        let Some(value_node) = node.child_by_field_name("value") else { return unknown_at("subscript", at) };
        let container = self.eval(cx, f, value_node);
        let subs: Vec<Node> = {
            let mut c = node.walk();
            node.children_by_field_name("subscript", &mut c).collect()
        };
        if subs.len() == 1 && subs[0].kind() == "slice" {
            let parts: Vec<Option<Value>> = {
                // `a:b:c` with any part missing: walk the children in order.
                let mut out = vec![None, None, None];
                let mut idx = 0;
                let mut c = subs[0].walk();
                for child in subs[0].children(&mut c) {
                    if child.kind() == ":" {
                        idx += 1;
                    } else if child.is_named() && idx < 3 {
                        out[idx] = Some(self.eval(cx, f, child));
                    }
                }
                out
            };
            return slice(&container, &parts, at);
        }
        let key = if subs.len() == 1 {
            self.eval(cx, f, subs[0])
        } else {
            let items = subs.iter().map(|s| self.eval(cx, f, *s)).collect();
            Value::tuple(items, Some(at))
        };
        self.index(&container, &key, at)
    }

    pub(super) fn index(&mut self, container: &Value, key: &Value, at: Loc) -> Value {
        if let Kind::OneOf(_) = container.kind {
            return lift1(container, at, &|c| match &c.kind {
                Kind::Dict(d) => d.get(key).cloned(),
                _ => None,
            });
        }
        match &container.kind {
            Kind::Unknown(_) => container.clone(),
            Kind::Dict(d) => match d.get(key) {
                Some(v) => v.clone(),
                None if key.is_unknown() => unknown_at(key.unknown_reason().unwrap_or("key not known").to_string(), at),
                None => unknown_at(format!("key {} is not in the dict (KeyError)", key.describe()), at),
            },
            Kind::List(items) | Kind::Tuple(items) => match key.as_int().and_then(|i| py_index(i, items.len())) {
                Some(i) => items[i].clone(),
                None => unknown_at(format!("index {} is not known or out of range", key.describe()), at),
            },
            Kind::Str(s) => {
                let chars: Vec<char> = s.chars().collect();
                match key.as_int().and_then(|i| py_index(i, chars.len())) {
                    Some(i) => Value::str(chars[i].to_string(), Some(at)).inherit(container),
                    None => unknown_at("string index out of range", at),
                }
            }
            Kind::Object(o) => match &**o {
                Object::Builtin(Builtin::OsEnviron) => match key.as_str() {
                    Some(var) => {
                        let var = var.to_string();
                        match self.env_lookup(&var, at, "`os.environ[...]`") {
                            Lookup::Set { value, .. } => value,
                            Lookup::Unknown(v) => v,
                            Lookup::Unset { steps } => unknown_at(
                                format!(
                                    "reads {var}, which no production source sets, with no default (`os.environ[...]` raises KeyError)"
                                ),
                                at,
                            )
                            .inherit(&steps),
                        }
                    }
                    None => unknown_at("os.environ with a key that is not known", at),
                },
                Object::Class(c) => unknown_at(format!("indexes class `{}`", c.name), at),
                _ => unknown_at(format!("indexes {}", o.describe()), at),
            },
            _ => unknown_at(format!("indexes a {}", container.type_name()), at),
        }
    }

    pub(super) fn eval_comparison(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        let at = cx.loc(node);
        let mut operands: Vec<Node> = Vec::new();
        let mut ops: Vec<String> = Vec::new();
        let mut c = node.walk();
        if c.goto_first_child() {
            loop {
                let child = c.node();
                if c.field_name() == Some("operators") {
                    ops.push(cx.text(child).split_whitespace().collect::<Vec<_>>().join(" "));
                } else if child.is_named() && child.kind() != "comment" {
                    operands.push(child);
                }
                if !c.goto_next_sibling() {
                    break;
                }
            }
        }
        if operands.len() != ops.len() + 1 {
            return unknown_at("comparison", at);
        }
        let mut left = self.eval(cx, f, operands[0]);
        let mut acc = Value::bool(true, Some(at)).inherit(&left);
        for (i, op) in ops.iter().enumerate() {
            let right = self.eval(cx, f, operands[i + 1]);
            acc = acc.inherit(&right);
            let r = self.compare(op, &left, &right, at);
            match r {
                Some(true) => {}
                Some(false) => return Value { kind: Kind::Bool(false), ..acc },
                None => {
                    if left.is_determined() && right.is_determined() {
                        return unknown_at(format!("`{}` cannot be compared", short(cx.text(node))), at).inherit(&acc);
                    }
                    // One side is undecided: compare each alternative.
                    let l = left.clone();
                    let op2 = op.clone();
                    let res = if let Kind::OneOf(_) = l.kind {
                        lift1(&l, at, &|x| compare_plain(&op2, x, &right).map(|b| Value::bool(b, Some(at))))
                    } else if let Kind::OneOf(_) = right.kind {
                        lift1(&right, at, &|y| compare_plain(&op2, &l, y).map(|b| Value::bool(b, Some(at))))
                    } else {
                        let reason = l.unknown_reason().or(right.unknown_reason()).unwrap_or("not known").to_string();
                        unknown_at(reason, at)
                    };
                    return res.inherit(&acc);
                }
            }
            left = right;
        }
        acc
    }

    /// One comparison; `in os.environ` reads the environment.
    pub(super) fn compare(&mut self, op: &str, a: &Value, b: &Value, at: Loc) -> Option<bool> {
        if matches!(op, "in" | "not in") && is_builtin(b, Builtin::OsEnviron) {
            let var = a.as_str()?.to_string();
            let present = match self.env_lookup(&var, at, "`in os.environ`") {
                Lookup::Set { .. } => true,
                Lookup::Unset { .. } => false,
                Lookup::Unknown(_) => true,
            };
            return Some(if op == "in" { present } else { !present });
        }
        compare_plain(op, a, b)
    }

    pub(super) fn eval_comprehension(&mut self, cx: &Cx, f: &mut Frame, node: Node) -> Value {
        let at = cx.loc(node);
        let Some(body) = node.child_by_field_name("body") else { return unknown_at("comprehension", at) };
        let clauses: Vec<Node> =
            named(node).into_iter().filter(|n| matches!(n.kind(), "for_in_clause" | "if_clause")).collect();
        let mut out: Vec<Value> = Vec::new();
        let mut pairs: Vec<(Value, Value)> = Vec::new();
        f.scopes.push(IndexMap::new());
        let res = self.comprehend(cx, f, &clauses, 0, body, &mut out, &mut pairs);
        f.scopes.pop();
        if let Err(reason) = res {
            return unknown_at(reason, at);
        }
        match node.kind() {
            "dictionary_comprehension" => {
                let mut d = Dict::new();
                for (k, v) in pairs {
                    if !d.insert(k, v) {
                        return unknown_at("a dict comprehension key is not known", at);
                    }
                }
                Value::dict(d, Some(at))
            }
            "set_comprehension" => {
                let mut uniq: Vec<Value> = Vec::new();
                for it in out {
                    if !uniq.iter().any(|u| u.py_eq(&it) == Some(true)) {
                        uniq.push(it);
                    }
                }
                Value::new(Kind::Set(Arc::new(uniq)), Some(at))
            }
            _ => Value::list(out, Some(at)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn comprehend(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        clauses: &[Node],
        i: usize,
        body: Node,
        out: &mut Vec<Value>,
        pairs: &mut Vec<(Value, Value)>,
    ) -> Result<(), String> {
        if self.budget == 0 {
            return Err("comprehension too long to evaluate".into());
        }
        self.budget -= 1;
        let Some(clause) = clauses.get(i) else {
            if body.kind() == "pair" {
                let (Some(k), Some(v)) = (body.child_by_field_name("key"), body.child_by_field_name("value")) else {
                    return Err("comprehension".into());
                };
                let key = self.eval(cx, f, k);
                let value = self.eval(cx, f, v);
                pairs.push((key, value));
            } else {
                out.push(self.eval(cx, f, body));
            }
            return Ok(());
        };
        match clause.kind() {
            "for_in_clause" => {
                let (Some(left), Some(right)) =
                    (clause.child_by_field_name("left"), clause.child_by_field_name("right"))
                else {
                    return Err("comprehension".into());
                };
                let iter = self.eval(cx, f, right);
                let Some(items) = iter_items(&iter) else {
                    return Err(format!(
                        "a comprehension iterates over `{}` ({})",
                        short(cx.text(right)),
                        iter.unknown_reason().unwrap_or("not a known sequence")
                    ));
                };
                let at = cx.loc(*clause);
                for item in items {
                    self.assign_target(cx, f, left, item, at);
                    self.comprehend(cx, f, clauses, i + 1, body, out, pairs)?;
                }
                Ok(())
            }
            _ => {
                let Some(cond) = named(*clause).first().copied() else { return Err("comprehension".into()) };
                let c = self.eval(cx, f, cond);
                match c.truthy() {
                    Some(true) => self.comprehend(cx, f, clauses, i + 1, body, out, pairs),
                    Some(false) => Ok(()),
                    None => Err(format!(
                        "a comprehension filters on `{}` ({})",
                        short(cx.text(cond)),
                        c.unknown_reason().unwrap_or("not known")
                    )),
                }
            }
        }
    }

    // Operators --------------------------------------------------------------------------------

    pub(super) fn binop(&mut self, op: &str, a: &Value, b: &Value, at: Loc) -> Value {
        if matches!(a.kind, Kind::OneOf(_)) || matches!(b.kind, Kind::OneOf(_)) {
            let alts_a = a.alternatives().into_iter().cloned().collect::<Vec<_>>();
            let alts_b = b.alternatives().into_iter().cloned().collect::<Vec<_>>();
            if alts_a.len() * alts_b.len() > MAX_ALTERNATIVES {
                return unknown_at("too many possible values", at);
            }
            let mut alts = Vec::new();
            for x in &alts_a {
                for y in &alts_b {
                    alts.push(self.binop(op, x, y, at));
                }
            }
            let template = if matches!(a.kind, Kind::OneOf(_)) { a } else { b };
            return rebuild_one_of(template, alts);
        }
        if let Some(r) = a.unknown_reason().or(b.unknown_reason()) {
            return unknown_at(r.to_string(), at).inherit(a).inherit(b);
        }
        let result = binop_plain(op, a, b, at);
        match result {
            Ok(kind) => Value::new(kind, Some(at)).inherit(a).inherit(b),
            Err(reason) => unknown_at(reason, at).inherit(a).inherit(b),
        }
    }

    // Calls ------------------------------------------------------------------------------------

    pub(super) fn eval_args(&mut self, cx: &Cx, f: &mut Frame, args: Node, at: Loc) -> Args {
        let mut out = Args { pos: Vec::new(), kw: Vec::new(), opaque: false, at };
        if args.kind() == "generator_expression" {
            out.pos.push(self.eval(cx, f, args));
            return out;
        }
        for a in named(args) {
            match a.kind() {
                "keyword_argument" | "list_splat" | "dictionary_splat" => self.eval_special_arg(cx, f, a, &mut out),
                _ => out.pos.push(self.eval(cx, f, a)),
            }
        }
        out
    }

    /// `name=value`, `*items`, `**mapping`.
    #[inline(never)]
    pub(super) fn eval_special_arg(&mut self, cx: &Cx, f: &mut Frame, a: Node, out: &mut Args) {
        let inner = match a.kind() {
            "keyword_argument" => a.child_by_field_name("value"),
            _ => named(a).first().copied(),
        };
        let v = match inner {
            Some(i) => self.eval(cx, f, i),
            None => unknown_at("argument", out.at),
        };
        match a.kind() {
            "keyword_argument" => {
                let name = a.child_by_field_name("name").map(|n| cx.text(n).to_string()).unwrap_or_default();
                out.kw.push((name, v));
            }
            "list_splat" => match iter_items(&v) {
                Some(items) => out.pos.extend(items),
                None => out.opaque = true,
            },
            _ => match &v.kind {
                Kind::Dict(d) => {
                    for (k, x) in d.iter() {
                        match k.as_str() {
                            Some(k) => out.kw.push((k.to_string(), x.clone())),
                            None => out.opaque = true,
                        }
                    }
                }
                _ => out.opaque = true,
            },
        }
    }

    #[inline(never)]
    pub(super) fn eval_call(&mut self, cx: &Cx, f: &mut Frame, node: Node, name_hint: Option<&str>) -> Value {
        let (Some(func), Some(args_node)) =
            (node.child_by_field_name("function"), node.child_by_field_name("arguments"))
        else {
            return unknown_at("call", cx.loc(node));
        };
        let callee = self.eval(cx, f, func);
        let args = self.eval_args(cx, f, args_node, cx.loc(node));
        self.finish_call(cx, f, func, callee, args, name_hint)
    }

    #[inline(never)]
    pub(super) fn finish_call(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        func: Node,
        callee: Value,
        args: Args,
        name_hint: Option<&str>,
    ) -> Value {
        let shown = short(cx.text(func));
        self.call_value(f, &callee, args, name_hint, &shown)
    }

    pub(super) fn call_value(
        &mut self,
        f: &mut Frame,
        callee: &Value,
        args: Args,
        name_hint: Option<&str>,
        shown: &str,
    ) -> Value {
        let at = args.at;
        match &callee.kind {
            Kind::Unknown(_) => callee.clone(),
            Kind::Object(o) => match &**o {
                Object::Builtin(b) => self.call_builtin(f, *b, args, name_hint),
                Object::Method { recv, name } => self.call_method(f, recv, name, args),
                Object::EnvReader(scheme) => {
                    let scheme = scheme.clone();
                    self.environ_call(&scheme, args, "")
                }
                Object::Decouple { repository } => {
                    let repository = repository.clone();
                    self.decouple_call(f, repository, args)
                }
                Object::Csv { cast, delimiter, strip, tuple } => match args.pos.first() {
                    Some(v) => self.apply_csv(f, v, cast, delimiter, strip, *tuple, at),
                    None => unknown_at("`Csv()` called without a value", at),
                },
                Object::Choices { choices, cast } => match args.pos.first() {
                    Some(v) => {
                        let v = self.apply_cast_decouple(f, cast, v.clone(), at);
                        if choices.iter().any(|c| c.py_eq(&v) == Some(true)) {
                            v
                        } else if v.is_determined() {
                            unknown_at(format!("{} is not one of the `Choices` (ValueError)", v.describe()), at)
                                .inherit(&v)
                        } else {
                            v
                        }
                    }
                    None => unknown_at("`Choices()` called without a value", at),
                },
                Object::Function(func) => {
                    let func = func.clone();
                    self.call_function(f, &func, args)
                }
                Object::Class(c) => unknown_at(format!("instantiates class `{}`", c.name), at),
                Object::External(q) => unknown_at(format!("calls `{q}()`"), at),
                Object::Module { name, .. } => unknown_at(format!("calls module `{name}`"), at),
                Object::OptionalPath(_) | Object::DecoupleRepository(_) => unknown_at(format!("calls `{shown}`"), at),
            },
            Kind::Path(p) => {
                // An `environ.Path` is callable: `ROOT("static")` joins and gives a str.
                let mut out = p.to_string();
                for a in &args.pos {
                    match a.py_str() {
                        Some(s) => out = os_path_join(&out, &s),
                        None => return unknown_at(format!("calls `{shown}` with a value that is not known"), at),
                    }
                }
                Value::str(out, Some(at)).inherit(callee)
            }
            _ => unknown_at(format!("`{shown}` is not callable"), at),
        }
    }
}

pub(super) fn lift1(v: &Value, at: Loc, op: &dyn Fn(&Value) -> Option<Value>) -> Value {
    match &v.kind {
        Kind::OneOf(o) => {
            let mut alts = Vec::new();
            for a in &o.alternatives {
                match op(a) {
                    Some(r) => alts.push(r),
                    None => return unknown_at(o.reason.clone(), at).inherit(v),
                }
            }
            let mut uniq: Vec<Value> = Vec::new();
            for a in alts {
                if !uniq.iter().any(|u| u.py_eq(&a) == Some(true) && u.type_name() == a.type_name()) {
                    uniq.push(a);
                }
            }
            if uniq.len() == 1 {
                return uniq.pop().map(|u| u.inherit(v)).unwrap_or_else(|| unknown_at(o.reason.clone(), at));
            }
            rebuild_one_of(v, uniq)
        }
        _ => op(v).unwrap_or_else(|| unknown_at(v.unknown_reason().unwrap_or("not known").to_string(), at)).inherit(v),
    }
}

pub(super) fn parse_int_literal(text: &str) -> Option<i64> {
    let t: String = text.chars().filter(|c| *c != '_').collect::<String>().to_ascii_lowercase();
    if t.ends_with('j') || t.ends_with('l') {
        return None;
    }
    if let Some(h) = t.strip_prefix("0x") {
        return i64::from_str_radix(h, 16).ok();
    }
    if let Some(o) = t.strip_prefix("0o") {
        return i64::from_str_radix(o, 8).ok();
    }
    if let Some(b) = t.strip_prefix("0b") {
        return i64::from_str_radix(b, 2).ok();
    }
    t.parse::<i64>().ok()
}

pub(super) fn parse_float_literal(text: &str) -> Option<f64> {
    let t: String = text.chars().filter(|c| *c != '_').collect();
    if t.ends_with(['j', 'J']) {
        return None;
    }
    let t = if t.starts_with('.') { format!("0{t}") } else { t };
    let t = if t.ends_with('.') { format!("{t}0") } else { t };
    t.replace(".e", ".0e").replace(".E", ".0E").parse::<f64>().ok()
}

/// Literals and what is not modelled.
#[inline(never)]
pub(super) fn eval_leaf(cx: &Cx, node: Node) -> Value {
    let at = cx.loc(node);
    match node.kind() {
        "integer" => parse_int_literal(cx.text(node))
            .map(|i| Value::int(i, Some(at)))
            .unwrap_or_else(|| unknown_at(format!("integer literal `{}` is not modelled", short(cx.text(node))), at)),
        "float" => parse_float_literal(cx.text(node))
            .map(|x| Value::new(Kind::Float(x), Some(at)))
            .unwrap_or_else(|| unknown_at("complex number literal", at)),
        "true" => Value::bool(true, Some(at)),
        "false" => Value::bool(false, Some(at)),
        "none" => Value::none(Some(at)),
        "ERROR" => unknown_at("syntax error", at),
        kind => unknown_at(format!("`{kind}` is not modelled"), at),
    }
}

/// Python string escapes (`\n`, `\x41`, `\u00e9`, `\N{...}` kept as written, unknown kept).
pub(super) fn decode_escapes(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '\\' || i + 1 >= chars.len() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = chars[i + 1];
        i += 2;
        match n {
            '\n' => {}
            '\\' => out.push('\\'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '0'..='7' => {
                let mut v = n.to_digit(8).unwrap_or(0);
                let mut k = 0;
                while k < 2 && i < chars.len() && chars[i].is_digit(8) {
                    v = v * 8 + chars[i].to_digit(8).unwrap_or(0);
                    i += 1;
                    k += 1;
                }
                out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
            }
            'x' | 'u' | 'U' => {
                let len = match n {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars[i..(i + len).min(chars.len())].iter().collect();
                match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    Some(ch) if hex.len() == len => {
                        out.push(ch);
                        i += len;
                    }
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    out
}

/// A subset of Python's format-spec mini-language: fill/align, width, precision, `d`/`f`/`s`.
pub(super) fn format_spec(v: &Value, spec: &str) -> Option<String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut i = 0;
    let mut fill = ' ';
    let mut align = None;
    if chars.len() >= 2 && matches!(chars[1], '<' | '>' | '^' | '=') {
        fill = chars[0];
        align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && matches!(chars[0], '<' | '>' | '^' | '=') {
        align = Some(chars[0]);
        i = 1;
    }
    let mut zero = false;
    if i < chars.len() && chars[i] == '0' {
        zero = true;
        i += 1;
    }
    let mut width = 0usize;
    while i < chars.len() && chars[i].is_ascii_digit() {
        width = width * 10 + chars[i].to_digit(10)? as usize;
        i += 1;
    }
    let mut precision = None;
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let mut p = 0usize;
        while i < chars.len() && chars[i].is_ascii_digit() {
            p = p * 10 + chars[i].to_digit(10)? as usize;
            i += 1;
        }
        precision = Some(p);
    }
    let ty = chars.get(i).copied();
    if i + usize::from(ty.is_some()) != chars.len() {
        return None;
    }
    let body = match (ty, &v.kind) {
        (None | Some('s'), Kind::Str(s)) => match precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.to_string(),
        },
        (None | Some('d'), Kind::Int(n)) => n.to_string(),
        (Some('f') | Some('F'), _) => format!("{:.*}", precision.unwrap_or(6), as_num(v)?.f()),
        (None, Kind::Float(x)) => match precision {
            Some(p) => format!("{:.*}", p, x),
            None => crate::settings::value::float_repr(*x),
        },
        _ => return None,
    };
    let len = body.chars().count();
    if width <= len {
        return Some(body);
    }
    let pad = width - len;
    let default_align = if matches!(v.kind, Kind::Int(_) | Kind::Float(_)) { '>' } else { '<' };
    let (fill, align) = if zero && align.is_none() { ('0', '>') } else { (fill, align.unwrap_or(default_align)) };
    let padding = |n: usize| std::iter::repeat_n(fill, n).collect::<String>();
    Some(match align {
        '<' => format!("{body}{}", padding(pad)),
        '^' => format!("{}{body}{}", padding(pad / 2), padding(pad - pad / 2)),
        _ => format!("{}{body}", padding(pad)),
    })
}

pub(super) fn unary(op: &str, v: &Value, at: Loc) -> Value {
    lift1(v, at, &|x| {
        let kind = match (op, &x.kind) {
            ("-", Kind::Int(i)) => Kind::Int(i.checked_neg()?),
            ("-", Kind::Bool(b)) => Kind::Int(-(*b as i64)),
            ("-", Kind::Float(f)) => Kind::Float(-f),
            ("-", Kind::Timedelta(t)) => Kind::Timedelta(-t),
            ("+", Kind::Int(_) | Kind::Float(_) | Kind::Timedelta(_)) => x.kind.clone(),
            ("+", Kind::Bool(b)) => Kind::Int(*b as i64),
            ("~", Kind::Int(i)) => Kind::Int(!i),
            ("~", Kind::Bool(b)) => Kind::Int(!(*b as i64)),
            _ => return None,
        };
        Some(Value::new(kind, Some(at)))
    })
}

pub(super) fn compare_plain(op: &str, a: &Value, b: &Value) -> Option<bool> {
    use std::cmp::Ordering;
    match op {
        "==" => a.py_eq(b),
        "!=" | "<>" => a.py_eq(b).map(|x| !x),
        "is" | "is not" => {
            let same = match (&a.kind, &b.kind) {
                (Kind::None, Kind::None) => Some(true),
                (Kind::Bool(x), Kind::Bool(y)) => Some(x == y),
                (Kind::None | Kind::Bool(_), k) | (k, Kind::None | Kind::Bool(_)) => {
                    if matches!(k, Kind::Unknown(_) | Kind::OneOf(_)) {
                        None
                    } else {
                        Some(false)
                    }
                }
                _ => None,
            }?;
            Some(if op == "is" { same } else { !same })
        }
        "in" | "not in" => {
            let found = match &b.kind {
                Kind::Str(hay) => Some(hay.contains(a.as_str()?)),
                Kind::List(items) | Kind::Tuple(items) | Kind::Set(items) => {
                    let mut unknown = false;
                    let mut found = false;
                    for it in items.iter() {
                        match it.py_eq(a) {
                            Some(true) => {
                                found = true;
                                break;
                            }
                            Some(false) => {}
                            None => unknown = true,
                        }
                    }
                    if found {
                        Some(true)
                    } else if unknown {
                        None
                    } else {
                        Some(false)
                    }
                }
                Kind::Dict(d) => {
                    a.hash_key()?;
                    Some(d.get(a).is_some())
                }
                _ => None,
            }?;
            Some(if op == "in" { found } else { !found })
        }
        "<" | "<=" | ">" | ">=" => {
            let ord = match (&a.kind, &b.kind) {
                (Kind::Str(x), Kind::Str(y)) => Some(x.cmp(y)),
                (Kind::Timedelta(x), Kind::Timedelta(y)) => Some(x.cmp(y)),
                _ => match (as_num(a)?, as_num(b)?) {
                    (Num::I(x), Num::I(y)) => Some(x.cmp(&y)),
                    (x, y) => x.f().partial_cmp(&y.f()),
                },
            }?;
            Some(match op {
                "<" => ord == Ordering::Less,
                "<=" => ord != Ordering::Greater,
                ">" => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            })
        }
        _ => None,
    }
}

pub(super) fn binop_plain(op: &str, a: &Value, b: &Value, _at: Loc) -> Result<Kind, String> {
    use Kind::*;
    let type_err = || Err(format!("`{op}` between a {} and a {}", a.type_name(), b.type_name()));
    match (op, &a.kind, &b.kind) {
        ("+", Str(x), Str(y)) => {
            if x.len() + y.len() > MAX_BUILT_LEN {
                return Err("string too long".into());
            }
            Ok(Str(Arc::from(format!("{x}{y}"))))
        }
        ("+", List(x), List(y)) => Ok(List(Arc::new(x.iter().chain(y.iter()).cloned().collect()))),
        ("+", Tuple(x), Tuple(y)) => Ok(Tuple(Arc::new(x.iter().chain(y.iter()).cloned().collect()))),
        ("+", Timedelta(x), Timedelta(y)) => Ok(Timedelta(x + y)),
        ("-", Timedelta(x), Timedelta(y)) => Ok(Timedelta(x - y)),
        ("-", Set(x), Set(y)) => {
            Ok(Set(Arc::new(x.iter().filter(|i| !y.iter().any(|j| j.py_eq(i) == Some(true))).cloned().collect())))
        }
        ("-", Path(p), Int(n)) if *n >= 0 => {
            // `environ.Path(__file__) - 3`: up n levels.
            let mut cur = p.to_string();
            for _ in 0..*n {
                cur = path_dirname(&cur, true);
            }
            Ok(Path(Arc::from(cur)))
        }
        ("*", Str(s), Int(n)) | ("*", Int(n), Str(s)) => {
            let n = (*n).max(0) as usize;
            if s.len().saturating_mul(n) > MAX_BUILT_LEN {
                return Err("string too long".into());
            }
            Ok(Str(Arc::from(s.repeat(n))))
        }
        ("*", List(x), Int(n)) | ("*", Int(n), List(x)) => {
            let n = (*n).max(0) as usize;
            if x.len().saturating_mul(n) > MAX_BUILT_LEN {
                return Err("list too long".into());
            }
            Ok(List(Arc::new(x.iter().cloned().cycle().take(x.len() * n).collect())))
        }
        ("*", Timedelta(t), _) | ("*", _, Timedelta(t)) => {
            let other = if matches!(a.kind, Timedelta(_)) { b } else { a };
            match as_num(other) {
                Some(Num::I(i)) => Ok(Timedelta(t * i as i128)),
                Some(Num::F(x)) => Ok(Timedelta(round_half_even(*t as f64 * x))),
                Option::None => type_err(),
            }
        }
        ("/", Path(p), Str(s)) => Ok(Path(Arc::from(pathlib_join(p, s)))),
        ("/", Path(p), Path(s)) => Ok(Path(Arc::from(pathlib_join(p, s)))),
        ("/", Str(p), Path(s)) => Ok(Path(Arc::from(pathlib_join(p, s)))),
        ("/", Timedelta(t), Timedelta(u)) => {
            if *u == 0 {
                return Err("division by zero".into());
            }
            Ok(Float(*t as f64 / *u as f64))
        }
        ("/", Timedelta(t), _) => match as_num(b) {
            Some(n) if n.f() != 0.0 => Ok(Timedelta(round_half_even(*t as f64 / n.f()))),
            Some(_) => Err("division by zero".into()),
            Option::None => type_err(),
        },
        ("//", Timedelta(t), Timedelta(u)) => {
            if *u == 0 {
                return Err("division by zero".into());
            }
            Ok(Int(t.div_euclid(*u) as i64))
        }
        ("//", Timedelta(t), Int(n)) => {
            if *n == 0 {
                return Err("division by zero".into());
            }
            Ok(Timedelta(t.div_euclid(*n as i128)))
        }
        ("%", Str(fmt), _) => printf(fmt, b).map(|s| Str(Arc::from(s))),
        ("|", Dict(x), Dict(y)) => {
            let mut d = (**x).clone();
            for (k, v) in y.iter() {
                d.insert(k.clone(), v.clone());
            }
            Ok(Dict(Arc::new(d)))
        }
        ("|", Set(x), Set(y)) => {
            let mut out = x.to_vec();
            for v in y.iter() {
                if !out.iter().any(|u| u.py_eq(v) == Some(true)) {
                    out.push(v.clone());
                }
            }
            Ok(Set(Arc::new(out)))
        }
        _ => {
            let (Some(x), Some(y)) = (as_num(a), as_num(b)) else { return type_err() };
            let both_bool = matches!((&a.kind, &b.kind), (Bool(_), Bool(_)));
            match (x, y) {
                (Num::I(x), Num::I(y)) => {
                    let r = match op {
                        "+" => x.checked_add(y),
                        "-" => x.checked_sub(y),
                        "*" => x.checked_mul(y),
                        "/" => {
                            if y == 0 {
                                return Err("division by zero".into());
                            }
                            return Ok(Float(x as f64 / y as f64));
                        }
                        "//" => {
                            if y == 0 {
                                return Err("division by zero".into());
                            }
                            Some(x.div_euclid(y) - if (x.rem_euclid(y) != 0) && (y < 0) { 1 } else { 0 })
                        }
                        "%" => {
                            if y == 0 {
                                return Err("division by zero".into());
                            }
                            let r = x % y;
                            Some(if r != 0 && ((r < 0) != (y < 0)) { r + y } else { r })
                        }
                        "**" => {
                            if y < 0 {
                                return Ok(Float((x as f64).powf(y as f64)));
                            }
                            u32::try_from(y).ok().and_then(|e| x.checked_pow(e))
                        }
                        "|" if both_bool => return Ok(Bool((x | y) != 0)),
                        "&" if both_bool => return Ok(Bool((x & y) != 0)),
                        "^" if both_bool => return Ok(Bool((x ^ y) != 0)),
                        "|" => Some(x | y),
                        "&" => Some(x & y),
                        "^" => Some(x ^ y),
                        "<<" => u32::try_from(y).ok().and_then(|s| x.checked_shl(s)),
                        ">>" => u32::try_from(y).ok().map(|s| x >> s.min(63)),
                        _ => return type_err(),
                    };
                    r.map(Int).ok_or_else(|| "integer too large to model".to_string())
                }
                (x, y) => {
                    let (x, y) = (x.f(), y.f());
                    Ok(Float(match op {
                        "+" => x + y,
                        "-" => x - y,
                        "*" => x * y,
                        "/" => {
                            if y == 0.0 {
                                return Err("division by zero".into());
                            }
                            x / y
                        }
                        "//" => {
                            if y == 0.0 {
                                return Err("division by zero".into());
                            }
                            (x / y).floor()
                        }
                        "%" => {
                            if y == 0.0 {
                                return Err("division by zero".into());
                            }
                            x - y * (x / y).floor()
                        }
                        "**" => x.powf(y),
                        _ => return type_err(),
                    }))
                }
            }
        }
    }
}

pub(super) fn round_half_even(x: f64) -> i128 {
    let r = x.round();
    if (x - x.trunc()).abs() == 0.5 && (r as i128) % 2 != 0 {
        (r - x.signum()) as i128
    } else {
        r as i128
    }
}

/// `fmt % args` for `%s`, `%r`, `%d`, `%i`, `%f` and `%%`.
pub(super) fn printf(fmt: &str, args: &Value) -> Result<String, String> {
    let items: Vec<Value> = match &args.kind {
        Kind::Tuple(t) => t.to_vec(),
        _ => vec![args.clone()],
    };
    let mut out = String::new();
    let mut it = items.iter();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let conv = chars.next().ok_or("incomplete format")?;
        if conv == '%' {
            out.push('%');
            continue;
        }
        let arg = it.next().ok_or("not enough arguments for format string")?;
        let s = match conv {
            's' => arg.py_str(),
            'r' => arg.py_repr(),
            'd' | 'i' => arg.as_int().map(|i| i.to_string()).or_else(|| match arg.kind {
                Kind::Float(f) => Some((f.trunc() as i64).to_string()),
                _ => None,
            }),
            'f' => as_num(arg).map(|n| format!("{:.6}", n.f())),
            _ => None,
        };
        out.push_str(
            &s.ok_or_else(|| arg.unknown_reason().unwrap_or("a `%` format that is not modelled").to_string())?,
        );
    }
    if it.next().is_some() {
        return Err("not all arguments converted during string formatting".into());
    }
    Ok(out)
}

pub(super) fn slice(container: &Value, parts: &[Option<Value>], at: Loc) -> Value {
    let get = |i: usize| -> Result<Option<i64>, ()> {
        match &parts[i] {
            None => Ok(None),
            Some(v) if matches!(v.kind, Kind::None) => Ok(None),
            Some(v) => v.as_int().map(Some).ok_or(()),
        }
    };
    let (Ok(start), Ok(stop), Ok(step)) = (get(0), get(1), get(2)) else {
        return unknown_at("slice bounds not known", at);
    };
    if step.is_some_and(|s| s != 1) {
        return unknown_at("slice with a step", at);
    }
    let bounds = |len: usize| {
        let norm = |i: i64| if i < 0 { (len as i64 + i).max(0) as usize } else { (i as usize).min(len) };
        let s = start.map(norm).unwrap_or(0);
        let e = stop.map(norm).unwrap_or(len);
        (s, e.max(s))
    };
    match &container.kind {
        Kind::List(items) | Kind::Tuple(items) => {
            let (s, e) = bounds(items.len());
            let v = items[s..e].to_vec();
            let kind = if matches!(container.kind, Kind::List(_)) {
                Kind::List(Arc::new(v))
            } else {
                Kind::Tuple(Arc::new(v))
            };
            Value::new(kind, Some(at)).inherit(container)
        }
        Kind::Str(st) => {
            let chars: Vec<char> = st.chars().collect();
            let (s, e) = bounds(chars.len());
            Value::str(chars[s..e].iter().collect::<String>(), Some(at)).inherit(container)
        }
        Kind::Unknown(_) => container.clone(),
        _ => unknown_at(format!("slices a {}", container.type_name()), at),
    }
}

// Paths ------------------------------------------------------------------------------------------

/// `os.path.dirname` (`pathlib`'s `.parent` when `pathlib`: `.` for a bare name).
pub(super) fn path_dirname(p: &str, pathlib: bool) -> String {
    let trimmed = if p.len() > 1 { p.trim_end_matches('/') } else { p };
    match trimmed.rfind('/') {
        Some(0) => "/".to_string(),
        Some(i) => trimmed[..i].to_string(),
        None => {
            if pathlib {
                ".".to_string()
            } else {
                String::new()
            }
        }
    }
}

pub(super) fn path_basename(p: &str) -> String {
    let trimmed = p.trim_end_matches('/');
    trimmed.rsplit('/').next().unwrap_or("").to_string()
}

/// `os.path.join(a, b)`.
pub(super) fn os_path_join(a: &str, b: &str) -> String {
    if b.starts_with('/') || a.is_empty() {
        return b.to_string();
    }
    if a.ends_with('/') {
        format!("{a}{b}")
    } else {
        format!("{a}/{b}")
    }
}

/// `Path(a) / b`, normalised the way pathlib prints it.
pub(super) fn pathlib_join(a: &str, b: &str) -> String {
    let joined = if a == "." { b.to_string() } else { os_path_join(a, b) };
    pathlib_norm(&joined)
}

pub(super) fn pathlib_norm(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let abs = p.starts_with('/');
    let parts: Vec<&str> = p.split('/').filter(|s| !s.is_empty() && *s != ".").collect();
    let body = parts.join("/");
    match (abs, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// `os.path.abspath` / `Path.resolve()` without a file system: `..` folded lexically.
pub(super) fn lexical_abspath(p: &str) -> String {
    let n = resolve::normalize(Path::new(p));
    let s = n.to_string_lossy().into_owned();
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}
