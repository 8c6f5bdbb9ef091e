//! The base protocol: `Content-Length` framed JSON-RPC messages on stdio.
//!
//! A frame that cannot be read (a bad header, a body that is no JSON, no
//! JSON-RPC message) becomes the error response JSON-RPC prescribes, and
//! reading goes on with the next frame: one bad message from an editor
//! must not end the session.

use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};
use std::io::{self, BufRead, Read, Write};

/// The largest body read; a bigger one is skipped and answered with an
/// error (a spec is far smaller, and this bounds the memory a client can
/// make the server hold).
const MAX_BODY: usize = 64 << 20;

/// What one frame held.
pub enum Frame {
    /// A message.
    Message(Message),
    /// Not a message: the error response to send (`id` null when the
    /// request's id could not be read).
    Invalid(Value),
}

/// Reads the next frame; `None` at the end of the input.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let length = match header(input)? {
        None => return Ok(None),
        Some(Ok(n)) => n,
        Some(Err(why)) => return Ok(Some(invalid(Value::Null, ErrorCode::ParseError, &why))),
    };
    if length > MAX_BODY {
        io::copy(&mut input.take(length as u64), &mut io::sink())?;
        let why = format!("a message of {length} bytes is more than the {MAX_BODY} read");
        return Ok(Some(invalid(Value::Null, ErrorCode::InvalidRequest, &why)));
    }
    let mut body = vec![0; length];
    if let Err(e) = input.read_exact(&mut body) {
        return match e.kind() {
            io::ErrorKind::UnexpectedEof => Ok(None),
            _ => Err(e),
        };
    }
    Ok(Some(parse(&body)))
}

/// Reads a header: the body's length, or why the header is unusable
/// (after reading up to its blank line). `None` at the end of the input.
fn header(input: &mut impl BufRead) -> io::Result<Option<Result<usize, String>>> {
    let mut length: Option<Result<usize, String>> = None;
    let mut seen = false;
    loop {
        let mut line = Vec::new();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !seen {
                // Blank lines between frames are skipped.
                continue;
            }
            return Ok(Some(length.unwrap_or_else(|| {
                Err("the header has no Content-Length".to_string())
            })));
        }
        seen = true;
        // A field may follow the remains of an unreadable frame on its
        // line: look for it anywhere, so reading can catch up.
        let lower = line.to_ascii_lowercase();
        if let Some(at) = lower.find("content-length:") {
            let value = line[at + "content-length:".len()..].trim();
            length = Some(
                value
                    .parse()
                    .map_err(|_| format!("bad Content-Length `{value}`")),
            );
        } else if !line.contains(':') {
            length.get_or_insert_with(|| Err(format!("a header line without `:`: `{line}`")));
        }
    }
}

/// A body: a message, or the error response for one that is not.
fn parse(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return invalid(Value::Null, ErrorCode::ParseError, &e.to_string()),
    };
    // The id, when there is a usable one, so the client can match the error.
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    let shaped = value.is_object()
        && value.get("method").is_none_or(Value::is_string)
        && value.get("jsonrpc").and_then(Value::as_str) == Some("2.0");
    if !shaped {
        return invalid(id, ErrorCode::InvalidRequest, "not a JSON-RPC 2.0 message");
    }
    match serde_json::from_value::<Message>(value) {
        Ok(m) => Frame::Message(m),
        Err(e) => invalid(id, ErrorCode::InvalidRequest, &e.to_string()),
    }
}

fn invalid(id: Value, code: ErrorCode, message: &str) -> Frame {
    Frame::Invalid(json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    }))
}

/// Writes one message, framed, and flushes.
pub fn write(out: &mut impl Write, message: &Value) -> io::Result<()> {
    let body = serde_json::to_string(message)?;
    write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
    out.flush()
}

/// A message as JSON, with the `jsonrpc` field the protocol requires.
pub fn to_json(message: &Message) -> Value {
    let mut v = serde_json::to_value(message).unwrap_or(Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("jsonrpc".into(), "2.0".into());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<Result<String, (Value, i64)>> {
        let mut r = io::BufReader::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(f) = read(&mut r).unwrap() {
            out.push(match f {
                Frame::Message(m) => Ok(match m {
                    Message::Request(r) => r.method,
                    Message::Notification(n) => n.method,
                    Message::Response(r) => format!("response {}", r.id),
                }),
                Frame::Invalid(v) => Err((v["id"].clone(), v["error"]["code"].as_i64().unwrap())),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_on_after_bad_frames() {
        let ok = frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
        let input = [
            frame("{not json"),
            ok.clone(),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":3}"#),
            frame(r#"[1, 2]"#),
            // No length: the body that follows is read as a header line,
            // and the next frame's header is found after it.
            "Content-Type: x\r\n\r\n{}".to_string(),
            ok.clone(),
            "Content-Length: ten\r\n\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
        ]
        .concat();
        let got = frames(&input);
        let parse = -32700;
        let invalid = -32600;
        assert_eq!(
            got,
            vec![
                Err((Value::Null, parse)),
                Ok("shutdown".into()),
                Err((json!(7), invalid)),
                Err((Value::Null, invalid)),
                Err((Value::Null, parse)),
                Ok("shutdown".into()),
                Err((Value::Null, parse)),
                Ok("exit".into()),
            ]
        );
    }

    #[test]
    fn a_truncated_body_is_the_end() {
        assert!(frames("Content-Length: 99\r\n\r\n{}").is_empty());
    }
}
