"""Forwards HTTP requests to an upstream URL, each answer delayed: a stand-in for
the round-trip time to real AWS when measuring a scan against moto on loopback.

    python latency_proxy.py UPSTREAM_URL DELAY_MS   (prints the port it listens on)
"""

import http.server
import sys
import time
import urllib.error
import urllib.request


SERVERLESS_NONE = (
    b"<DescribeServerlessCachesResponse><DescribeServerlessCachesResult><ServerlessCaches/>"
    b"</DescribeServerlessCachesResult></DescribeServerlessCachesResponse>"
)


def main():
    upstream, delay = sys.argv[1].rstrip("/"), int(sys.argv[2]) / 1000.0

    class Forward(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def forward(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
            if b"Action=DescribeServerlessCaches" in body:
                # moto 5.2.5 has no such operation: answer "none", as a Region without any would.
                status, answer = 200, SERVERLESS_NONE
                answer_headers = [("Content-Type", "text/xml")]
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
