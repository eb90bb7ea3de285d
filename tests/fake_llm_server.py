"""A real HTTP server process that speaks OpenAI's chat-completions protocol with scripted answers.

    python tests/fake_llm_server.py SCRIPT.json PORT_FILE LOG.jsonl

SCRIPT.json is a list of replies, used in order (the last one repeats):
  {"content": "..."}                 a normal answer (usage: 100 prompt + 50 completion tokens)
  {"status": 500, "body": "..."}     an HTTP error
  {"raw": "..."}                     a 200 response whose body is not JSON
  {"no_choices": true}               a 200 JSON response without choices
  {"sleep": S, ...}                  wait S seconds first (for timeouts)
Every request (path, body and Authorization header) is appended to LOG.jsonl; the chosen port is
written to PORT_FILE.
"""

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

script = json.load(open(sys.argv[1]))
port_file, log_file = sys.argv[2], sys.argv[3]
state = {"next": 0}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        with open(log_file, "a") as log:
            sent = {"path": self.path, "body": body}
            sent["authorization"] = self.headers.get("Authorization")  # the key it was sent
            log.write(json.dumps(sent) + "\n")
        reply = script[min(state["next"], len(script) - 1)]
        state["next"] += 1
        if reply.get("sleep"):
            time.sleep(reply["sleep"])
        if "status" in reply:
            self._send(reply["status"], json.dumps({"error": {"message": reply.get("body", "")}}))
        elif "raw" in reply:
            self._send(200, reply["raw"])
        elif reply.get("no_choices"):
            self._send(200, json.dumps({"id": "x", "object": "chat.completion", "choices": []}))
        else:
            self._send(
                200,
                json.dumps(
                    {
                        "id": f"chatcmpl-{state['next']}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "scripted"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply["content"]},
                                "finish_reason": "stop",
                            }
                        ],
                        "usage": {
                            "prompt_tokens": 100,
                            "completion_tokens": 50,
                            "total_tokens": 150,
                        },
                    }
                ),
            )

    def _send(self, status, text):
        data = text.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as handle:
    handle.write(str(server.server_address[1]))
import os  # noqa: E402

os.replace(port_file + ".tmp", port_file)
server.serve_forever()
