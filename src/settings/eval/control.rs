//! Control flow and definitions: `if` (with the production-branch rules), `try`, `for`,
//! `def`, `class`, and calls of user functions.

use super::*;

/// Whether a branch is the production one, by its condition or what it loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Marker {
    Prod,
    Dev,
    None,
}

/// Whether a text holds production and development tokens, and the best production token's rank
/// (its place in `PRODUCTION_TOKENS`: `production` before `staging`).
pub(super) fn env_tokens(text: &str) -> (bool, bool, Option<usize>) {
    let mut prod = false;
    let mut dev = false;
    let mut rank: Option<usize> = None;
    for tok in text.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()) {
        let t = tok.to_lowercase();
        if let Some(r) = crate::discover::PRODUCTION_TOKENS.iter().position(|p| *p == t) {
            prod = true;
            rank = Some(rank.map_or(r, |x| x.min(r)));
        }
        dev |= crate::discover::DEVELOPMENT_TOKENS.contains(&t.as_str());
    }
    (prod, dev, rank)
}

pub(super) fn marker_of(prod: bool, dev: bool) -> Marker {
    match (prod, dev) {
        (true, false) => Marker::Prod,
        (false, true) => Marker::Dev,
        _ => Marker::None,
    }
}

pub(super) fn clause_marker(cx: &Cx, cond: Option<Node>, block: Node) -> (Marker, usize) {
    let mut rank = usize::MAX;
    if let Some(cond) = cond {
        let text = cx.text(cond);
        let negated = text.contains("!=") || text.contains("not in") || text.trim_start().starts_with("not ");
        let mut prod = false;
        let mut dev = false;
        let mut stack = vec![cond];
        let mut seen = 0;
        while let Some(n) = stack.pop() {
            seen += 1;
            if seen > 500 {
                break;
            }
            match n.kind() {
                "string" => {
                    let (p, d, r) = env_tokens(cx.text(n));
                    prod |= p;
                    dev |= d;
                    rank = rank.min(r.unwrap_or(usize::MAX));
                }
                "identifier" => {
                    let (p, d, r) = env_tokens(&cx.text(n).replace('_', " "));
                    prod |= p;
                    dev |= d;
                    rank = rank.min(r.unwrap_or(usize::MAX));
                }
                "call" => {
                    if let Some(a) = n.child_by_field_name("arguments") {
                        stack.push(a);
                    }
                }
                _ => stack.extend(named(n)),
            }
        }
        let m = marker_of(prod, dev);
        let m = match (m, negated) {
            (Marker::Prod, true) => Marker::Dev,
            (Marker::Dev, true) => Marker::Prod,
            (m, _) => m,
        };
        if m != Marker::None {
            // A negated production test (`!= "production"`) ranks nothing.
            return (m, if negated { usize::MAX } else { rank });
        }
    }
    // What the branch loads: `from .production import *`, `include("prod.py")`.
    let mut prod = false;
    let mut dev = false;
    rank = usize::MAX;
    for stmt in named(block) {
        let (p, d, r) = match stmt.kind() {
            "import_from_statement" => match stmt.child_by_field_name("module_name") {
                Some(m) => env_tokens(cx.text(m)),
                None => continue,
            },
            "expression_statement" if cx.text(stmt).trim_start().starts_with("include(") => {
                env_tokens(cx.text(stmt).trim_start().trim_start_matches("include"))
            }
            _ => continue,
        };
        prod |= p;
        dev |= d;
        rank = rank.min(r.unwrap_or(usize::MAX));
    }
    (marker_of(prod, dev), rank)
}

/// Two values that are the same binding (same origin and equal).
pub(super) fn same_value(a: &Value, b: &Value) -> bool {
    let same_place = || a.origin == b.origin && a.steps.len() == b.steps.len();
    let same_items = |x: &[Value], y: &[Value]| x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q));
    match (&a.kind, &b.kind) {
        (Kind::Object(x), Kind::Object(y)) => Arc::ptr_eq(x, y),
        (Kind::Unknown(x), Kind::Unknown(y)) => a.origin == b.origin && x == y,
        // Containers item by item: one holding an unknown value is still the same container when
        // a branch leaves it alone (`py_eq` cannot say so).
        (Kind::List(x), Kind::List(y)) | (Kind::Tuple(x), Kind::Tuple(y)) | (Kind::Set(x), Kind::Set(y)) => {
            same_place() && (Arc::ptr_eq(x, y) || same_items(x, y))
        }
        (Kind::Dict(x), Kind::Dict(y)) => {
            same_place()
                && (Arc::ptr_eq(x, y)
                    || (x.len() == y.len()
                        && x.iter().zip(y.iter()).all(|((k1, v1), (k2, v2))| same_value(k1, k2) && same_value(v1, v2))))
        }
        (Kind::OneOf(x), Kind::OneOf(y)) => {
            same_place() && (Arc::ptr_eq(x, y) || same_items(&x.alternatives, &y.alternatives))
        }
        _ => same_place() && a.py_eq(b) == Some(true),
    }
}

