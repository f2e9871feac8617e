//! A marked YAML tree for Compose files, built from `saphyr-parser` events, with byte spans on
//! every key and value.
//!
//! **Why not `saphyr::MarkedYaml`.** The loader of `saphyr` 0.3 keeps only the last of two
//! duplicate keys (the first is gone, so it cannot be reported with both places), expands aliases
//! by deep-cloning subtrees while loading, and does not apply `<<`. We read the same parser's
//! events into our own arena instead:
//! - aliases stay references to their anchor until [`Doc::resolve`] expands them, under a budget
//!   ([`ALIAS_BUDGET`] nodes): a billion-laughs file costs bounded time and memory and becomes one
//!   "alias expansion limit exceeded" error;
//! - `<<` merge keys (one mapping or a list of them) are applied by [`Doc::resolve`], and every
//!   merged value remembers the `<<` that brought it ([`Via`]);
//! - duplicate keys are kept in the tree (the later one wins, as most loaders do) and reported as
//!   errors, since Compose (`yaml.v3`) refuses a file with one: `mapping key "x" already defined`;
//! - saphyr's markers count characters: they are converted to byte offsets here, and the ends of
//!   quoted and block scalars (which saphyr stretches over the blanks that follow) are recomputed.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle};

use crate::source::{FileId, Span};

/// How many nodes alias expansion may add beyond the nodes written in the file.
pub const ALIAS_BUDGET: usize = 100_000;
/// Deepest nesting read (written or through aliases).
pub const MAX_DEPTH: usize = 256;
/// The message of the error for a file whose aliases expand past the budget.
pub const ALIAS_LIMIT: &str = "alias expansion limit exceeded";

pub type NodeId = usize;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Quoted,
    Block,
}

#[derive(Debug, Clone)]
pub enum NodeKind {
    Scalar {
        text: String,
        style: Style,
    },
    Seq(Vec<NodeId>),
    Map(Vec<(NodeId, NodeId)>),
    /// `*name`: the anchored node it refers to.
    Alias(NodeId),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: NodeKind,
    pub span: Range<usize>,
    /// `!reset`, `!override`, `!!str`...
    pub tag: Option<String>,
}

/// A problem in the YAML: the file is not what Compose accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub span: Range<usize>,
    pub message: String,
    pub label: Option<String>,
    pub related: Vec<(Range<usize>, String)>,
}

impl YamlError {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        YamlError { span, message: message.into(), label: None, related: Vec::new() }
    }
}

/// The first document of a file.
#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub nodes: Vec<Node>,
    pub root: Option<NodeId>,
    /// Syntax errors (the tree holds what was read before the first one), duplicate keys.
    pub errors: Vec<YamlError>,
}

/// Byte offsets of saphyr's character indices.
struct Offsets<'a> {
    text: &'a str,
    ascii: bool,
    /// Byte offset of every 64th character.
    checkpoints: Vec<usize>,
}

impl<'a> Offsets<'a> {
    fn new(text: &'a str) -> Self {
        let ascii = text.is_ascii();
        let checkpoints = if ascii { Vec::new() } else { text.char_indices().step_by(64).map(|(b, _)| b).collect() };
        Offsets { text, ascii, checkpoints }
    }

    fn byte(&self, ch: usize) -> usize {
        if self.ascii {
            return ch.min(self.text.len());
        }
        let Some(&start) = self.checkpoints.get(ch / 64) else { return self.text.len() };
        let rest = ch % 64;
        self.text[start..].char_indices().nth(rest).map_or(self.text.len(), |(b, _)| start + b)
    }

    fn at(&self, m: &Marker) -> usize {
        self.byte(m.index())
    }
}

/// End of a quoted scalar that starts at `start` (saphyr's end runs over the blanks after it).
fn quoted_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let quote = *bytes.get(start)?;
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

fn trim_end(text: &str, range: Range<usize>) -> Range<usize> {
    let s = text.get(range.clone()).unwrap_or_default();
    range.start..range.start + s.trim_end().len()
}

struct Frame {
    id: NodeId,
    anchor: usize,
    key: Option<NodeId>,
}

