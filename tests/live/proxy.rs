//! A tiny HTTP proxy in front of moto: records every AWS operation that crosses
//! it (as IAM actions such as `ec2:DescribeInstances`), and answers one chosen
//! operation with a fault instead of forwarding it.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How the proxy answers the faulted operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Credentials AWS does not know (`InvalidClientTokenId`).
    UnknownCredentials,
    AccessDenied,
    Throttling,
    ServerError,
}

#[derive(Debug, Clone, Default)]
struct Rules {
    fault: Option<(String, Fault)>,
    delay: Option<Duration>,
}

/// A running proxy; its threads end with the test process.
pub struct Proxy {
    pub url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl Proxy {
    /// Forwards everything to `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> Proxy {
        Proxy::with_rules(upstream, Rules::default())
    }

    /// Answers `operation` (e.g. `DescribeNatGateways`, or `*` for every one) with
    /// `fault`, forwards the rest.
    pub fn faulting(upstream: &str, operation: &str, fault: Fault) -> Proxy {
        Proxy::with_rules(
            upstream,
            Rules {
                fault: Some((operation.to_string(), fault)),
                delay: None,
            },
        )
    }

    /// Forwards everything, each answer `delay` late (a slow AWS).
    pub fn slow(upstream: &str, delay: Duration) -> Proxy {
        Proxy::with_rules(
            upstream,
            Rules {
                fault: None,
                delay: Some(delay),
            },
        )
    }

    fn with_rules(upstream: &str, rules: Rules) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let recorder = seen.clone();
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, rules, recorder) =
                    (upstream.clone(), rules.clone(), recorder.clone());
                thread::spawn(move || serve(client, &upstream, &rules, &recorder));
            }
        });
        Proxy { url, seen }
    }

    /// Every operation seen, in order, as `service:Operation`.
    pub fn operations(&self) -> Vec<String> {
        self.seen.lock().expect("recorder lock").clone()
    }

    /// The distinct operations seen.
    pub fn distinct_operations(&self) -> BTreeSet<String> {
        self.operations().into_iter().collect()
    }
}

/// One request per connection: read it, answer it, close.
fn serve(client: TcpStream, upstream: &str, rules: &Rules, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().expect("clone the client stream"));
    let Some((head, body)) = read_message(&mut reader) else {
        return;
    };
    let action = operation_of(&head, &body);
    seen.lock().expect("recorder lock").push(action.clone());
    if let Some(delay) = rules.delay {
        thread::sleep(delay);
    }
    let operation = action.split(':').nth(1).unwrap_or("");
    let answer = match &rules.fault {
        Some((faulted, fault)) if faulted == operation || faulted == "*" => {
            fault_answer(*fault, action.starts_with("ec2:"))
        }
        _ => forward(upstream, &head, &body),
    };
    let mut client = client;
    let _ = client.write_all(&answer);
    let _ = client.flush();
}

/// Reads an HTTP/1.1 message head and its Content-Length body.
fn read_message(reader: &mut impl BufRead) -> Option<(Vec<String>, Vec<u8>)> {
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        if line.is_empty() {
            break;
        }
        head.push(line);
    }
    assert!(
        header(&head, "transfer-encoding").is_none(),
        "the test proxy only handles Content-Length bodies: {head:?}"
    );
    let length: usize = header(&head, "content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn header<'a>(head: &'a [String], name: &str) -> Option<&'a str> {
    head.iter().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// `ec2:DescribeInstances`: the signing service from the SigV4 credential scope,
/// the operation from the query-protocol body.
fn operation_of(head: &[String], body: &[u8]) -> String {
    let service = header(head, "authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("unknown");
    let body = String::from_utf8_lossy(body);
    let operation = body
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .unwrap_or("unknown");
    format!("{service}:{operation}")
}

fn forward(upstream: &str, head: &[String], body: &[u8]) -> Vec<u8> {
    let mut stream = TcpStream::connect(upstream).expect("moto is reachable");
    let mut request = String::new();
    for (i, line) in head.iter().enumerate() {
        let name = line.split(':').next().unwrap_or("").trim();
        if i > 0 && name.eq_ignore_ascii_case("connection") {
            continue;
        }
        request.push_str(line);
        request.push_str("\r\n");
    }
    request.push_str("Connection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .and_then(|_| stream.write_all(body))
        .expect("write to moto");
    let mut reader = BufReader::new(stream);
    let (head, body) = read_message(&mut reader).expect("moto answers");
    respond(&head[0], &head[1..], &body)
}

/// Re-frames an answer: its own length, and the connection closes after it.
fn respond(status_line: &str, headers: &[String], body: &[u8]) -> Vec<u8> {
    let mut out = format!("{status_line}\r\n");
    for h in headers {
        let name = h
            .split(':')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if name != "connection" && name != "content-length" {
            out.push_str(h);
            out.push_str("\r\n");
        }
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    ));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

/// An AWS error answer: EC2's own XML shape, or the query-protocol one the others use.
fn fault_answer(fault: Fault, ec2: bool) -> Vec<u8> {
    let (status, code, message) = match fault {
        Fault::UnknownCredentials => (
            "403 Forbidden",
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
        ),
        Fault::AccessDenied if ec2 => (
            "403 Forbidden",
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ),
        Fault::AccessDenied => (
            "403 Forbidden",
            "AccessDenied",
            "User is not authorized to perform this action",
        ),
        Fault::Throttling if ec2 => (
            "503 Service Unavailable",
            "RequestLimitExceeded",
            "Request limit exceeded.",
        ),
        Fault::Throttling => ("400 Bad Request", "Throttling", "Rate exceeded"),
        Fault::ServerError => (
            "500 Internal Server Error",
            "InternalFailure",
            "Internal failure",
        ),
    };
    let body = if ec2 {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code>\
             <Message>{message}</Message></Error></Errors><RequestID>test-proxy</RequestID></Response>"
        )
    } else {
        format!(
            "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>\
             </Error><RequestId>test-proxy</RequestId></ErrorResponse>"
        )
    };
    respond(
        &format!("HTTP/1.1 {status}"),
        &["Content-Type: text/xml".to_string()],
        body.as_bytes(),
    )
}