impl<'a> Evaluator<'a> {
    // Control flow -----------------------------------------------------------------------------

    pub(super) fn exec_if(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        let mut clauses: Vec<(Option<Node>, Node)> = Vec::new();
        if let Some(block) = stmt.child_by_field_name("consequence") {
            clauses.push((stmt.child_by_field_name("condition"), block));
        }
        let alternatives: Vec<Node> = {
            let mut c = stmt.walk();
            stmt.children_by_field_name("alternative", &mut c).collect()
        };
        for alt in alternatives {
            match alt.kind() {
                "elif_clause" => {
                    if let Some(block) = alt.child_by_field_name("consequence") {
                        clauses.push((alt.child_by_field_name("condition"), block));
                    }
                }
                "else_clause" => {
                    if let Some(block) = alt.child_by_field_name("body") {
                        clauses.push((None, block));
                    }
                }
                _ => {}
            }
        }
        let mut production_checked = false;
        for i in 0..clauses.len() {
            let (cond, block) = clauses[i];
            let Some(cond) = cond else { return self.exec_block(cx, f, block) };
            let c = self.eval(cx, f, cond);
            match (c.truthy(), &c.env_default) {
                (Some(true), None) => return self.exec_block(cx, f, block),
                (Some(false), None) => continue,
                (Some(t), Some(var)) => {
                    // Depends on a variable no production source sets.
                    if !production_checked {
                        production_checked = true;
                        if let Some(flow) = self.take_production_branch(cx, f, &clauses[i..], &c, false) {
                            return flow;
                        }
                    }
                    if t {
                        let var = var.clone();
                        return self.exec_default_branch(cx, f, cond, block, var);
                    }
                    continue;
                }
                (None, _) => {
                    if !production_checked {
                        if let Some(flow) = self.take_production_branch(cx, f, &clauses[i..], &c, true) {
                            return flow;
                        }
                    }
                    return self.exec_undecided(cx, f, &clauses[i..], &c, cond);
                }
            }
        }
        Flow::Normal
    }

    #[inline(never)]
    pub(super) fn exec_default_branch(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        cond: Node,
        block: Node,
        var: Arc<str>,
    ) -> Flow {
        let step = Step {
            kind: StepKind::Branch,
            at: Some(cx.loc(cond)),
            message: format!(
                "assigned in the branch of `{}` that the code default of {var} selects (no production source sets {var})",
                short(cx.text(cond))
            ),
        };
        self.exec_branch_marked(cx, f, block, step, Some(var))
    }

    /// For a condition that depends on the environment: the branch for production, when the
    /// condition or what the branch loads names it.
    pub(super) fn take_production_branch(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        clauses: &[(Option<Node>, Node)],
        c: &Value,
        unknown: bool,
    ) -> Option<Flow> {
        let mut marked: Vec<(Marker, usize)> =
            clauses.iter().map(|(cond, block)| clause_marker(cx, *cond, *block)).collect();
        let has_else = clauses.last().is_some_and(|(c, _)| c.is_none());
        if !has_else {
            marked.push((Marker::None, usize::MAX));
        }
        let markers: Vec<Marker> = marked.iter().map(|(m, _)| *m).collect();
        let prod: Vec<usize> =
            markers.iter().enumerate().filter(|(_, m)| **m == Marker::Prod).map(|(i, _)| i).collect();
        let best_rank = prod.iter().map(|i| marked[*i].1).min().unwrap_or(usize::MAX);
        let best: Vec<usize> = prod.iter().copied().filter(|i| marked[*i].1 == best_rank).collect();
        let chosen = if prod.len() == 1 {
            Some(prod[0])
        } else if best.len() == 1 && best_rank != usize::MAX {
            Some(best[0])
        } else if prod.is_empty() && unknown && markers.contains(&Marker::Dev) {
            let rest: Vec<usize> =
                markers.iter().enumerate().filter(|(_, m)| **m != Marker::Dev).map(|(i, _)| i).collect();
            (rest.len() == 1).then(|| rest[0])
        } else {
            None
        }?;
        let first_cond = clauses[0].0.map(|n| short(cx.text(n))).unwrap_or_default();
        let why = match (&c.env_default, c.unknown_reason()) {
            (Some(var), _) => format!("{var}, which no production source sets"),
            (None, Some(r)) => r.to_string(),
            _ => "a value that is not known".to_string(),
        };
        let at = clauses[0].0.map(|n| cx.loc(n));
        let what = if chosen == 0 {
            "that branch".to_string()
        } else if chosen < clauses.len() {
            match clauses[chosen].0 {
                Some(cond) => format!("the branch `{}`", short(cx.text(cond))),
                None => "the `else` branch".to_string(),
            }
        } else {
            "no branch (the one for production does nothing)".to_string()
        };
        let message = format!("assumed production: `{first_cond}` depends on {why}; took {what}");
        self.note(at, message.clone());
        if chosen >= clauses.len() {
            return Some(Flow::Normal);
        }
        let step = Step { kind: StepKind::AssumedProduction, at, message };
        Some(self.exec_branch_marked(cx, f, clauses[chosen].1, step, c.env_default.clone()))
    }

