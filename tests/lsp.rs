//! `preflight server` driven by a real client: the built binary, spoken to over stdio with
//! Content-Length-framed JSON-RPC. Every wait has a timeout, and a client that goes out of scope
//! kills its server, so a failing test can never hang.

mod support;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for something else.
    backlog: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_preflight"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, incoming) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            while let Some(message) = read_frame(&mut out) {
                if tx.send(message).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, incoming, backlog: Vec::new(), next_id: 0 }
    }

    /// A server initialised with `root` as its workspace folder.
    fn initialized(root: &Path, capabilities: Value) -> Client {
        let mut client = Client::start();
        let result = client.request(
            "initialize",
            json!({"capabilities": capabilities, "workspaceFolders": [{"uri": uri(root), "name": "ws"}]}),
        );
        assert!(result.get("result").is_some(), "{result}");
        client.notify("initialized", json!({}));
        client
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write to the server");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        self.raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait(&format!("the response to {method}"), |m| m["id"] == id && m.get("method").is_none())
    }

    /// The first message (read before or after) that satisfies `pred`.
    fn wait(&mut self, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.backlog.iter().position(&pred) {
            return self.backlog.remove(i);
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(m) if pred(&m) => return m,
                Ok(m) => self.backlog.push(m),
                Err(RecvTimeoutError::Timeout) => panic!("timed out waiting for {what}; read: {:#?}", self.backlog),
                Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output waiting for {what}"),
            }
        }
    }

    /// The next diagnostics published for `uri` that satisfy `pred` (earlier ones are dropped).
    fn diagnostics(&mut self, uri: &str, what: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        loop {
            let m = self.wait(what, |m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
            let list = m["params"]["diagnostics"].as_array().cloned().unwrap_or_default();
            if pred(&list) {
                return list;
            }
        }
    }

    fn open(&mut self, path: &Path, text: &str) {
        let params = json!({"textDocument": {"uri": uri(path), "languageId": "plaintext", "version": 1, "text": text}});
        self.notify("textDocument/didOpen", params);
    }

    fn change(&mut self, path: &Path, version: i64, text: &str) {
        let params =
            json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": [{"text": text}]});
        self.notify("textDocument/didChange", params);
    }

    /// `shutdown` then `exit`; the exit status.
    fn shut_down(mut self) -> i32 {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait for the server") {
                return status.code().expect("an exit code");
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_frame(out: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if out.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length: ") {
            length = v.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    out.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    let path = path.to_str().expect("a UTF-8 temp path");
    format!("file://{}", path.replace(' ', "%20"))
}

fn codes(list: &[Value]) -> Vec<&str> {
    list.iter().filter_map(|d| d["code"].as_str()).collect()
}

fn has(list: &[Value], code: &str) -> bool {
    codes(list).contains(&code)
}

/// A copy of the gaara-erp sample project in a temp folder (edits and configs stay there).
fn gaara() -> (tempfile::TempDir, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap().join("gaara-erp");
    copy(&support::repo().join("fixtures/projects/gaara-erp"), &root);
    (dir, root)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[test]
fn env_buffer_edits_republish_the_settings_module() {
    let (_dir, root) = gaara();
    let env = root.join(".envs/.production/.django");
    let base = root.join("gaara_erp/settings/base.py");
    let base_uri = uri(&base);
    let mut client = Client::initialized(&root, json!({}));

    // The workspace is linted on `initialized`: production leaves DJANGO_DEBUG unset, so the
    // default in base.py is on.
    let list = client.diagnostics(&base_uri, "DJ001 in base.py", |l| has(l, "DJ001"));
    let dj001 = list.iter().find(|d| d["code"] == "DJ001").unwrap().clone();
    assert_eq!(dj001["source"], "preflight");
    assert_eq!(dj001["severity"], 1, "{dj001}");
    let href = dj001["codeDescription"]["href"].as_str().unwrap();
    assert!(href.ends_with("/rules/DJ001-debug-enabled.md"), "{href}");
    assert_eq!(dj001["range"]["start"], json!({"line": 25, "character": 33}), "{dj001}");

    // Setting DJANGO_DEBUG=False in the unsaved env buffer clears base.py's DJ001; taking the
    // line out again brings it back.
    let disk = std::fs::read_to_string(&env).unwrap();
    client.open(&env, &disk);
    let mut latencies = Vec::new();
    for version in 2..8 {
        let debug_off = version % 2 == 0;
        let text = if debug_off { format!("{disk}DJANGO_DEBUG=False\n") } else { disk.clone() };
        let started = Instant::now();
        client.change(&env, version, &text);
        client.diagnostics(&base_uri, &format!("DJ001 on: {}", !debug_off), |l| has(l, "DJ001") != debug_off);
        latencies.push(started.elapsed());
    }
    eprintln!("didChange → publishDiagnostics (gaara-erp): median {:?} of {latencies:?}", median(latencies.clone()));

    // DJANGO_DEBUG=True: the finding moves to the env line, its related information pointing
    // into other files (the settings module, the compose file that feeds the env file).
    let env_uri = uri(&env);
    client.change(&env, 8, &format!("{disk}DJANGO_DEBUG=True\n"));
    let list = client.diagnostics(&env_uri, "DJ001 on the env line", |l| has(l, "DJ001"));
    let on_env = list.iter().find(|d| d["code"] == "DJ001").unwrap();
    let related = on_env["relatedInformation"].as_array().cloned().unwrap_or_default();
    assert!(related.iter().any(|r| r["location"]["uri"] != env_uri.as_str()), "related in another file: {on_env}");
    client.diagnostics(&base_uri, "DJ001 gone from base.py", |l| !has(l, "DJ001"));

    // Closing the buffer reverts to the file on disk (DEBUG unset: on in base.py again), and
    // clears the env file's finding.
    client.notify("textDocument/didClose", json!({"textDocument": {"uri": uri(&env)}}));
    client.diagnostics(&env_uri, "the env file's DJ001 cleared", |l| !has(l, "DJ001"));
    let list = client.diagnostics(&base_uri, "DJ001 back after close", |l| has(l, "DJ001"));
    let dj001 = list.iter().find(|d| d["code"] == "DJ001").unwrap().clone();

    // Hover on it shows the rule's doc.
    let hover = client
        .request("textDocument/hover", json!({"textDocument": {"uri": base_uri}, "position": dj001["range"]["start"]}));
    let markdown = hover["result"]["contents"]["value"].as_str().unwrap_or_default();
    assert!(markdown.contains("DJ001") && markdown.contains("debug-enabled"), "{hover}");
    let doc = preflight::registry::doc(preflight::registry::by_code("DJ001")).unwrap();
    assert!(markdown.contains(doc.trim()), "the embedded doc is shown");

    // The code actions suppress it on the line (a comment above) or in the file.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": base_uri}, "range": dj001["range"], "context": {"diagnostics": [dj001]}}),
    );
    let actions = actions["result"].as_array().cloned().expect("a list of actions");
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert!(titles.contains(&"Suppress DJ001 on this line"), "{titles:?}");
    assert!(titles.contains(&"Suppress DJ001 in this file"), "{titles:?}");
    let line = actions.iter().find(|a| a["title"] == "Suppress DJ001 on this line").unwrap();
    assert_eq!(line["kind"], "quickfix");
    let edit = &line["edit"]["changes"][base_uri.as_str()][0];
    assert_eq!(edit["range"]["start"], json!({"line": 25, "character": 0}), "{edit}");
    assert_eq!(edit["newText"], "# preflight: ignore[DJ001]\n");

    // Applying it (in the buffer) silences DJ001.
    let text = std::fs::read_to_string(&base).unwrap();
    let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
    lines.insert(25, "# preflight: ignore[DJ001]\n");
    client.open(&base, &lines.concat());
    client.diagnostics(&base_uri, "DJ001 suppressed", |l| !has(l, "DJ001"));

    assert_eq!(client.shut_down(), 0);
}

#[test]
fn config_saves_relint_and_unused_suppressions_are_tagged() {
    let dir = support::tree(&[
        (".env.production", "# preflight: ignore[ENV003]\nA=1\nA=2\nNAME=caf\u{e9} x\n"),
        ("manage.py", ""),
    ]);
    let root = dir.path().canonicalize().unwrap();
    let env_uri = uri(&root.join(".env.production"));
    let capabilities = json!({
        "general": {"positionEncodings": ["utf-8", "utf-16"]},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}},
    });
    let mut client = Client::initialized(&root, capabilities);
    let register = client.wait("the watcher registration", |m| m["method"] == "client/registerCapability");
    let watchers = &register["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(watchers.as_array().unwrap().iter().any(|w| w["globPattern"] == "**/preflight.toml"), "{register}");
    client.send(json!({"jsonrpc": "2.0", "id": register["id"], "result": null}));
    let list = client.diagnostics(&env_uri, "ENV002 and PF003", |l| has(l, "ENV002") && has(l, "PF003"));
    let pf003 = list.iter().find(|d| d["code"] == "PF003").unwrap();
    assert_eq!(pf003["tags"], json!([1]), "{pf003}");

    std::fs::write(root.join("preflight.toml"), "ignore = [\"ENV002\"]\n").unwrap();
    client.notify("textDocument/didSave", json!({"textDocument": {"uri": uri(&root.join("preflight.toml"))}}));
    client.diagnostics(&env_uri, "ENV002 ignored by the new config", |l| !has(l, "ENV002"));

    std::fs::write(root.join("preflight.toml"), "ignore = [\"ENV002\", \"PF003\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&root.join("preflight.toml")), "type": 2}]}),
    );
    // No finding left: the URI is published with an empty list.
    client.diagnostics(&env_uri, "an empty list", |l| l.is_empty());
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn malformed_and_out_of_order_messages_do_not_crash_it() {
    let dir = support::tree(&[(".env.production", "A=1\n"), ("notes.txt", "hello\n"), ("manage.py", "")]);
    let root = dir.path().canonicalize().unwrap();
    let mut client = Client::start();

    // Garbage, a frame that is not JSON, a frame that is not JSON-RPC.
    client.raw(b"\x00\xffthis is not LSP\r\n\r\n");
    client.raw(b"Content-Length: 9\r\n\r\n{not json");
    client.send(json!({"jsonrpc": "2.0", "id": "odd", "method": 42}));
    let odd = client.wait("an error for the odd request", |m| m["id"] == "odd");
    assert_eq!(odd["error"]["code"], -32600, "{odd}");

    // A request before initialize is refused; notifications are dropped.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.notify("textDocument/didOpen", json!({"garbage": true}));

    let init = client
        .request("initialize", json!({"capabilities": {}, "workspaceFolders": [{"uri": uri(&root), "name": "ws"}]}));
    assert_eq!(init["result"]["capabilities"]["positionEncoding"], "utf-16", "{init}");
    client.notify("initialized", json!({}));

    // A change to a document never opened, params of the wrong shape, an unknown method.
    client.change(&root.join("settings.py"), 2, "DEBUG = True\n");
    client.notify("textDocument/didChange", json!({"textDocument": 3}));
    let unknown = client.request("preflight/unknown", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = client.request("textDocument/hover", json!({"position": "here"}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");

    // A file of no kind Preflight reads, and a huge buffer (over the size limit: PF001).
    client.open(&root.join("notes.txt"), "hello\nworld\n");
    let huge = "A=1\n".repeat(3 * 1024 * 1024);
    client.open(&root.join(".env.production"), &huge);
    let env_uri = uri(&root.join(".env.production"));
    let list = client.diagnostics(&env_uri, "PF001 for the huge buffer", |l| has(l, "PF001"));
    assert!(list[0]["message"].as_str().unwrap().contains("MB limit"), "{list:?}");

    // It still answers, then exits cleanly.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&root.join("notes.txt"))}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");
    assert_eq!(client.shut_down(), 0);
}

#[test]
fn exit_without_shutdown_is_an_error_exit() {
    let mut client = Client::start();
    client.notify("exit", Value::Null);
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = client.child.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(1));
}