/// Reads the first YAML document of `text`. Never fails: errors are in [`Doc::errors`].
pub fn load(text: &str) -> Doc {
    let offsets = Offsets::new(text);
    let mut doc = Doc::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, NodeId> = HashMap::new();
    let mut parser = Parser::new_from_str(text);
    let mut started = false;
    while let Some(event) = parser.next_event() {
        let (event, span) = match event {
            Ok(e) => e,
            Err(e) => {
                let mut at = offsets.at(e.marker());
                // Saphyr reports a tab in the indentation after it: point at the tab.
                if e.info().contains("tab") {
                    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
                    if let Some(tab) = text[line_start..at].rfind('\t') {
                        at = line_start + tab;
                    }
                }
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                doc.errors.push(YamlError::new(at..end, format!("invalid YAML: {}", e.info())));
                break;
            }
        };
        let start = offsets.at(&span.start);
        let end = offsets.at(&span.end).max(start);
        let mut new_node: Option<(Node, usize)> = None;
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => {
                if started {
                    break;
                }
                started = true;
            }
            Event::DocumentEnd | Event::StreamEnd => {
                if stack.is_empty() {
                    break;
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let (style, span) = match style {
                    ScalarStyle::Plain => (Style::Plain, start..end),
                    ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
                        (Style::Quoted, start..quoted_end(text, start).unwrap_or(end))
                    }
                    ScalarStyle::Literal | ScalarStyle::Folded => (Style::Block, trim_end(text, start..end)),
                };
                let tag = tag.map(|t| t.to_string());
                new_node =
                    Some((Node { kind: NodeKind::Scalar { text: value.into_owned(), style }, span, tag }, anchor));
            }
            Event::Alias(anchor) => match anchors.get(&anchor) {
                Some(&target) => {
                    new_node = Some((Node { kind: NodeKind::Alias(target), span: start..end, tag: None }, 0))
                }
                None => {
                    doc.errors.push(YamlError::new(
                        start..end,
                        "invalid YAML: this alias refers to the node that contains it (a recursive alias)",
                    ));
                    break;
                }
            },
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let is_seq = matches!(event, Event::SequenceStart(..));
                let (Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag)) = event else { continue };
                if stack.len() >= MAX_DEPTH {
                    doc.errors.push(YamlError::new(start..end, format!("nesting deeper than {MAX_DEPTH} levels")));
                    break;
                }
                let kind = if is_seq { NodeKind::Seq(Vec::new()) } else { NodeKind::Map(Vec::new()) };
                // Saphyr's start covers the anchor and the tag: point at the collection itself.
                let tag = tag.map(|t| t.to_string());
                let id = doc.nodes.len();
                doc.nodes.push(Node { kind, span: start..end, tag });
                stack.push(Frame { id, anchor, key: None });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = stack.pop() else { break };
                let last_end = match &doc.nodes[frame.id].kind {
                    NodeKind::Seq(items) => items.last().map(|&i| doc.nodes[i].span.end),
                    NodeKind::Map(entries) => entries.last().map(|&(_, v)| doc.nodes[v].span.end),
                    _ => None,
                };
                let node = &mut doc.nodes[frame.id];
                // A flow collection ends at its bracket; a block one at its last item.
                let flow_end = if matches!(text.as_bytes().get(start), Some(b']' | b'}')) { Some(end) } else { None };
                node.span.end = flow_end.or(last_end).unwrap_or(node.span.end).max(node.span.start);
                if let NodeKind::Map(_) = node.kind {
                    check_duplicates(&mut doc, frame.id);
                }
                if frame.anchor > 0 {
                    anchors.insert(frame.anchor, frame.id);
                }
                attach(&mut doc, &mut stack, frame.id);
                continue;
            }
        }
        if let Some((node, anchor)) = new_node {
            let id = doc.nodes.len();
            doc.nodes.push(node);
            if anchor > 0 {
                anchors.insert(anchor, id);
            }
            attach(&mut doc, &mut stack, id);
        }
    }
    // A syntax error leaves collections open: keep what was read.
    while let Some(frame) = stack.pop() {
        attach(&mut doc, &mut stack, frame.id);
    }
    doc
}