    /// Runs a block and adds `step` (and the env-default flag) to every name it changes.
    pub(super) fn exec_branch_marked(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        block: Node,
        step: Step,
        taint: Option<Arc<str>>,
    ) -> Flow {
        let before = current_scope(f).clone();
        let flow = self.exec_block(cx, f, block);
        let scope = current_scope_mut(f);
        for (name, v) in scope.iter_mut() {
            if matches!(v.kind, Kind::Object(_)) {
                continue;
            }
            let changed = match before.get(name) {
                Some(old) => !same_value(old, v),
                None => true,
            };
            if changed {
                v.steps = v.steps.push(step.clone());
                if v.env_default.is_none() {
                    v.env_default = taint.clone();
                }
            }
        }
        flow
    }

    /// An `if` whose condition cannot be decided: every branch runs on a copy of the names, and
    /// a name the branches set differently becomes one of their values.
    pub(super) fn exec_undecided(
        &mut self,
        cx: &Cx,
        f: &mut Frame,
        clauses: &[(Option<Node>, Node)],
        c: &Value,
        cond: Node,
    ) -> Flow {
        let reason = format!(
            "set by an `if` whose condition `{}` cannot be decided ({})",
            short(cx.text(cond)),
            c.unknown_reason().unwrap_or("not known")
        );
        let base = current_scope(f).clone();
        let base_assigned = f.ns.assigned.clone();
        let mut results: Vec<IndexMap<String, Value>> = Vec::new();
        let mut branches: Vec<Option<Node>> = clauses.iter().map(|(_, b)| Some(*b)).collect();
        if clauses.last().is_some_and(|(c, _)| c.is_some()) {
            branches.push(None);
        }
        for block in branches {
            *current_scope_mut(f) = base.clone();
            f.raise_catchers += 1;
            let raised = match block {
                Some(block) => matches!(self.exec_block(cx, f, block), Flow::Raise(_)),
                None => false,
            };
            f.raise_catchers -= 1;
            if !raised {
                results.push(current_scope(f).clone());
            }
        }
        if results.is_empty() {
            *current_scope_mut(f) = base;
            return Flow::Normal;
        }
        let mut names: Vec<String> = Vec::new();
        for r in &results {
            for k in r.keys() {
                if !names.contains(k) {
                    names.push(k.clone());
                }
            }
        }
        let mut merged: IndexMap<String, Value> = IndexMap::new();
        for name in names {
            let vals: Vec<Option<&Value>> = results.iter().map(|r| r.get(&name)).collect();
            let first = vals[0];
            let all_same = vals.iter().all(|v| match (v, first) {
                (Some(a), Some(b)) => same_value(a, b),
                (None, None) => true,
                _ => false,
            });
            if all_same {
                if let Some(v) = first {
                    merged.insert(name, v.clone());
                }
                continue;
            }
            let mut alternatives: Vec<Value> = Vec::new();
            for v in vals {
                let alt = v.cloned().unwrap_or_else(|| Value::new(Kind::Unset, None));
                if !alternatives.iter().any(|a| same_value(a, &alt)) {
                    alternatives.push(alt);
                }
            }
            let origin = alternatives.iter().find_map(|a| a.origin).or(Some(cx.loc(cond)));
            let v = if alternatives.len() > MAX_ALTERNATIVES {
                Value::unknown(reason.clone(), origin)
            } else {
                Value::new(
                    Kind::OneOf(Arc::new(OneOf { alternatives, by_code_default: None, reason: reason.clone() })),
                    origin,
                )
            };
            merged.insert(name, v);
        }
        *current_scope_mut(f) = merged;
        if f.scopes.is_empty() {
            let mut assigned = base_assigned;
            for (k, v) in f.ns.assigned.clone() {
                assigned.entry(k).or_insert(v);
            }
            f.ns.assigned = assigned;
        }
        Flow::Normal
    }

