//! JSON-RPC over stdio with `Content-Length` framing, written to survive a hostile or broken
//! client: no header, body or line may make the server allocate without bound, and a message
//! that cannot be read is answered with an error (`id: null` when its id is unknown) while the
//! server goes on reading the next one.
//!
//! - A body larger than [`MAX_MESSAGE`] is refused with `InvalidRequest` and skipped without
//!   being stored.
//! - A header block that gives no usable `Content-Length` (missing, not a number, a line longer
//!   than [`MAX_HEADER_LINE`]) is answered with `ParseError`; the reader then looks for the next
//!   `Content-Length:` in the stream. (A raw line break cannot occur inside a JSON string, so
//!   that search does not stop inside a well-formed body.)
//! - A body that is not JSON gets `ParseError`; JSON that is not a JSON-RPC message gets
//!   `InvalidRequest`, with the message's id when it has one.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use serde_json::{json, Value};

/// The largest message body read (bytes). Documents are linted up to
/// [`crate::DEFAULT_MAX_FILE_SIZE`]; JSON escaping can make their text several times longer.
pub const MAX_MESSAGE: u64 = 64 * 1024 * 1024;
/// The longest header line read (bytes).
pub const MAX_HEADER_LINE: usize = 8 * 1024;
/// The most header lines in one message.
const MAX_HEADER_LINES: usize = 64;

const CONTENT_LENGTH: &[u8] = b"content-length:";

/// What the reader got from the stream.
#[derive(Debug)]
pub enum Frame {
    Message(Message),
    /// Something that is not a message; `reply` is the error to send back.
    Invalid {
        reply: Value,
        reason: String,
    },
}

/// A reader of framed messages that keeps its place in the stream across bad input.
pub struct MessageReader<R> {
    input: R,
    /// The last header block was unusable: skip to the next `Content-Length:` first.
    resync: bool,
    /// The body of a refused message, still to be skipped.
    skip: u64,
}

impl<R: BufRead> MessageReader<R> {
    pub fn new(input: R) -> MessageReader<R> {
        MessageReader {
            input,
            resync: false,
            skip: 0,
        }
    }

    /// The next message, or what was wrong with it; `Ok(None)` at the end of the input.
    /// `Err` only for an I/O error of the input itself.
    pub fn read(&mut self) -> io::Result<Option<Frame>> {
        if self.skip > 0 {
            // Skip the refused body without storing it; a body cut short by the end of the
            // input ends the stream.
            let length = std::mem::take(&mut self.skip);
            if io::copy(&mut (&mut self.input).take(length), &mut io::sink())? < length {
                return Ok(None);
            }
        }
        let first_line = if self.resync {
            self.resync = false;
            // The header name was consumed by the search: the line holds its value.
            match skip_to_content_length(&mut self.input)? {
                true => Some(String::from("Content-Length:")),
                false => return Ok(None),
            }
        } else {
            None
        };
        let length = match read_headers(&mut self.input, first_line)? {
            Headers::End => return Ok(None),
            Headers::Bad(reason) => {
                self.resync = true;
                return Ok(Some(invalid(
                    Value::Null,
                    ErrorCode::ParseError,
                    format!("cannot read the message header: {reason}"),
                )));
            }
            Headers::Length(length) => length,
        };
        if length > MAX_MESSAGE {
            // Answered at once; the body is skipped before the next message is read.
            self.skip = length;
            return Ok(Some(invalid(
                Value::Null,
                ErrorCode::InvalidRequest,
                format!(
                    "a message of {length} bytes is larger than the limit of {MAX_MESSAGE} bytes; \
                     it was skipped"
                ),
            )));
        }
        let mut body = Vec::new();
        // `length` fits in memory: it is at most MAX_MESSAGE.
        (&mut self.input).take(length).read_to_end(&mut body)?;
        if (body.len() as u64) < length {
            return Ok(None);
        }
        Ok(Some(parse_body(&body)))
    }
}

