//! Stdio framing that survives a misbehaving client.
//!
//! `lsp-server`'s own stdio transport ends the connection at the first frame it cannot parse. An
//! editor plugin with a bug, or bytes that are not LSP at all, must not take the server down, so
//! the reader here resynchronises instead: a header line that is not `Name: value` is skipped
//! until the next `Content-Length`, a frame whose body is not a JSON-RPC message is reported
//! ([`Incoming::Malformed`], with the request id when one can be read) and skipped. Messages are
//! `lsp-server`'s, and so is the writing side ([`Message::write`]).

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{Receiver, Sender};

use lsp_server::{Message, RequestId};

/// The longest header line read as one (longer lines are garbage, read in pieces).
const MAX_HEADER_LINE: u64 = 8 * 1024;
/// The largest body held in memory; a larger frame is skipped unread.
const MAX_BODY: usize = 256 * 1024 * 1024;

/// What the reader hands the server.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that is not a JSON-RPC message; `id` when it is a request whose id could be read.
    Malformed {
        id: Option<RequestId>,
        error: String,
    },
}

/// Reads frames from `input` on a thread until end of input, sending each to the returned
/// receiver.
pub fn spawn_reader(input: impl Read + Send + 'static) -> Receiver<Incoming> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("preflight-lsp-reader".into())
        .spawn(move || read_all(io::BufReader::new(input), &tx))
        .expect("spawn the reader thread");
    rx
}

fn read_all(mut input: impl BufRead, tx: &Sender<Incoming>) {
    while let Ok(Some(body)) = read_frame(&mut input) {
        if tx.send(decode(&body)).is_err() {
            return;
        }
    }
}

fn decode(body: &[u8]) -> Incoming {
    match serde_json::from_slice::<Message>(body) {
        Ok(message) => Incoming::Message(message),
        Err(e) => {
            let id = serde_json::from_slice::<serde_json::Value>(body).ok().and_then(|v| {
                v.get("method").is_some().then(|| serde_json::from_value(v["id"].clone()).ok()).flatten()
            });
            Incoming::Malformed { id, error: format!("not a JSON-RPC message: {e}") }
        }
    }
}

/// The next frame's body; None at end of input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut length: Option<usize> = None;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.by_ref().take(MAX_HEADER_LINE).read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            match length.take() {
                Some(len) if len > MAX_BODY => skip(input, len)?,
                Some(len) => return read_body(input, len),
                None => {}
            }
        } else {
            length = content_length(text).or(length.filter(|_| is_header(text)));
        }
    }
}

/// The value of a `Content-Length` header, found even behind garbage on the same line.
fn content_length(line: &str) -> Option<usize> {
    let lower = line.to_ascii_lowercase();
    let at = lower.rfind("content-length:")?;
    line[at + "content-length:".len()..].trim().parse().ok()
}

/// A `Name: value` header line (`Content-Type`); anything else is garbage and resets the frame.
fn is_header(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(name, _)| !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

fn read_body(input: &mut impl BufRead, len: usize) -> io::Result<Option<Vec<u8>>> {
    let mut body = vec![0; len];
    match input.read_exact(&mut body) {
        Ok(()) => Ok(Some(body)),
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
        Err(e) => Err(e),
    }
}

fn skip(input: &mut impl BufRead, len: usize) -> io::Result<()> {
    io::copy(&mut input.by_ref().take(len as u64), &mut io::sink()).map(|_| ())
}

/// Writes one message, framed, and flushes.
pub fn write(out: &mut impl Write, message: &Message) -> io::Result<()> {
    message.write(out)?;
    out.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    fn read(input: &str) -> Vec<Incoming> {
        let (tx, rx) = std::sync::mpsc::channel();
        read_all(io::Cursor::new(input.as_bytes().to_vec()), &tx);
        drop(tx);
        rx.into_iter().collect()
    }

    #[test]
    fn garbage_between_frames_is_skipped() {
        let ok = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = format!(
            "garbage\r\n\r\n{}{}\x00\x01 more garbage Content-Length: {}\r\nContent-Type: x\r\n\r\n{ok}",
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":3}"#),
            ok.len()
        );
        let got = read(&input);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(matches!(&got[0], Incoming::Malformed { id: None, .. }));
        assert!(matches!(&got[1], Incoming::Malformed { id: Some(id), .. } if *id == RequestId::from(7)));
        assert!(matches!(&got[2], Incoming::Message(Message::Request(r)) if r.method == "shutdown"));
    }

    #[test]
    fn a_truncated_frame_ends_the_input() {
        assert!(read("Content-Length: 50\r\n\r\n{}").is_empty());
    }
}