    pub(super) fn exec_try(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        let Some(body) = stmt.child_by_field_name("body") else { return Flow::Normal };
        let mut handlers: Vec<(bool, bool, Node)> = Vec::new(); // (catches ImportError, catches any, block)
        let mut else_block = None;
        let mut finally_block = None;
        for child in named(stmt) {
            match child.kind() {
                "except_clause" | "except_group_clause" => {
                    let value = child.child_by_field_name("value");
                    let text = value.map(|v| cx.text(v)).unwrap_or("");
                    let any = value.is_none() || text.contains("Exception");
                    let import = any || text.contains("ImportError") || text.contains("ModuleNotFoundError");
                    if let Some(block) = named(child).into_iter().rev().find(|n| n.kind() == "block") {
                        handlers.push((import, any, block));
                    }
                }
                "else_clause" => else_block = child.child_by_field_name("body"),
                "finally_clause" => finally_block = named(child).into_iter().find(|n| n.kind() == "block"),
                _ => {}
            }
        }
        let catches_import = handlers.iter().any(|h| h.0);
        if catches_import {
            f.import_handlers += 1;
        }
        f.raise_catchers += 1;
        let flow = self.exec_block(cx, f, body);
        f.raise_catchers -= 1;
        if catches_import {
            f.import_handlers -= 1;
        }
        let mut flow = match flow {
            Flow::Raise(r) => {
                let handler = handlers.iter().find(|(import, any, _)| if r.import_error { *import } else { *any });
                match handler {
                    Some((_, _, block)) => {
                        self.note(Some(r.at), format!("{}; the `except` block runs instead", r.message));
                        self.exec_block(cx, f, *block)
                    }
                    None => Flow::Raise(r),
                }
            }
            Flow::Normal => match else_block {
                Some(b) => self.exec_block(cx, f, b),
                None => Flow::Normal,
            },
            other => other,
        };
        if let Some(fb) = finally_block {
            let ff = self.exec_block(cx, f, fb);
            if !matches!(ff, Flow::Normal) {
                flow = ff;
            }
        }
        flow
    }

    pub(super) fn exec_for(&mut self, cx: &Cx, f: &mut Frame, stmt: Node) -> Flow {
        let (Some(left), Some(right), Some(body)) =
            (stmt.child_by_field_name("left"), stmt.child_by_field_name("right"), stmt.child_by_field_name("body"))
        else {
            return Flow::Normal;
        };
        let iter = self.eval(cx, f, right);
        let Some(items) = iter_items(&iter) else {
            let reason = format!(
                "changed in a loop over `{}` ({})",
                short(cx.text(right)),
                iter.unknown_reason().unwrap_or("not a known sequence")
            );
            self.mark_assigned_unknown(cx, f, stmt, &reason);
            return Flow::Normal;
        };
        if items.len() as u64 > self.budget {
            self.mark_assigned_unknown(cx, f, stmt, "changed in a loop too long to evaluate");
            return Flow::Normal;
        }
        let at = cx.loc(stmt);
        let mut broke = false;
        for item in items {
            self.assign_target(cx, f, left, item, at);
            match self.exec_block(cx, f, body) {
                Flow::Break => {
                    broke = true;
                    break;
                }
                Flow::Continue | Flow::Normal => {}
                other => return other,
            }
            if self.budget == 0 {
                break;
            }
        }
        if !broke {
            if let Some(alt) = stmt.child_by_field_name("alternative") {
                if let Some(b) = alt.child_by_field_name("body") {
                    return self.exec_block(cx, f, b);
                }
            }
        }
        Flow::Normal
    }

    // Definitions ------------------------------------------------------------------------------