/// Classifies a message body.
pub fn parse_body(body: &[u8]) -> Frame {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return invalid(
                Value::Null,
                ErrorCode::ParseError,
                format!("the message is not valid JSON: {e}"),
            )
        }
    };
    let Some(object) = value.as_object() else {
        return invalid(
            Value::Null,
            ErrorCode::InvalidRequest,
            "a message must be a JSON object (batches are not supported)".into(),
        );
    };
    // The id as the client sent it, to echo in an error if it is not one we accept.
    let raw_id = object
        .get("id")
        .filter(|id| id.is_string() || id.is_number())
        .cloned()
        .unwrap_or(Value::Null);
    let has_method = object.contains_key("method");
    let parsed = if has_method && object.contains_key("id") {
        serde_json::from_value::<Request>(value).map(Message::Request)
    } else if has_method {
        serde_json::from_value::<Notification>(value).map(Message::Notification)
    } else {
        serde_json::from_value::<Response>(value).map(Message::Response)
    };
    match parsed {
        Ok(message) => Frame::Message(message),
        Err(e) => invalid(
            raw_id,
            ErrorCode::InvalidRequest,
            format!("not a valid JSON-RPC message: {e}"),
        ),
    }
}

fn invalid(id: Value, code: ErrorCode, message: String) -> Frame {
    Frame::Invalid {
        reply: json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code as i32, "message": message },
        }),
        reason: message,
    }
}

enum Headers {
    /// The input ended before a header started.
    End,
    Bad(String),
    Length(u64),
}

/// Reads header lines up to the empty line. `first` is the start of the first line when the
/// caller has already consumed it.
fn read_headers(input: &mut impl BufRead, mut first: Option<String>) -> io::Result<Headers> {
    let mut length = None;
    let mut problem = None;
    let mut lines = 0;
    loop {
        let mut line = Vec::new();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        let start = first.take();
        if n == 0 && start.is_none() {
            return Ok(if lines == 0 && problem.is_none() {
                Headers::End
            } else {
                Headers::Bad("the input ended inside the header".into())
            });
        }
        if line.last() != Some(&b'\n') {
            if n == 0 || line.len() <= MAX_HEADER_LINE {
                // The input ended in the middle of a line.
                return Ok(Headers::Bad("the input ended inside the header".into()));
            }
            // Too long: report it once the rest of the header is read.
            problem.get_or_insert_with(|| {
                format!("a header line is longer than {MAX_HEADER_LINE} bytes")
            });
            skip_line(input)?;
            lines += 1;
            continue;
        }
        lines += 1;
        let text = String::from_utf8_lossy(&line);
        let text = match &start {
            Some(start) => format!("{start}{text}"),
            None => text.into_owned(),
        };
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if lines == 1 {
                // Stray blank lines between messages are tolerated.
                lines = 0;
                continue;
            }
            break;
        }
        if lines > MAX_HEADER_LINES {
            problem.get_or_insert_with(|| format!("more than {MAX_HEADER_LINES} header lines"));
            continue;
        }
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse::<u64>() {
                    Ok(n) => length = Some(n),
                    Err(_) => {
                        problem.get_or_insert_with(|| {
                            format!("Content-Length `{}` is not a number", clip(value.trim()))
                        });
                    }
                }
            }
            Some(_) => {}
            None => {
                problem.get_or_insert_with(|| format!("`{}` is not a header", clip(text)));
            }
        }
    }
    Ok(match (problem, length) {
        (Some(problem), _) => Headers::Bad(problem),
        (None, Some(length)) => Headers::Length(length),
        (None, None) => Headers::Bad("no Content-Length header".into()),
    })
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Consumes input up to and including the next line break (or the end).
fn skip_line(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(());
        }
        match memchr::memchr(b'\n', buffer) {
            Some(i) => {
                input.consume(i + 1);
                return Ok(());
            }
            None => {
                let n = buffer.len();
                input.consume(n);
            }
        }
    }
}

/// Consumes input up to and including the next `Content-Length:` (any case). `false` at the
/// end of the input.
fn skip_to_content_length(input: &mut impl BufRead) -> io::Result<bool> {
    // The pattern has no proper prefix that is also a suffix, so on a mismatch the search
    // restarts at the current byte.
    let mut matched = 0;
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(false);
        }
        let mut used = 0;
        for &b in buffer {
            used += 1;
            let b = b.to_ascii_lowercase();
            if b == CONTENT_LENGTH[matched] {
                matched += 1;
            } else {
                matched = usize::from(b == CONTENT_LENGTH[0]);
            }
            if matched == CONTENT_LENGTH.len() {
                input.consume(used);
                return Ok(true);
            }
        }
        input.consume(used);
    }
}

