//! A tiny HTTP proxy in front of moto: records every AWS operation that crosses
//! it (as IAM actions such as `ec2:DescribeInstances`), answers one chosen
//! operation with a fault instead of forwarding it, and answers chosen operations
//! with hand-written responses (what moto never returns).

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
    /// AWS Health without a Business or Enterprise support plan.
    SubscriptionRequired,
}

/// A hand-written answer to one operation, in one Region, for one access key.
#[derive(Debug, Clone)]
pub struct Canned {
    pub operation: &'static str,
    /// `None`: any Region.
    pub region: Option<&'static str>,
    /// `None`: any credentials.
    pub access_key: Option<&'static str>,
    /// Only requests whose body contains this (e.g. a table name).
    pub body_contains: Option<String>,
    /// Only requests whose path contains this (e.g. a REST resource's id).
    pub path_contains: Option<String>,
    /// The answer: text for every protocol, CBOR bytes for AWS Health.
    pub body: Vec<u8>,
}

impl Canned {
    /// An answer to `operation` everywhere.
    pub fn everywhere(operation: &'static str, body: String) -> Canned {
        Canned {
            operation,
            region: None,
            access_key: None,
            body_contains: None,
            path_contains: None,
            body: body.into_bytes(),
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Rules {
    fault: Option<(String, Fault)>,
    /// Only requests whose body contains this are faulted.
    fault_body: Option<String>,
    /// Only this many requests are faulted (then forwarded): the count left.
    fault_left: Option<Arc<std::sync::atomic::AtomicUsize>>,
    delay: Option<Duration>,
    /// The first that matches answers; an operation none matches is forwarded.
    canned: Vec<Canned>,
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

    /// Answers `operation` (e.g. `DescribeNatGateways`, `ecs:ListClusters` where two
    /// services share a name, or `*` for every one) with `fault`, forwards the rest.
    pub fn faulting(upstream: &str, operation: &str, fault: Fault) -> Proxy {
        Proxy::with_rules(
            upstream,
            Rules {
                fault: Some((operation.to_string(), fault)),
                ..Rules::default()
            },
        )
    }

    /// Answers `operation` with `fault` when the request body contains `body_contains`
    /// (e.g. the account id in an `AssumeRole`'s role ARN), forwards the rest.
    pub fn faulting_when(
        upstream: &str,
        operation: &str,
        body_contains: &str,
        fault: Fault,
    ) -> Proxy {
        Proxy::with_rules(
            upstream,
            Rules {
                fault: Some((operation.to_string(), fault)),
                fault_body: Some(body_contains.to_string()),
                ..Rules::default()
            },
        )
    }

    /// Answers the first `times` requests of `operation` with `fault`, then forwards
    /// (AWS throttling a burst, then recovering).
    pub fn faulting_first(upstream: &str, operation: &str, fault: Fault, times: usize) -> Proxy {
        Proxy::with_rules(
            upstream,
            Rules {
                fault: Some((operation.to_string(), fault)),
                fault_left: Some(Arc::new(std::sync::atomic::AtomicUsize::new(times))),
                ..Rules::default()
            },
        )
    }

    /// Forwards everything, each answer `delay` late (a slow AWS).
    pub fn slow(upstream: &str, delay: Duration) -> Proxy {
        Proxy::with_rules(
            upstream,
            Rules {
                delay: Some(delay),
                ..Rules::default()
            },
        )
    }

    /// Answers what `canned` matches with its body, forwards the rest.
    pub fn answering(upstream: &str, canned: Vec<Canned>) -> Proxy {
        Proxy::with_rules(
            upstream,
            Rules {
                canned,
                ..Rules::default()
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
    let request = Request::of(&head, &body);
    seen.lock()
        .expect("recorder lock")
        .push(format!("{}:{}", request.service, request.operation));
    if let Some(delay) = rules.delay {
        thread::sleep(delay);
    }
    let canned = rules.canned.iter().find(|c| {
        c.operation == request.operation
            && c.region.is_none_or(|r| r == request.region)
            && c.access_key.is_none_or(|k| k == request.access_key)
            && c.body_contains
                .as_deref()
                .is_none_or(|b| String::from_utf8_lossy(&body).contains(b))
            && c.path_contains
                .as_deref()
                .is_none_or(|p| request.path.contains(p))
    });
    let body_matches = rules
        .fault_body
        .as_deref()
        .is_none_or(|b| String::from_utf8_lossy(&body).contains(b));
    // Takes one of the faults left, if they are counted.
    let fault_left = || {
        rules.fault_left.as_ref().is_none_or(|left| {
            left.fetch_update(
                std::sync::atomic::Ordering::SeqCst,
                std::sync::atomic::Ordering::SeqCst,
                |n| n.checked_sub(1),
            )
            .is_ok()
        })
    };
    let answer = match (&rules.fault, canned) {
        (Some((faulted, fault)), _)
            if (faulted == &request.operation
                || faulted == "*"
                || *faulted == format!("{}:{}", request.service, request.operation))
                && body_matches
                && fault_left() =>
        {
            fault_answer(*fault, request.protocol)
        }
        (_, Some(c)) => respond("HTTP/1.1 200 OK", &request.protocol.headers(), &c.body),
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

/// How a service's requests and errors are framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// EC2's query protocol (its own error shape).
    Ec2Query,
    /// The query protocol (ELBv2, Auto Scaling, RDS, ElastiCache, STS).
    Query,
    /// JSON with the operation in `X-Amz-Target` (ECS, DynamoDB, Global Accelerator).
    Json,
    /// REST with JSON bodies (EKS, Lambda, AWS Backup, ARC zonal shift).
    RestJson,
    /// REST with XML bodies (Route 53, CloudFront).
    RestXml,
    /// S3's REST with XML bodies: its errors have `<Error>` at the root.
    S3,
    /// Smithy RPC v2 with CBOR bodies (AWS Health).
    Cbor,
}

impl Protocol {
    fn content_type(self) -> &'static str {
        match self {
            Protocol::Ec2Query | Protocol::Query | Protocol::RestXml => "text/xml",
            Protocol::Json => "application/x-amz-json-1.1",
            Protocol::RestJson => "application/json",
            Protocol::Cbor => "application/cbor",
            Protocol::S3 => "application/xml",
        }
    }

    /// The headers of an answer in this protocol.
    fn headers(self) -> Vec<String> {
        let mut h = vec![format!("Content-Type: {}", self.content_type())];
        if self == Protocol::Cbor {
            h.push("smithy-protocol: rpc-v2-cbor".to_string());
        }
        h
    }
}

/// What the proxy needs to know about a request.
struct Request {
    /// The signing service (the IAM prefix).
    service: String,
    operation: String,
    region: String,
    access_key: String,
    protocol: Protocol,
    /// The request path, without the query.
    path: String,
}

impl Request {
    /// The service, Region and key from the SigV4 credential scope; the operation from
    /// the query body, the `X-Amz-Target` header or the REST path.
    fn of(head: &[String], body: &[u8]) -> Request {
        let scope: Vec<&str> = header(head, "authorization")
            .and_then(|a| a.split("Credential=").nth(1))
            .and_then(|c| c.split(',').next())
            .map(|c| c.split('/').collect())
            .unwrap_or_default();
        let part = |i: usize| scope.get(i).copied().unwrap_or("unknown").to_string();
        let service = part(3);
        let body = String::from_utf8_lossy(body);
        let mut line = head.first().map(String::as_str).unwrap_or("").split(' ');
        let (method, path) = (line.next().unwrap_or(""), line.next().unwrap_or(""));
        let path = path.split('?').next().unwrap_or("").to_string();
        let (operation, protocol) = if header(head, "smithy-protocol") == Some("rpc-v2-cbor") {
            // `/service/AWSHealth_20160804/operation/DescribeEventDetails`
            let op = path.rsplit('/').next().unwrap_or("");
            (op.to_string(), Protocol::Cbor)
        } else if let Some(target) = header(head, "x-amz-target") {
            let op = target.rsplit('.').next().unwrap_or(target);
            (op.to_string(), Protocol::Json)
        } else if let Some(op) = body.split('&').find_map(|kv| kv.strip_prefix("Action=")) {
            let protocol = if service == "ec2" {
                Protocol::Ec2Query
            } else {
                Protocol::Query
            };
            (op.to_string(), protocol)
        } else {
            let protocol = if service == "s3" {
                Protocol::S3
            } else if matches!(service.as_str(), "route53" | "cloudfront") {
                Protocol::RestXml
            } else {
                Protocol::RestJson
            };
            (rest_operation(&service, method, &path), protocol)
        };
        Request {
            operation,
            region: part(2),
            access_key: part(0),
            protocol,
            service,
            path,
        }
    }
}

/// The operation a REST request stands for, for the REST operations a scan sends.
fn rest_operation(service: &str, method: &str, path: &str) -> String {
    let path = path.split('?').next().unwrap_or("");
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let op = match (service, method, parts.as_slice()) {
        ("eks", "GET", ["clusters"]) => "ListClusters",
        ("eks", "GET", ["clusters", _]) => "DescribeCluster",
        ("eks", "GET", ["clusters", _, "node-groups"]) => "ListNodegroups",
        ("eks", "GET", ["clusters", _, "node-groups", _]) => "DescribeNodegroup",
        ("lambda", "GET", [_, "functions"]) => "ListFunctions",
        ("lambda", "GET", [_, "functions", _, "configuration"]) => "GetFunctionConfiguration",
        ("route53", "GET", [_, "hostedzone"]) => "ListHostedZones",
        ("route53", "GET", [_, "hostedzone", _, "rrset"]) => "ListResourceRecordSets",
        ("route53", "GET", [_, "healthcheck"]) => "ListHealthChecks",
        ("route53", "GET", [_, "healthcheck", _]) => "GetHealthCheck",
        ("cloudfront", "GET", [_, "distribution"]) => "ListDistributions",
        ("cloudfront", "GET", [_, "distribution", _, "config"]) => "GetDistributionConfig",
        ("backup", "GET", ["backup", "plans"]) => "ListBackupPlans",
        ("backup", "GET", ["backup", "plans", _]) => "GetBackupPlan",
        ("backup", "GET", ["backup", "plans", _, "selections"]) => "ListBackupSelections",
        ("backup", "GET", ["backup", "plans", _, "selections", _]) => "GetBackupSelection",
        ("backup", "GET", ["backup-vaults"]) => "ListBackupVaults",
        ("backup", "GET", ["backup-vaults", _, "recovery-points"]) => {
            "ListRecoveryPointsByBackupVault"
        }
        ("backup", "GET", ["resources"]) => "ListProtectedResources",
        ("arc-zonal-shift", "GET", ["managedresources"]) => "ListManagedResources",
        // Path-style S3 (the client of a custom endpoint): `/bucket` and `/bucket/key`.
        // A listing is named by its IAM action, as the policy names it.
        ("s3", "GET", [_]) => "ListBucket",
        ("s3", "GET", [_, _, ..]) => "GetObject",
        ("s3", "PUT", [_, _, ..]) => "PutObject",
        _ => return format!("{method} {path}"),
    };
    op.to_string()
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

/// An AWS error answer in the service's own shape.
fn fault_answer(fault: Fault, protocol: Protocol) -> Vec<u8> {
    let ec2 = protocol == Protocol::Ec2Query;
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
        Fault::AccessDenied
            if matches!(protocol, Protocol::Query | Protocol::RestXml | Protocol::S3) =>
        {
            (
                "403 Forbidden",
                "AccessDenied",
                "User is not authorized to perform this action",
            )
        }
        Fault::AccessDenied => (
            "403 Forbidden",
            "AccessDeniedException",
            "User is not authorized to perform this action",
        ),
        Fault::Throttling if ec2 => (
            "503 Service Unavailable",
            "RequestLimitExceeded",
            "Request limit exceeded.",
        ),
        Fault::Throttling
            if matches!(protocol, Protocol::Query | Protocol::RestXml | Protocol::S3) =>
        {
            ("400 Bad Request", "Throttling", "Rate exceeded")
        }
        Fault::Throttling => ("400 Bad Request", "ThrottlingException", "Rate exceeded"),
        Fault::ServerError => (
            "500 Internal Server Error",
            "InternalFailure",
            "Internal failure",
        ),
        Fault::SubscriptionRequired => (
            "400 Bad Request",
            "SubscriptionRequiredException",
            "The AWS Support plan of this account does not include the AWS Health API.",
        ),
    };
    let content_type = format!("Content-Type: {}", protocol.content_type());
    let (body, headers) = match protocol {
        Protocol::Cbor => {
            let error = serde_json::json!({"__type": code, "message": message});
            return respond(
                &format!("HTTP/1.1 {status}"),
                &protocol.headers(),
                &crate::cbor::encode(&error),
            );
        }
        Protocol::Ec2Query => (
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code>\
                 <Message>{message}</Message></Error></Errors><RequestID>test-proxy</RequestID></Response>"
            ),
            vec![content_type],
        ),
        Protocol::Query | Protocol::RestXml => (
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message>\
                 </Error><RequestId>test-proxy</RequestId></ErrorResponse>"
            ),
            vec![content_type],
        ),
        Protocol::Json => (
            format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"),
            vec![content_type],
        ),
        Protocol::RestJson => (
            format!("{{\"message\":\"{message}\"}}"),
            vec![content_type, format!("x-amzn-ErrorType: {code}")],
        ),
        Protocol::S3 => (
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code>\
                 <Message>{message}</Message><RequestId>test-proxy</RequestId></Error>"
            ),
            vec![content_type],
        ),
    };
    respond(&format!("HTTP/1.1 {status}"), &headers, body.as_bytes())
}