    pub(super) fn params(&mut self, cx: &Cx, f: &mut Frame, params: Option<Node>) -> Vec<Param> {
        let mut out = Vec::new();
        let Some(params) = params else { return out };
        let mut kw_only = false;
        for p in named(params) {
            let kind = if kw_only { ParamKind::KeywordOnly } else { ParamKind::Normal };
            match p.kind() {
                "identifier" => out.push(Param { name: cx.text(p).to_string(), default: None, kind }),
                "typed_parameter" => {
                    if let Some(id) = named(p).into_iter().find(|n| n.kind() == "identifier") {
                        out.push(Param { name: cx.text(id).to_string(), default: None, kind });
                    } else if let Some(inner) = named(p).first() {
                        let (k, n) = splat_param(cx, *inner);
                        if let Some(n) = n {
                            out.push(Param { name: n, default: None, kind: k.unwrap_or(kind) });
                        }
                    }
                }
                "default_parameter" | "typed_default_parameter" => {
                    let name = p.child_by_field_name("name").map(|n| cx.text(n).to_string()).unwrap_or_default();
                    let default = p.child_by_field_name("value").map(|v| self.eval(cx, f, v));
                    out.push(Param { name, default, kind });
                }
                "list_splat_pattern" | "dictionary_splat_pattern" => {
                    let (k, n) = splat_param(cx, p);
                    if let (Some(k), Some(n)) = (k, n) {
                        if k == ParamKind::VarArgs {
                            kw_only = true;
                        }
                        out.push(Param { name: n, default: None, kind: k });
                    }
                }
                "keyword_separator" => kw_only = true,
                _ => {}
            }
        }
        out
    }

    pub(super) fn exec_def(&mut self, cx: &Cx, f: &mut Frame, def: Node) {
        let Some(name_node) = def.child_by_field_name("name") else { return };
        let name = cx.text(name_node).to_string();
        let params = self.params(cx, f, def.child_by_field_name("parameters"));
        let func = Function {
            name: name.clone(),
            parsed: self.parsed_arc(cx),
            src: cx.src,
            file: cx.file.clone(),
            offset: cx.offset,
            range: def.byte_range(),
            params,
        };
        let v = Value::new(obj(Object::Function(Arc::new(func))), Some(cx.loc(name_node)));
        self.bind(f, &name, v, None);
    }

    /// The shared parse of the current file.
    pub(super) fn parsed_arc(&self, cx: &Cx) -> Arc<ParsedPython> {
        cx.parsed.clone()
    }