fn attach(doc: &mut Doc, stack: &mut [Frame], id: NodeId) {
    let Some(frame) = stack.last_mut() else {
        if doc.root.is_none() {
            doc.root = Some(id);
        }
        return;
    };
    match &mut doc.nodes[frame.id].kind {
        NodeKind::Seq(items) => items.push(id),
        NodeKind::Map(entries) => match frame.key.take() {
            Some(key) => entries.push((key, id)),
            None => frame.key = Some(id),
        },
        _ => {}
    }
}

/// Reports keys written twice in one mapping (Compose refuses the file).
fn check_duplicates(doc: &mut Doc, map: NodeId) {
    let NodeKind::Map(entries) = &doc.nodes[map].kind else { return };
    let mut seen: HashMap<&str, NodeId> = HashMap::new();
    let mut found = Vec::new();
    for &(k, _) in entries {
        let Some(name) = doc.scalar_text(k) else { continue };
        match seen.get(name) {
            Some(&first) => found.push((name.to_string(), first, k)),
            None => {
                seen.insert(name, k);
            }
        }
    }
    for (name, first, later) in found {
        let first_span = doc.nodes[first].span.clone();
        let mut e = YamlError::new(
            doc.nodes[later].span.clone(),
            format!("the key `{name}` is defined twice in this mapping: Compose refuses the file (\"mapping key already defined\")"),
        );
        e.label = Some("defined again here".into());
        e.related.push((first_span, format!("`{name}` first defined here")));
        doc.errors.push(e);
    }
}

/// How a value came to be where it is read: the places shown as related labels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    pub span: Span,
    pub kind: ViaKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ViaKind {
    /// Brought in by this `<<` merge key.
    MergeKey,
    /// Used through this alias (`*name`).
    Alias,
    /// Inherited through this `extends:` (of the named service).
    Extends(String),
}

impl Via {
    pub fn label(&self) -> String {
        match &self.kind {
            ViaKind::MergeKey => "merged into this mapping by this `<<`".into(),
            ViaKind::Alias => "used here through an alias".into(),
            ViaKind::Extends(base) => format!("inherited from `{base}` through this `extends`"),
        }
    }
}

/// A resolved value: aliases expanded, merge keys applied, interpolation (later) done.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub kind: ValueKind,
    pub span: Span,
    pub tag: Option<String>,
    pub via: Vec<Via>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `~`, `null`, or nothing at all.
    Null,
    Str(Str),
    Seq(Vec<Value>),
    Map(Vec<Entry>),
}

/// A scalar. Compose types its scalars by where they sit (`privileged` is a boolean, `ports`
/// items are strings), so scalars stay text here.
#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    /// After interpolation: unknown parts are [`super::interp::HOLE`].
    pub text: String,
    pub style: Style,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Value,
}

impl Value {
    pub fn null(span: Span) -> Value {
        Value { kind: ValueKind::Null, span, tag: None, via: Vec::new() }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            ValueKind::Map(e) => Some(e),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Value]> {
        match &self.kind {
            ValueKind::Seq(v) => Some(v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&Str> {
        match &self.kind {
            ValueKind::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.kind, ValueKind::Null)
    }

    /// The entry for `key` in a mapping (the last one written wins).
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        self.as_map()?.iter().rev().find(|e| e.key == key)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.entry(key).map(|e| &e.value)
    }

    /// True for a value tagged `tag` (`!reset`, `!override`).
    pub fn tagged(&self, tag: &str) -> bool {
        self.tag.as_deref() == Some(tag)
    }

    /// Visits every value of the tree (depth first, this one included).
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Value)) {
        f(self);
        match &self.kind {
            ValueKind::Seq(items) => items.iter().for_each(|v| v.walk(f)),
            ValueKind::Map(entries) => entries.iter().for_each(|e| e.value.walk(f)),
            _ => {}
        }
    }

    /// Rewrites every string of the tree (depth first).
    pub fn map_strings(&mut self, f: &mut dyn FnMut(&mut Str)) {
        match &mut self.kind {
            ValueKind::Str(s) => f(s),
            ValueKind::Seq(items) => items.iter_mut().for_each(|v| v.map_strings(f)),
            ValueKind::Map(entries) => entries.iter_mut().for_each(|e| e.value.map_strings(f)),
            ValueKind::Null => {}
        }
    }
}

