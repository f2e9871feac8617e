//! Python parsing with tree-sitter: one parser per thread, syntax errors collected as values.

use std::cell::RefCell;
use std::ops::Range;
use std::sync::Arc;

use tree_sitter::{Language, Node, Parser, Tree};

/// A syntax error found by tree-sitter: an ERROR node (text it could not parse) or a MISSING node
/// (a token it had to invent, e.g. a closing bracket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte range of the error node (a MISSING node is empty: it sits where the token should be).
    pub range: Range<usize>,
    /// True for a MISSING node.
    pub missing: bool,
    pub message: String,
}

/// A parsed Python file.
pub struct ParsedPython {
    pub text: Arc<str>,
    pub tree: Tree,
    pub syntax_errors: Vec<SyntaxError>,
}

impl std::fmt::Debug for ParsedPython {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParsedPython")
            .field("len", &self.text.len())
            .field("syntax_errors", &self.syntax_errors)
            .finish()
    }
}

impl ParsedPython {
    pub fn root(&self) -> Node<'_> {
        self.tree.root_node()
    }

    /// The source text of a node.
    pub fn text_of(&self, node: Node<'_>) -> &str {
        self.text.get(node.byte_range()).unwrap_or("")
    }
}

/// The tree-sitter Python grammar.
pub fn language() -> Language {
    tree_sitter_python::LANGUAGE.into()
}

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parses Python source. Never fails: tree-sitter recovers from errors, and they are listed in
/// [`ParsedPython::syntax_errors`].
pub fn parse(text: Arc<str>) -> ParsedPython {
    let tree = PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&language()).expect("tree-sitter-python ABI is supported by the runtime");
            p
        });
        parser.parse(text.as_bytes(), None)
    });
    let tree = tree.unwrap_or_else(|| {
        // Only possible after a timeout or cancellation, which are never set: parse an empty module.
        let mut p = Parser::new();
        p.set_language(&language()).expect("tree-sitter-python ABI is supported by the runtime");
        p.parse("", None).expect("empty input parses")
    });
    let syntax_errors = if tree.root_node().has_error() { collect_errors(&tree, &text) } else { Vec::new() };
    ParsedPython { text, tree, syntax_errors }
}

/// Every ERROR and MISSING node, outermost first, in source order (iterative: deep trees are fine).
fn collect_errors(tree: &Tree, text: &str) -> Vec<SyntaxError> {
    let mut out = Vec::new();
    let mut cursor = tree.walk();
    'walk: loop {
        let node = cursor.node();
        let mut descend = node.has_error();
        if node.is_missing() {
            out.push(SyntaxError {
                range: node.start_byte()..node.start_byte(),
                missing: true,
                message: format!("expected `{}`", node.kind()),
            });
            descend = false;
        } else if node.is_error() {
            let snippet: String = text.get(node.byte_range()).unwrap_or("").chars().take(30).collect();
            let snippet = snippet.lines().next().unwrap_or("").trim().to_string();
            let message = if snippet.is_empty() {
                "invalid syntax".to_string()
            } else {
                format!("invalid syntax near `{snippet}`")
            };
            out.push(SyntaxError { range: node.byte_range(), missing: false, message });
            descend = false;
        }
        if descend && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                continue 'walk;
            }
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grammar_abi_is_accepted_by_the_runtime() {
        let abi = language().abi_version();
        assert_eq!(abi, 15);
        assert!(abi <= tree_sitter::LANGUAGE_VERSION);
        assert!(abi >= tree_sitter::MIN_COMPATIBLE_LANGUAGE_VERSION);
    }

    #[test]
    fn parses_and_reports_errors() {
        let ok = parse(Arc::from("DEBUG = False\n"));
        assert!(ok.syntax_errors.is_empty());
        assert_eq!(ok.root().kind(), "module");

        let bad = parse(Arc::from("DEBUG = (\nSECRET_KEY = 'x'\nA = 1 +* 2\n"));
        assert!(!bad.syntax_errors.is_empty(), "{:?}", bad.syntax_errors);
    }

    #[test]
    fn missing_token_is_an_empty_range() {
        let bad = parse(Arc::from("X = [1, 2\n"));
        assert!(!bad.syntax_errors.is_empty());
    }

    #[test]
    fn one_parser_per_thread_is_reused() {
        for i in 0..3 {
            let p = parse(Arc::from(format!("X = {i}\n")));
            assert!(p.syntax_errors.is_empty());
        }
        std::thread::spawn(|| assert!(parse(Arc::from("Y = 1\n")).syntax_errors.is_empty())).join().unwrap();
    }
}