    pub(super) fn exec_class(&mut self, cx: &Cx, f: &mut Frame, def: Node) {
        let Some(name_node) = def.child_by_field_name("name") else { return };
        let name = cx.text(name_node).to_string();
        let mut configuration = false;
        let mut attrs: IndexMap<String, Value> = IndexMap::new();
        if let Some(supers) = def.child_by_field_name("superclasses") {
            let bases: Vec<Value> = named(supers)
                .into_iter()
                .filter(|n| n.kind() != "keyword_argument")
                .map(|n| self.eval(cx, f, n))
                .collect();
            for base in bases.iter().rev() {
                if let Kind::Object(o) = &base.kind {
                    match &**o {
                        Object::Builtin(Builtin::ConfigurationBase) => configuration = true,
                        Object::Class(c) => {
                            configuration |= c.configuration;
                            for (k, v) in &c.attrs {
                                attrs.insert(k.clone(), v.clone());
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        if let Some(body) = def.child_by_field_name("body") {
            f.scopes.push(attrs);
            let saved = f.class_body.replace(name.clone());
            self.exec_block(cx, f, body);
            f.class_body = saved;
            attrs = f.scopes.pop().unwrap_or_default();
        }
        let class = Class { name: name.clone(), attrs, configuration, at: cx.loc(name_node) };
        let v = Value::new(obj(Object::Class(Arc::new(class))), Some(cx.loc(name_node)));
        self.bind(f, &name, v, Some(cx.loc(def)));
    }

    pub(super) fn call_function(&mut self, f: &mut Frame, func: &Arc<Function>, args: Args) -> Value {
        let at = args.at;
        if self.call_depth >= MAX_CALL_DEPTH {
            return unknown_at(format!("calls `{}()` too deeply to evaluate", func.name), at);
        }
        let parsed = func.parsed.clone();
        let root = parsed.root();
        let mut node = root.descendant_for_byte_range(func.range.start, func.range.end);
        while let Some(n) = node {
            if n.byte_range() == func.range && matches!(n.kind(), "lambda" | "function_definition") {
                break;
            }
            node = n.parent();
        }
        let Some(node) = node else { return unknown_at(format!("calls `{}()`", func.name), at) };
        if args.opaque {
            return unknown_at(format!("calls `{}()` with arguments that are not known", func.name), at);
        }
        let mut scope: IndexMap<String, Value> = IndexMap::new();
        let mut pos = args.pos.into_iter();
        let mut kws = args.kw;
        for p in &func.params {
            match p.kind {
                ParamKind::Normal => {
                    let v = match pos.next() {
                        Some(v) => Some(v),
                        None => kws.iter().position(|(k, _)| *k == p.name).map(|i| kws.remove(i).1),
                    };
                    let v = v
                        .or_else(|| p.default.clone())
                        .unwrap_or_else(|| unknown_at(format!("`{}()` is called without `{}`", func.name, p.name), at));
                    scope.insert(p.name.clone(), v);
                }
                ParamKind::KeywordOnly => {
                    let v = kws.iter().position(|(k, _)| *k == p.name).map(|i| kws.remove(i).1);
                    let v = v
                        .or_else(|| p.default.clone())
                        .unwrap_or_else(|| unknown_at(format!("`{}()` is called without `{}`", func.name, p.name), at));
                    scope.insert(p.name.clone(), v);
                }
                ParamKind::VarArgs => {
                    let rest: Vec<Value> = pos.by_ref().collect();
                    scope.insert(p.name.clone(), Value::tuple(rest, Some(at)));
                }
                ParamKind::VarKw => {
                    let mut d = Dict::new();
                    for (k, v) in kws.drain(..) {
                        d.insert(Value::str(k, Some(at)), v);
                    }
                    scope.insert(p.name.clone(), Value::dict(d, Some(at)));
                }
            }
        }
        let cx = Cx { parsed: &parsed, src: func.src, file: func.file.clone(), offset: func.offset };
        self.call_depth += 1;
        f.scopes.push(scope);
        f.raise_catchers += 1;
        let saved_class = f.class_body.take();
        let result = if node.kind() == "lambda" {
            match node.child_by_field_name("body") {
                Some(body) => self.eval(&cx, f, body),
                None => Value::none(Some(at)),
            }
        } else {
            match node.child_by_field_name("body") {
                Some(body) => match self.exec_block(&cx, f, body) {
                    Flow::Return(v) => v,
                    Flow::Raise(r) => unknown_at(format!("`{}()` raises: {}", func.name, r.message), at),
                    _ => Value::none(Some(at)),
                },
                None => Value::none(Some(at)),
            }
        };
        f.class_body = saved_class;
        f.raise_catchers -= 1;
        f.scopes.pop();
        self.call_depth -= 1;
        match &result.kind {
            Kind::Unknown(u) if !u.reason.starts_with(&format!("calls `{}()`", func.name)) => {
                let reason = format!("calls `{}()`: {}", func.name, u.reason);
                unknown_at(reason, result.origin.unwrap_or(at)).inherit(&result)
            }
            _ => result,
        }
    }
}

pub(super) fn splat_param(cx: &Cx, p: Node) -> (Option<ParamKind>, Option<String>) {
    let kind = match p.kind() {
        "list_splat_pattern" => Some(ParamKind::VarArgs),
        "dictionary_splat_pattern" => Some(ParamKind::VarKw),
        _ => None,
    };
    let name = named(p).into_iter().find(|n| n.kind() == "identifier").map(|n| cx.text(n).to_string());
    (kind, name)
}

pub(super) fn current_scope(f: &Frame) -> &IndexMap<String, Value> {
    f.scopes.last().unwrap_or(&f.ns.values)
}

pub(super) fn current_scope_mut(f: &mut Frame) -> &mut IndexMap<String, Value> {
    match f.scopes.last_mut() {
        Some(s) => s,
        None => &mut f.ns.values,
    }
}

/// A condition or expression shortened for messages.
pub(super) fn short(text: &str) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 60 {
        format!("{}...", one.chars().take(57).collect::<String>())
    } else {
        one
    }
}

/// The items `for` and comprehensions iterate over.
pub(super) fn iter_items(v: &Value) -> Option<Vec<Value>> {
    match &v.kind {
        Kind::List(x) | Kind::Tuple(x) | Kind::Set(x) => Some(x.to_vec()),
        Kind::Dict(d) => Some(d.iter().map(|(k, _)| k.clone()).collect()),
        Kind::Str(s) => Some(s.chars().map(|c| Value::str(c.to_string(), v.origin)).collect()),
        _ => None,
    }
}
