"""Scripted Responses-API model server for the benchmarks (Python 3, standard library only).

codex POSTs ``/v1/responses``; this server answers every such request with a complete
Server-Sent-Events stream (spec 95 section 2):

* the last user message contains ``BENCH_DELTAS <n>``: one assistant message streamed as ``n``
  ``response.output_text.delta`` events;
* anything else (including a ``function_call_output`` follow-up): one plain assistant message
  ``done`` without deltas.

Each stream is rendered into one buffer and written with a Content-Length on an HTTP/1.1
keep-alive connection, so the model costs (almost) nothing next to what is being measured.
Other paths get 404.

Run standalone for manual experiments::

    python3 bench/mock_model.py --port 8787
"""

import argparse
import gzip
import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DELTAS = re.compile(r"BENCH_DELTAS\s+(\d+)")


def _sse(out, event_type, data):
    data = dict(data)
    data.setdefault("type", event_type)
    out.append(b"event: " + event_type.encode() + b"\ndata: "
               + json.dumps(data, separators=(",", ":")).encode() + b"\n\n")


def _message(item_id, text):
    return {"type": "message", "role": "assistant", "id": item_id, "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": []}]}


def _last_input(body):
    items = body.get("input") or []
    last = items[-1] if items else {}
    if last.get("type") == "function_call_output":
        return None
    for item in reversed(items):
        if item.get("role") == "user":
            content = item.get("content")
            if isinstance(content, str):
                return content
            texts = [c.get("text", "") for c in content or [] if isinstance(c, dict)]
            return "\n".join(texts)
    return None


class MockModel:
    """The model server; ``start()`` returns the port, ``base_url`` is the provider URL."""

    def __init__(self, port=0):
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.requests = 0
        self.other_requests = 0
        model = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, fmt, *args):  # quiet
                pass

            def do_GET(self):
                with model._lock:
                    model.other_requests += 1
                self._send(404, "application/json", b'{"error":{"message":"not scripted"}}')

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if self.headers.get("Content-Encoding", "").lower() == "gzip":
                    raw = gzip.decompress(raw)
                if not self.path.endswith("/responses"):
                    with model._lock:
                        model.other_requests += 1
                    self._send(404, "application/json", b'{"error":{"message":"not scripted"}}')
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                with model._lock:
                    model.requests += 1
                self._send(200, "text/event-stream", model.stream_for(body))

            def _send(self, status, ctype, payload):
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = None

    @property
    def port(self):
        return self._server.server_address[1]

    @property
    def base_url(self):
        return "http://127.0.0.1:%d/v1" % self.port

    def start(self):
        self._thread = threading.Thread(target=self._server.serve_forever, name="mock-model", daemon=True)
        self._thread.start()
        return self.port

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def _next(self, prefix):
        with self._lock:
            return "%s_%d" % (prefix, next(self._ids))

    def stream_for(self, body):
        text = _last_input(body)
        m = DELTAS.search(text or "")
        return self.streamed(int(m.group(1))) if m else self.plain("done")

    def _frame(self, out, response_id, output):
        usage = {"input_tokens": 20, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 10,
                 "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 30}
        _sse(out, "response.completed", {"response": {"id": response_id, "object": "response",
                                                      "status": "completed", "model": "mock-model",
                                                      "output": output, "usage": usage}})
        return b"".join(out)

    def plain(self, text):
        rid, mid = self._next("resp"), self._next("msg")
        out = []
        _sse(out, "response.created", {"response": {"id": rid}})
        item = _message(mid, text)
        _sse(out, "response.output_item.done", {"output_index": 0, "item": item})
        return self._frame(out, rid, [item])

    def streamed(self, n):
        rid, mid = self._next("resp"), self._next("msg")
        out = []
        _sse(out, "response.created", {"response": {"id": rid}})
        _sse(out, "response.output_item.added",
             {"output_index": 0, "item": {"type": "message", "role": "assistant", "id": mid,
                                          "status": "in_progress", "content": []}})
        pieces = []
        for i in range(n):
            piece = "w%d " % i
            pieces.append(piece)
            _sse(out, "response.output_text.delta",
                 {"item_id": mid, "output_index": 0, "content_index": 0, "delta": piece})
        text = "".join(pieces)
        _sse(out, "response.output_text.done",
             {"item_id": mid, "output_index": 0, "content_index": 0, "text": text})
        item = _message(mid, text)
        _sse(out, "response.output_item.done", {"output_index": 0, "item": item})
        return self._frame(out, rid, [item])


def config_toml(base_url, work_dir):
    """The config.toml of spec 95 section 2 for a model server at ``base_url``."""
    return ("model = \"mock-model\"\n"
            "model_provider = \"mock\"\n\n"
            "[model_providers.mock]\n"
            "name = \"mock\"\n"
            "base_url = \"%s\"\n"
            "wire_api = \"responses\"\n"
            "request_max_retries = 0\n"
            "stream_max_retries = 0\n\n"
            "[projects.%s]\n"
            "trust_level = \"trusted\"\n") % (base_url, json.dumps(str(work_dir)))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    mm = MockModel(a.port)
    print("listening on", mm.base_url, flush=True)
    mm._server.serve_forever()
