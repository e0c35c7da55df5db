"""A tiny OpenAI-compatible server on loopback for the fast tests: it answers from a Python function, so a test
can make it send malformed JSON, sleep past the timeout, or answer well. The real llama.cpp server is tested too
(test_llm_real_server.py, slow)."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "fake-coder"


def segment_of(body: dict) -> str:
    user = body["messages"][1]["content"]
    return re.search(r'SEGMENT TO CODE\n"(.*)"\n\nJudge each code', user, re.S).group(1)


def good_answer(body: dict, *, quote: str | None = None, applies=lambda code, i: i == 0) -> str:
    """Every code asked about: the first applies, quoting the segment's first words (or `quote`)."""
    codes = body["response_format"]["json_schema"]["schema"]["required"]
    words = segment_of(body).split()
    ev = quote if quote is not None else " ".join(words[:6])
    return json.dumps({c: {"evidence": ev if applies(c, i) else "", "reasoning": f"Because of {c}.",
                           "applies": applies(c, i), "confidence": 0.9 if applies(c, i) else 0.8}
                       for i, c in enumerate(codes)})


class FakeLLMServer:
    """`respond(body) -> str` gives the message content; `sleep` seconds of delay per chat call."""

    def __init__(self, respond=good_answer, models=(MODEL,)):
        self.respond, self.models, self.sleep = respond, list(models), 0.0
        self.error: tuple[int, str] | None = None  # (HTTP status, message) to answer chat requests with
        self.chat_calls = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def _send(self, code, payload):
                data = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/v1/models":
                    return self._send(200, {"object": "list", "data": [{"id": m, "object": "model",
                                                                        "meta": {"n_params": 7}}
                                                                       for m in outer.models]})
                self._send(404, {"error": {"message": "not found"}})

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if self.path != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": "not found"}})
                outer.chat_calls += 1
                if outer.sleep:
                    time.sleep(outer.sleep)
                if outer.error:
                    return self._send(outer.error[0], {"error": {"code": outer.error[0], "message": outer.error[1]}})
                content = outer.respond(body)
                self._send(200, {"choices": [{"index": 0, "finish_reason": "stop",
                                              "message": {"role": "assistant", "content": content}}],
                                 "usage": {"prompt_tokens": 100, "completion_tokens": 20}})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)
