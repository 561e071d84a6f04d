//! RESP2, the Redis wire format, and a connection that speaks it.

use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;

use super::{RedisError, RedisUrl};

/// Largest bulk string accepted from Redis; a bigger one is a protocol error.
const MAX_BULK: usize = 16 << 20;
/// Largest header, simple string or error line accepted from Redis.
const MAX_LINE: u64 = 64 << 10;
/// Largest array length and nesting accepted from Redis.
const MAX_ARRAY: usize = 1 << 20;
const MAX_DEPTH: usize = 8;

/// One reply from Redis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Value {
    Simple(String),
    Error(String),
    Int(i64),
    Bulk(Vec<u8>),
    /// The null bulk string or the null array.
    Nil,
    Array(Vec<Value>),
}

/// A command as RESP2 sends it: an array of bulk strings.
pub(super) fn command(args: &[&[u8]]) -> Vec<u8> {
    let size: usize = args.iter().map(|a| a.len() + 16).sum();
    let mut out = Vec::with_capacity(size + 16);
    out.extend_from_slice(format!("*{}\r\n", args.len()).as_bytes());
    for arg in args {
        out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
        out.extend_from_slice(arg);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// What one header line announces.
enum Head {
    Value(Value),
    Array(usize),
}

/// Reads one complete reply, however the bytes were split into packets.
/// Arrays are filled with an explicit stack, so no async recursion is needed.
pub(super) async fn read_value<R: AsyncBufRead + Unpin>(
    reader: &mut R,
) -> Result<Value, RedisError> {
    // Arrays being filled, each with how many items it still expects.
    let mut open: Vec<(Vec<Value>, usize)> = Vec::new();
    loop {
        let mut value = match read_head(reader).await? {
            Head::Value(value) => value,
            Head::Array(0) => Value::Array(Vec::new()),
            Head::Array(len) => {
                if open.len() >= MAX_DEPTH {
                    return Err(RedisError::Protocol("arrays nested too deeply".into()));
                }
                open.push((Vec::with_capacity(len.min(64)), len));
                continue;
            }
        };
        // Put the value in its array; a full array becomes a value in turn.
        loop {
            let Some((items, left)) = open.last_mut() else {
                return Ok(value);
            };
            items.push(value);
            *left -= 1;
            if *left > 0 {
                break;
            }
            match open.pop() {
                Some((items, _)) => value = Value::Array(items),
                None => return Err(RedisError::Protocol("array stack underflow".into())),
            }
        }
    }
}

async fn read_head<R: AsyncBufRead + Unpin>(reader: &mut R) -> Result<Head, RedisError> {
    let line = read_line(reader).await?;
    let Some((&kind, rest)) = line.split_first() else {
        return Err(RedisError::Protocol("empty line".into()));
    };
    let text = || String::from_utf8_lossy(rest).into_owned();
    let number = || -> Result<i64, RedisError> {
        std::str::from_utf8(rest)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| RedisError::Protocol(format!("not a number: {:?}", text())))
    };
    Ok(match kind {
        b'+' => Head::Value(Value::Simple(text())),
        b'-' => Head::Value(Value::Error(text())),
        b':' => Head::Value(Value::Int(number()?)),
        b'$' => match number()? {
            -1 => Head::Value(Value::Nil),
            len if len < 0 => return Err(RedisError::Protocol(format!("bulk length {len}"))),
            len if len as u64 > MAX_BULK as u64 => {
                return Err(RedisError::Protocol(format!(
                    "a bulk string of {len} bytes is over the {MAX_BULK}-byte limit"
                )))
            }
            len => Head::Value(Value::Bulk(read_bulk(reader, len as usize).await?)),
        },
        b'*' => match number()? {
            -1 => Head::Value(Value::Nil),
            len if len < 0 || len as u64 > MAX_ARRAY as u64 => {
                return Err(RedisError::Protocol(format!("array length {len}")))
            }
            len => Head::Array(len as usize),
        },
        other => {
            return Err(RedisError::Protocol(format!(
                "unknown reply type {:?}",
                other as char
            )))
        }
    })
}

/// One line without its `\r\n`.
async fn read_line<R: AsyncBufRead + Unpin>(reader: &mut R) -> Result<Vec<u8>, RedisError> {
    let mut line = Vec::new();
    (&mut *reader)
        .take(MAX_LINE)
        .read_until(b'\n', &mut line)
        .await?;
    if line.ends_with(b"\r\n") {
        line.truncate(line.len() - 2);
        return Ok(line);
    }
    if line.len() as u64 >= MAX_LINE {
        return Err(RedisError::Protocol("a reply line is too long".into()));
    }
    if line.last() == Some(&b'\n') {
        return Err(RedisError::Protocol(
            "a line ends in \\n without \\r".into(),
        ));
    }
    Err(closed())
}

/// A bulk string body: exactly `len` bytes, whatever they are, then `\r\n`.
async fn read_bulk<R: AsyncBufRead + Unpin>(
    reader: &mut R,
    len: usize,
) -> Result<Vec<u8>, RedisError> {
    let mut body = vec![0; len + 2];
    reader.read_exact(&mut body).await?;
    if !body.ends_with(b"\r\n") {
        return Err(RedisError::Protocol(
            "a bulk string does not end in \\r\\n".into(),
        ));
    }
    body.truncate(len);
    Ok(body)
}

fn closed() -> RedisError {
    RedisError::Io(std::io::Error::new(
        std::io::ErrorKind::UnexpectedEof,
        "the connection was closed",
    ))
}

/// A reply for a log line or an error, cut short: payloads can be large.
pub(super) fn describe(value: &Value) -> String {
    let mut text = format!("{value:?}");
    if text.len() > 120 {
        let mut cut = 120;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push('…');
    }
    text
}

/// One connection, ready for commands (authenticated and named).
pub(super) struct Conn {
    pub(super) reader: BufReader<OwnedReadHalf>,
    pub(super) writer: OwnedWriteHalf,
}

impl Conn {
    /// Connects, authenticates and names the connection (no timeout: callers add it).
    pub(super) async fn open(url: &RedisUrl, name: &str) -> Result<Self, RedisError> {
        let stream = TcpStream::connect((url.host.as_str(), url.port)).await?;
        stream.set_nodelay(true)?;
        let (reader, writer) = stream.into_split();
        let mut conn = Self {
            reader: BufReader::new(reader),
            writer,
        };
        if let Some(password) = &url.password {
            let reply = match &url.user {
                Some(user) => {
                    conn.call(&[b"AUTH", user.as_bytes(), password.as_bytes()])
                        .await?
                }
                None => conn.call(&[b"AUTH", password.as_bytes()]).await?,
            };
            match reply {
                Value::Simple(_) => {}
                Value::Error(e) => return Err(RedisError::Server(format!("AUTH: {e}"))),
                other => {
                    return Err(RedisError::Protocol(format!(
                        "unexpected reply to AUTH: {}",
                        describe(&other)
                    )))
                }
            }
        }
        // The name only helps operators; a Redis that forbids CLIENT still works.
        if let Value::Error(e) = conn.call(&[b"CLIENT", b"SETNAME", name.as_bytes()]).await? {
            tracing::debug!("redis: CLIENT SETNAME {name} refused: {e}");
        }
        Ok(conn)
    }

    pub(super) async fn call(&mut self, args: &[&[u8]]) -> Result<Value, RedisError> {
        self.writer.write_all(&command(args)).await?;
        read_value(&mut self.reader).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use tokio::io::{AsyncRead, ReadBuf};

    /// Hands out one byte per read: every reply arrives split at every byte.
    struct Trickle<'a>(&'a [u8]);

    impl AsyncRead for Trickle<'_> {
        fn poll_read(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
            buf: &mut ReadBuf<'_>,
        ) -> Poll<std::io::Result<()>> {
            if let Some((&first, rest)) = self.0.split_first() {
                buf.put_slice(&[first]);
                self.0 = rest;
            }
            Poll::Ready(Ok(()))
        }
    }

    async fn parse_all(bytes: &[u8]) -> Result<Vec<Value>, RedisError> {
        let mut reader = BufReader::new(Trickle(bytes));
        let mut values = Vec::new();
        while !reader.fill_buf().await?.is_empty() {
            values.push(read_value(&mut reader).await?);
        }
        Ok(values)
    }

    #[tokio::test]
    async fn parses_every_reply_type_split_at_every_byte() {
        let wire = b"+OK\r\n-ERR wrong\r\n:-42\r\n$-1\r\n$0\r\n\r\n$6\r\na\r\n\xff\x00b\r\n\
                     *-1\r\n*0\r\n*3\r\n*1\r\n:1\r\n$2\r\n\r\n\r\n*0\r\n";
        let values = parse_all(wire).await.expect("valid replies");
        assert_eq!(
            values,
            vec![
                Value::Simple("OK".into()),
                Value::Error("ERR wrong".into()),
                Value::Int(-42),
                Value::Nil,
                Value::Bulk(Vec::new()),
                Value::Bulk(b"a\r\n\xff\x00b".to_vec()),
                Value::Nil,
                Value::Array(Vec::new()),
                Value::Array(vec![
                    Value::Array(vec![Value::Int(1)]),
                    Value::Bulk(b"\r\n".to_vec()),
                    Value::Array(Vec::new()),
                ]),
            ]
        );
    }

    #[tokio::test]
    async fn commands_encode_as_bulk_arrays() {
        let wire = command(&[b"PUBLISH", b"ch", b"x\r\n$3\r\n\xfe"]);
        assert_eq!(
            parse_all(&wire).await.expect("a command"),
            vec![Value::Array(vec![
                Value::Bulk(b"PUBLISH".to_vec()),
                Value::Bulk(b"ch".to_vec()),
                Value::Bulk(b"x\r\n$3\r\n\xfe".to_vec()),
            ])]
        );
    }

    #[tokio::test]
    async fn malformed_replies_are_errors() {
        let protocol =
            |r: Result<Vec<Value>, RedisError>| matches!(r, Err(RedisError::Protocol(_)));
        // Over the size limit: refused from the header, before any allocation.
        let huge = format!("${}\r\n", MAX_BULK + 1);
        assert!(protocol(parse_all(huge.as_bytes()).await));
        assert!(protocol(parse_all(b"$3\r\nabcX\r\n").await));
        assert!(protocol(parse_all(b"!3\r\n").await));
        assert!(protocol(parse_all(b":12a\r\n").await));
        assert!(protocol(parse_all(b"$-2\r\n").await));
        assert!(protocol(parse_all(b"+OK\n").await));
        assert!(protocol(
            parse_all(b"*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n*1\r\n:1\r\n").await
        ));
        let long = vec![b'+'; MAX_LINE as usize + 10];
        assert!(protocol(parse_all(&long).await));
        // Cut off mid-reply: the connection closed.
        assert!(matches!(
            parse_all(b"$5\r\nab").await,
            Err(RedisError::Io(_))
        ));
        assert!(matches!(
            parse_all(b"*2\r\n:1\r\n").await,
            Err(RedisError::Io(_))
        ));
        assert!(matches!(parse_all(b"+OK").await, Err(RedisError::Io(_))));
    }
}