struct Resolver<'a> {
    doc: &'a Doc,
    file: FileId,
    budget: usize,
}

impl Doc {
    /// The text of a scalar node (through an alias).
    pub fn scalar_text(&self, id: NodeId) -> Option<&str> {
        match &self.nodes.get(id)?.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            NodeKind::Alias(t) => self.scalar_text(*t),
            _ => None,
        }
    }

    /// The root as a resolved [`Value`] with spans in `file`: aliases expanded and `<<` applied.
    /// Errors when the expansion budget runs out or a `<<` merges something other than mappings.
    pub fn resolve(&self, file: FileId) -> Result<Option<Value>, YamlError> {
        let Some(root) = self.root else { return Ok(None) };
        let mut r = Resolver { doc: self, file, budget: self.nodes.len() + ALIAS_BUDGET };
        r.value(root, 0).map(Some)
    }
}

impl Resolver<'_> {
    fn span(&self, r: &Range<usize>) -> Span {
        Span::new(self.file, r.clone())
    }

    fn value(&mut self, id: NodeId, depth: usize) -> Result<Value, YamlError> {
        let node = &self.doc.nodes[id];
        if self.budget == 0 {
            return Err(YamlError::new(node.span.clone(), ALIAS_LIMIT));
        }
        if depth > MAX_DEPTH * 4 {
            return Err(YamlError::new(node.span.clone(), "nesting through aliases is too deep"));
        }
        self.budget -= 1;
        let span = self.span(&node.span);
        let tag = node.tag.clone();
        let kind = match &node.kind {
            NodeKind::Alias(target) => {
                let mut v = self.value(*target, depth + 1).map_err(|mut e| {
                    // The outermost alias (the one written where the expansion starts) is shown.
                    if e.message == ALIAS_LIMIT {
                        e.span = node.span.clone();
                        e.label = Some("expanding this alias goes over the limit".into());
                    }
                    e
                })?;
                v.via.insert(0, Via { span, kind: ViaKind::Alias });
                return Ok(v);
            }
            NodeKind::Scalar { text, style } => {
                let is_null = *style == Style::Plain
                    && tag.is_none()
                    && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL");
                if is_null {
                    ValueKind::Null
                } else {
                    ValueKind::Str(Str { text: text.clone(), style: *style })
                }
            }
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for &i in items {
                    out.push(self.value(i, depth + 1)?);
                }
                ValueKind::Seq(out)
            }
            NodeKind::Map(entries) => ValueKind::Map(self.map(entries, depth)?),
        };
        Ok(Value { kind, span, tag, via: Vec::new() })
    }

    fn is_merge_key(&self, k: NodeId) -> bool {
        let node = &self.doc.nodes[k];
        matches!(&node.kind, NodeKind::Scalar { text, style: Style::Plain } if text == "<<")
            && node.tag.as_deref().is_none_or(|t| t == "!!merge" || t.ends_with(":merge"))
    }

    fn map(&mut self, entries: &[(NodeId, NodeId)], depth: usize) -> Result<Vec<Entry>, YamlError> {
        let explicit: HashSet<&str> = entries
            .iter()
            .filter(|(k, _)| !self.is_merge_key(*k))
            .filter_map(|(k, _)| self.doc.scalar_text(*k))
            .collect();
        let mut taken: HashSet<String> = HashSet::new();
        let mut out = Vec::with_capacity(entries.len());
        for &(k, v) in entries {
            if self.is_merge_key(k) {
                let site = self.span(&self.doc.nodes[k].span);
                let merged = self.value(v, depth + 1)?;
                let sources: Vec<Value> = match merged.kind {
                    ValueKind::Map(_) => vec![merged],
                    ValueKind::Seq(items) => items,
                    _ => vec![merged],
                };
                for source in sources {
                    let ValueKind::Map(src) = source.kind else {
                        let mut e = YamlError::new(
                            source.span.range(),
                            "`<<` merges a mapping or a list of mappings, and this is neither: Compose refuses the file",
                        );
                        e.related.push((site.range(), "the merge key".into()));
                        return Err(e);
                    };
                    for mut entry in src {
                        if explicit.contains(entry.key.as_str()) || !taken.insert(entry.key.clone()) {
                            continue;
                        }
                        entry.value.via.insert(0, Via { span: site, kind: ViaKind::MergeKey });
                        out.push(entry);
                    }
                }
                continue;
            }
            let key_node = &self.doc.nodes[k];
            // Only string keys mean something to Compose.
            let Some(key) = self.doc.scalar_text(k) else { continue };
            let value = self.value(v, depth + 1)?;
            taken.insert(key.to_string());
            out.push(Entry { key: key.to_string(), key_span: self.span(&key_node.span), value });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_at(text: &str, r: Range<usize>) -> &str {
        &text[r]
    }

    #[test]
    fn spans_are_bytes_and_exact() {
        let text = "\u{feff}a: \"x:1\"   # c\nb: 'it''s'  \nc: é\nd: |\n  line\n\ne: true\n";
        let doc = load(text);
        assert!(doc.errors.is_empty(), "{:?}", doc.errors);
        let v = doc.resolve(0).unwrap().unwrap();
        let at = |k: &str| text_at(text, v.get(k).unwrap().span.range()).to_string();
        assert_eq!(at("a"), "\"x:1\"");
        assert_eq!(at("b"), "'it''s'");
        assert_eq!(at("c"), "é");
        assert_eq!(at("d"), "line");
        assert_eq!(at("e"), "true");
        assert_eq!(text_at(text, v.entry("e").unwrap().key_span.range()), "e");
    }

    #[test]
    fn merge_keys_keep_both_sites() {
        let text = "x: &d\n  p: true\n  q: 1\ny: &e\n  q: 2\n  r: 3\ns:\n  <<: [*d, *e]\n  q: 9\n";
        let doc = load(text);
        let v = doc.resolve(0).unwrap().unwrap();
        let s = v.get("s").unwrap();
        let keys: Vec<&str> = s.as_map().unwrap().iter().map(|e| e.key.as_str()).collect();
        assert_eq!(keys, ["p", "r", "q"]);
        let p = s.get("p").unwrap();
        assert_eq!(&text[p.span.range()], "true");
        assert_eq!(&text[p.via[0].span.range()], "<<");
        assert_eq!(s.get("q").unwrap().as_str().unwrap().text, "9");
        // First list item wins over later ones.
        let text = "a: &a {k: 1}\nb: &b {k: 2}\nc: {<<: [*a, *b]}\n";
        let v = load(text).resolve(0).unwrap().unwrap();
        assert_eq!(v.get("c").unwrap().get("k").unwrap().as_str().unwrap().text, "1");
    }

    #[test]
    fn duplicates_are_kept_and_reported() {
        let text = "a: 1\nb: 2\na: 3\n";
        let doc = load(text);
        assert_eq!(doc.errors.len(), 1);
        assert_eq!(&text[doc.errors[0].span.clone()], "a");
        assert_eq!(doc.errors[0].span.start, 10);
        let v = doc.resolve(0).unwrap().unwrap();
        assert_eq!(v.get("a").unwrap().as_str().unwrap().text, "3");
    }

    #[test]
    fn alias_bomb_is_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let start = std::time::Instant::now();
        let doc = load(&text);
        assert!(doc.errors.is_empty());
        let err = doc.resolve(0).unwrap_err();
        assert_eq!(err.message, "alias expansion limit exceeded");
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn errors_never_panic() {
        for text in [
            "a:\n\tb: 1\n",
            "a: [1, 2\nb: 3\n",
            "a: *nope\n",
            "a: &x [*x]\n",
            "- a\n- b\n",
            "a: {{ x }}\n{% if y %}\nb: 1\n",
            "",
            "\u{feff}",
            "key: \"unterminated\n",
            &"[".repeat(10_000),
            &"- ".repeat(10_000),
        ] {
            let doc = load(text);
            let _ = doc.resolve(0);
        }
        assert!(!load("a:\n\tb: 1\n").errors.is_empty());
        assert!(!load(&"[".repeat(10_000)).errors.is_empty());
    }
}
