#!/usr/bin/env python3
"""Time from saving a claim to the browser's reload event, under `serve`.

    bench/reload_latency.py SITE [--edits 10] [--binary target/release/claimbase]

Starts `claimbase serve` on SITE (a copy is edited, never the original),
listens on the reload event stream as the injected script does, then edits
one claim at a time (an editor's safe write: temporary file, then rename)
and measures the wall time from the rename to the `reload` event. Prints
the median and the spread, and the server's own "Rebuilt" lines, which
time change-detected -> site updated.
"""

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--binary", default="target/release/claimbase")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="claimbase-latency-")) / "site"
    shutil.copytree(args.site, work, ignore=shutil.ignore_patterns("output", ".output*", "target", "node_modules", ".git", "fuzz", "tests", "bench", "docs"))
    claims = sorted(p for p in (work / "claims").rglob("*.md") if "/_" not in str(p.relative_to(work)))
    port = free_port()
    server = subprocess.Popen(
        [args.binary, "--root", str(work), "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    ready = threading.Event()

    def pump():
        for line in server.stdout:
            lines.append(line.rstrip())
            if "Serving the site at" in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(600):
        sys.exit("serve did not start:\n" + "\n".join(lines))

    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"GET /__claimbase/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
    sock.settimeout(30)
    buffer = b""

    def wait_for(needle):
        nonlocal buffer
        while needle not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                sys.exit("event stream closed")
            buffer += chunk
        buffer = buffer[buffer.index(needle) + len(needle):]

    wait_for(b": connected")
    times = []
    for i in range(args.edits):
        path = claims[(i * 7919) % len(claims)]
        # A body edit is always valid, whatever the front matter looks like.
        text = path.read_text(encoding="utf-8") + f"\nEdited by the latency benchmark ({i}).\n"
        temp = path.with_name(path.name + "___jb_tmp___")
        temp.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        temp.rename(path)
        wait_for(b"event: reload\n")
        times.append((time.perf_counter() - start) * 1000)
        time.sleep(0.3)
    server.terminate()
    server.wait()
    shutil.rmtree(work.parent, ignore_errors=True)
    rebuilt = [l for l in lines if l.startswith("Rebuilt")]
    print(f"site: {args.site} ({len(claims)} claims), {args.edits} edits")
    print(f"save -> reload event: median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f} ms, max {max(times):.0f} ms")
    for line in rebuilt[-3:]:
        print(f"  server: {line}")


if __name__ == "__main__":
    main()
