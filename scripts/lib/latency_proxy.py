"""Forwards HTTP requests to an upstream URL, each answer delayed: a stand-in for
the round-trip time to real AWS when measuring a scan against moto on loopback.
With RATE and BURST, it also throttles like AWS: a token bucket per (access key,
Region, service) from the request's SigV4 scope, answering `Throttling` (HTTP 400,
`RequestLimitExceeded` with 503 for EC2) when the bucket is empty.

    python latency_proxy.py UPSTREAM_URL DELAY_MS [RATE BURST]   (prints its port)

Answers are sent with TCP_NODELAY: without it, Nagle's algorithm and the client's
delayed ACK hold some answers back by ~40 ms, which inflates sequential timings.
"""

import http.server
import re
import sys
import threading
import time
import urllib.error
import urllib.request


SERVERLESS_NONE = (
    b"<DescribeServerlessCachesResponse><DescribeServerlessCachesResult><ServerlessCaches/>"
    b"</DescribeServerlessCachesResult></DescribeServerlessCachesResponse>"
)

# What moto 5.2.5 does not serve, answered "none", as an account without any would:
# Global Accelerator, ARC zonal shift's managed resources, AWS Backup's selections and
# recovery points.
JSON_NONE = {
    "GlobalAccelerator_V20180706.ListAccelerators": b'{"Accelerators": []}',
}
REST_NONE = [
    (re.compile(r"^/managedresources/?$"), b'{"items": []}'),
    (re.compile(r"^/backup/plans/[^/]+/selections/?$"), b'{"BackupSelectionsList": []}'),
    (re.compile(r"^/backup-vaults/[^/]+/recovery-points/?$"), b'{"RecoveryPoints": []}'),
]


def moto_lacks(method, path, headers, body):
    """The canned answer (content type, body) for a request moto cannot answer, or None."""
    if b"Action=DescribeServerlessCaches" in body:
        return "text/xml", SERVERLESS_NONE
    target = headers.get("X-Amz-Target", "")
    if target in JSON_NONE:
        return "application/x-amz-json-1.1", JSON_NONE[target]
    if method == "GET":
        bare = path.split("?", 1)[0]
        for pattern, answer in REST_NONE:
            if pattern.match(bare):
                return "application/json", answer
    return None


class Buckets:
    """Token buckets by key, AWS's throttling shape: BURST tokens, RATE a second."""

    def __init__(self, rate, burst):
        self.rate, self.burst = rate, burst
        self.lock = threading.Lock()
        self.state = {}

    def take(self, key):
        now = time.monotonic()
        with self.lock:
            tokens, last = self.state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self.state[key] = (tokens, now)
                return False
            self.state[key] = (tokens - 1, now)
            return True


def scope(headers):
    """(access key, Region, service) from the SigV4 credential scope."""
    auth = headers.get("Authorization", "")
    cred = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
    return (cred[0], cred[2], cred[3]) if len(cred) >= 4 else ("", "", "")


def throttled(service):
    if service == "ec2":
        body = (b"<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit "
                b"exceeded.</Message></Error></Errors><RequestID>proxy</RequestID></Response>")
        return 503, body, [("Content-Type", "text/xml")]
    body = (b"<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded"
            b"</Message></Error><RequestId>proxy</RequestId></ErrorResponse>")
    return 400, body, [("Content-Type", "text/xml")]


def main():
    upstream, delay = sys.argv[1].rstrip("/"), int(sys.argv[2]) / 1000.0
    buckets = Buckets(float(sys.argv[3]), float(sys.argv[4])) if len(sys.argv) > 4 else None

    class Forward(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            key = scope(self.headers)
            canned = moto_lacks(self.command, self.path, self.headers, body)
            if buckets is not None and not buckets.take(key):
                # JSON-protocol services read the code from the same XML-free header too.
                status, answer, answer_headers = throttled(key[2])
                answer_headers = answer_headers + [("x-amzn-ErrorType", "Throttling")]
            elif canned is not None:
                status, answer = 200, canned[1]
                answer_headers = [("Content-Type", canned[0])]
            else:
                request = urllib.request.Request(
                    upstream + self.path, data=body or None, headers=headers, method=self.command
                )
                try:
                    with urllib.request.urlopen(request) as r:
                        status, answer, answer_headers = r.status, r.read(), r.headers.items()
                except urllib.error.HTTPError as e:
                    status, answer, answer_headers = e.code, e.read(), e.headers.items()
            time.sleep(delay)
            self.send_response(status)
            for k, v in answer_headers:
                if k.lower() not in ("content-length", "connection", "transfer-encoding", "date", "server"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        do_POST = do_GET = forward

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
