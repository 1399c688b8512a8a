//! The base protocol on stdio: `Content-Length` framed JSON-RPC.
//!
//! lsp-server's own reader ends the connection on the first body that is not
//! a JSON-RPC message; here such a body is answered (`-32700` parse error,
//! `-32600` invalid request) and reading goes on, so one bad message from a
//! client cannot take the server down.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message, RequestId};
use serde_json::Value;

/// A body larger than this is refused (and skipped): notes are at most 5 MB.
const MAX_BODY: usize = 64 * 1024 * 1024;

/// What the reader hands the server.
#[derive(Debug)]
pub(crate) enum Incoming {
    Message(Message),
    /// A body that is not a JSON-RPC message: answer `error` to `id` (`None`:
    /// `null`, when no id could be read).
    Malformed {
        id: Option<RequestId>,
        code: ErrorCode,
        why: String,
    },
}

/// Read one frame's body. `Ok(None)`: the stream ended (between frames or in
/// the middle of one). `Err`: a frame without a usable length, already skipped.
fn read_frame(r: &mut impl BufRead) -> io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        let header = line.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if length.is_none() {
                // Blank lines between frames are tolerated.
                continue;
            }
            break;
        }
        if let Some((name, value)) = header.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length =
                Some(value.trim().parse::<usize>().map_err(|e| format!("bad Content-Length `{value}`: {e}")));
        } else if length.is_none() && !header.contains(':') {
            length = Some(Err(format!("expected a `Content-Length` header, read `{header}`")));
        }
    }
    match length {
        Some(Ok(n)) if n <= MAX_BODY => {
            let mut body = vec![0; n];
            match r.read_exact(&mut body) {
                Ok(()) => Ok(Some(Ok(body))),
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Ok(None),
                Err(e) => Err(e),
            }
        }
        Some(Ok(n)) => {
            io::copy(&mut r.take(n as u64), &mut io::sink())?;
            Ok(Some(Err(format!("a message of {n} bytes is over the limit of {MAX_BODY}"))))
        }
        Some(Err(why)) => Ok(Some(Err(why))),
        None => Ok(None),
    }
}

fn request_id(v: &Value) -> Option<RequestId> {
    match v.get("id")? {
        Value::Number(n) => n.as_i64().and_then(|n| i32::try_from(n).ok()).map(RequestId::from),
        Value::String(s) => Some(RequestId::from(s.clone())),
        _ => None,
    }
}

/// A body as the server sees it.
pub(crate) fn decode(body: &[u8]) -> Option<Incoming> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => {
            return Some(Incoming::Malformed { id: None, code: ErrorCode::ParseError, why: e.to_string() });
        }
    };
    // Which of the three by its keys, not by trying each shape in turn: a
    // request with a bad `method` must not pass for a response.
    let id = request_id(&value);
    let invalid = |id, e: serde_json::Error| Incoming::Malformed {
        id,
        code: ErrorCode::InvalidRequest,
        why: format!("not a JSON-RPC request or notification: {e}"),
    };
    match (value.get("method").is_some(), value.get("id").is_some()) {
        (true, true) => match serde_json::from_value::<lsp_server::Request>(value) {
            Ok(r) => Some(Incoming::Message(Message::Request(r))),
            Err(e) => Some(invalid(id, e)),
        },
        (true, false) => match serde_json::from_value::<lsp_server::Notification>(value) {
            Ok(n) => Some(Incoming::Message(Message::Notification(n))),
            Err(e) => Some(invalid(None, e)),
        },
        // A response we cannot read: nothing to answer.
        (false, true) => serde_json::from_value(value).ok().map(|r| Incoming::Message(Message::Response(r))),
        (false, false) => Some(Incoming::Malformed {
            id: None,
            code: ErrorCode::InvalidRequest,
            why: "neither a `method` nor an `id`: not a JSON-RPC message".to_owned(),
        }),
    }
}

/// Read frames from `input` until it ends, sending what they hold to `tx`.
/// Returns when the input ends, fails, or the server stops listening.
pub(crate) fn read_loop(input: impl Read, tx: &std::sync::mpsc::Sender<Incoming>) {
    let mut r = io::BufReader::new(input);
    loop {
        let incoming = match read_frame(&mut r) {
            Ok(None) | Err(_) => return,
            Ok(Some(Ok(body))) => decode(&body),
            Ok(Some(Err(why))) => Some(Incoming::Malformed { id: None, code: ErrorCode::ParseError, why }),
        };
        if let Some(m) = incoming
            && tx.send(m).is_err()
        {
            return;
        }
    }
}

/// Write one message, framed.
pub(crate) fn write(out: &mut impl Write, msg: Message) -> io::Result<()> {
    msg.write(out)?;
    out.flush()
}

/// Write an error response to `id`, or to `null` when the request's id could
/// not be read (which `lsp_server::RequestId` cannot say).
pub(crate) fn write_error(
    out: &mut impl Write,
    id: Option<RequestId>,
    code: ErrorCode,
    why: &str,
) -> io::Result<()> {
    match id {
        Some(id) => {
            write(out, Message::Response(lsp_server::Response::new_err(id, code as i32, why.to_owned())))
        }
        None => {
            let body = serde_json::json!({
                "jsonrpc": "2.0",
                "id": null,
                "error": { "code": code as i32, "message": why },
            })
            .to_string();
            write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
            out.flush()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Incoming> {
        let (tx, rx) = std::sync::mpsc::channel();
        read_loop(input.as_bytes(), &tx);
        drop(tx);
        rx.into_iter().collect()
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_bodies_are_answered_and_reading_goes_on() {
        let input = [
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            frame(r#"{"jsonrpc":"2.0","id":8,"result":null}"#),
            "Content-Length: x\r\n\r\n".to_owned(),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        ]
        .concat();
        let got = frames(&input);
        assert!(
            matches!(&got[0], Incoming::Malformed { id: None, code: ErrorCode::ParseError, .. }),
            "{got:?}"
        );
        assert!(
            matches!(&got[1], Incoming::Malformed { id: Some(id), code: ErrorCode::InvalidRequest, .. } if *id == RequestId::from(7)),
            "{got:?}"
        );
        assert!(matches!(&got[2], Incoming::Message(Message::Response(_))), "{got:?}");
        assert!(matches!(&got[3], Incoming::Malformed { id: None, .. }), "{got:?}");
        assert!(matches!(&got[4], Incoming::Message(Message::Notification(n)) if n.method == "initialized"));
        assert_eq!(got.len(), 5);
    }

    #[test]
    fn a_stream_cut_in_a_frame_just_ends() {
        assert!(frames("Content-Length: 50\r\n\r\n{\"jsonrpc\"").is_empty());
        assert!(frames("Content-Len").is_empty());
    }

    #[test]
    fn an_error_to_no_id_names_null() {
        let mut out = Vec::new();
        write_error(&mut out, None, ErrorCode::ParseError, "bad").unwrap();
        let text = String::from_utf8(out).unwrap();
        let body = text.split("\r\n\r\n").nth(1).unwrap();
        let v: Value = serde_json::from_str(body).unwrap();
        assert_eq!(v["id"], Value::Null);
        assert_eq!(v["error"]["code"], -32700);
        assert!(text.starts_with(&format!("Content-Length: {}\r\n", body.len())));
    }
}