/// What the server sends: a message, or a raw JSON-RPC object (an error with `id: null`).
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    Raw(Value),
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Outgoing {
        Outgoing::Message(message)
    }
}

fn write_frame(out: &mut impl Write, message: &Outgoing) -> io::Result<()> {
    let body = match message {
        Outgoing::Message(message) => {
            let mut value = serde_json::to_value(message)?;
            if let Some(object) = value.as_object_mut() {
                object.insert("jsonrpc".into(), "2.0".into());
            }
            serde_json::to_vec(&value)?
        }
        Outgoing::Raw(value) => serde_json::to_vec(value)?,
    };
    write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
    out.write_all(&body)?;
    out.flush()
}

/// The two ends of the connection and the threads that serve them.
pub struct Transport {
    pub sender: Sender<Outgoing>,
    pub receiver: Receiver<Message>,
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Transport {
    /// Reads stdin and writes stdout on two threads. The reader answers unreadable messages
    /// itself (through the writer) and stops after `exit` or at the end of the input.
    pub fn stdio() -> io::Result<Transport> {
        let (sender, outgoing) = crossbeam_channel::unbounded::<Outgoing>();
        let (incoming, receiver) = crossbeam_channel::bounded::<Message>(0);
        let writer = thread::Builder::new()
            .name("ctxlint-lsp-writer".into())
            .spawn(move || {
                let stdout = io::stdout();
                let mut stdout = stdout.lock();
                for message in outgoing {
                    write_frame(&mut stdout, &message)?;
                }
                Ok(())
            })?;
        let replies = sender.clone();
        let reader = thread::Builder::new()
            .name("ctxlint-lsp-reader".into())
            .spawn(move || {
                let stdin = io::stdin();
                let mut reader = MessageReader::new(stdin.lock());
                loop {
                    match reader.read() {
                        Ok(Some(Frame::Message(message))) => {
                            let exit =
                                matches!(&message, Message::Notification(n) if n.method == "exit");
                            if incoming.send(message).is_err() || exit {
                                return;
                            }
                        }
                        Ok(Some(Frame::Invalid { reply, reason })) => {
                            eprintln!("ctxlint server: {reason}");
                            if replies.send(Outgoing::Raw(reply)).is_err() {
                                return;
                            }
                        }
                        Ok(None) => return,
                        Err(e) => {
                            eprintln!("ctxlint server: cannot read the input: {e}");
                            return;
                        }
                    }
                }
            })?;
        Ok(Transport {
            sender,
            receiver,
            reader,
            writer,
        })
    }

    /// Waits for the writer to flush what was sent (the sender must be dropped first: the
    /// caller gives its clones back by dropping them) and for the reader to stop.
    pub fn join(self) -> io::Result<()> {
        drop(self.sender);
        drop(self.receiver);
        let written = self
            .writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")));
        // The reader stops at `exit` or at the end of the input; it may still be blocked on
        // stdin, so it is not joined unless it has finished.
        if self.reader.is_finished() {
            let _ = self.reader.join();
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(input: &[u8]) -> Vec<Result<String, Value>> {
        let mut reader = MessageReader::new(input);
        let mut out = Vec::new();
        while let Some(read) = reader.read().unwrap() {
            out.push(match read {
                Frame::Message(Message::Request(r)) => Ok(r.method),
                Frame::Message(Message::Notification(n)) => Ok(n.method),
                Frame::Message(Message::Response(r)) => Ok(format!("response {}", r.id)),
                Frame::Invalid { reply, .. } => Err(reply),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    const PING: &str = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;

    #[test]
    fn well_formed_messages_are_read_in_order() {
        let input = frame(PING) + &frame(r#"{"jsonrpc":"2.0","method":"note"}"#);
        assert_eq!(
            read_all(input.as_bytes()),
            [Ok("ping".into()), Ok("note".into())]
        );
        // Other headers, any case, and LF-only line ends are accepted.
        let input = format!(
            "content-type: application/vscode-jsonrpc\ncontent-length: {}\n\n{PING}",
            PING.len()
        );
        assert_eq!(read_all(input.as_bytes()), [Ok("ping".into())]);
    }

    #[test]
    fn malformed_json_is_a_parse_error_and_reading_goes_on() {
        let input = frame("{not json") + &frame(PING);
        let read = read_all(input.as_bytes());
        assert_eq!(read.len(), 2);
        let error = read[0].clone().unwrap_err();
        assert_eq!(error["error"]["code"], -32700);
        assert_eq!(error["id"], Value::Null);
        assert_eq!(read[1], Ok("ping".into()));
    }

    #[test]
    fn json_that_is_no_message_is_an_invalid_request_with_its_id() {
        let input =
            frame(r#"{"jsonrpc":"2.0","id":7,"method":42}"#) + &frame("[1,2]") + &frame(PING);
        let read = read_all(input.as_bytes());
        assert_eq!(read[0].clone().unwrap_err()["id"], 7);
        assert_eq!(read[0].clone().unwrap_err()["error"]["code"], -32600);
        assert_eq!(read[1].clone().unwrap_err()["id"], Value::Null);
        assert_eq!(read[2], Ok("ping".into()));
    }

    #[test]
    fn a_non_numeric_length_is_a_parse_error_then_the_next_message_is_found() {
        let input = format!("Content-Length: abc\r\n\r\n{{\"x\": 1}}{}", frame(PING));
        let read = read_all(input.as_bytes());
        assert_eq!(read.len(), 2, "{read:?}");
        assert_eq!(read[0].clone().unwrap_err()["error"]["code"], -32700);
        assert_eq!(read[1], Ok("ping".into()));
        // No length at all.
        let input = format!("Content-Type: x\r\n\r\n{PING}{}", frame(PING));
        let read = read_all(input.as_bytes());
        assert_eq!(read.len(), 2, "{read:?}");
        assert!(read[0].is_err() && read[1].is_ok());
    }

    #[test]
    fn an_oversized_message_is_refused_without_being_stored() {
        let length = MAX_MESSAGE + 1;
        let mut input = format!("Content-Length: {length}\r\n\r\n").into_bytes();
        input.resize(input.len() + length as usize, b' ');
        input.extend(frame(PING).bytes());
        let read = read_all(&input);
        assert_eq!(read.len(), 2);
        let error = read[0].clone().unwrap_err();
        assert_eq!(error["error"]["code"], -32600);
        assert!(error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("larger than"));
        assert_eq!(read[1], Ok("ping".into()));
        // A length far beyond the input: refused at once, then the input ends.
        let input = b"Content-Length: 99999999999999\r\n\r\n{}".to_vec();
        let read = read_all(&input);
        assert_eq!(read.len(), 1);
        assert_eq!(read[0].clone().unwrap_err()["error"]["code"], -32600);
    }

    #[test]
    fn endless_header_lines_are_cut() {
        let mut input = b"Content-Length: 2\r\nX-Junk: ".to_vec();
        input.resize(input.len() + 3 * MAX_HEADER_LINE, b'a');
        input.extend(b"\r\n\r\n{}");
        input.extend(frame(PING).bytes());
        let read = read_all(&input);
        assert_eq!(read.len(), 2, "{read:?}");
        assert!(read[0].clone().unwrap_err()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("longer than"));
        assert_eq!(read[1], Ok("ping".into()));
    }

    #[test]
    fn a_truncated_stream_just_ends() {
        for input in [&b"Content-Len"[..], b"Content-Length: 10\r\n\r\n{}", b""] {
            let read = read_all(input);
            assert!(read.iter().all(Result::is_err), "{read:?}");
        }
    }

    #[test]
    fn frames_carry_the_jsonrpc_version() {
        let mut out = Vec::new();
        let message = Message::Notification(Notification::new("n".into(), json!({"a": 1})));
        write_frame(&mut out, &Outgoing::Message(message)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let (header, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let value: Value = serde_json::from_str(body).unwrap();
        assert_eq!(value["jsonrpc"], "2.0");
        assert_eq!(value["method"], "n");
    }
}
