#!/usr/bin/env python3
"""Time from saving a claim to the browser's reload event, under `serve`,
or to the changed files being written, under `watch`.

    bench/reload_latency.py SITE [--edits 10] [--binary target/release/claimbase] [--watch]

Starts `claimbase serve` on SITE (a copy is edited, never the original),
listens on the reload event stream as the injected script does, then edits
one claim at a time (an editor's safe write: temporary file, then rename)
and measures the wall time from the rename to the `reload` event that
reloads the claim's page. Prints the median and the spread, the median of
change detected -> every file served (the "all files in N ms" of the
server's "Rebuilt" lines: the pages listing many claims, the feeds and the
data files follow the claim's own pages), and the last "Rebuilt" lines.

With --watch it runs `claimbase watch` instead and times each save to the
"Rebuilt" line, printed once every page, feed and data file is written (the
search index follows in the background); of the figures in that line, "in
N ms" is change detected -> the claim's own pages written, "all files in N
ms" change detected -> every file written.

--edit body (the default) adds a paragraph, which only the claim's page
shows; --edit statement changes the claim's statement, which every page
listing it shows.

Both also print the CPU time (user + system) the process spent per save,
from /proc: every thread's, the watcher's idle ticks included (about 1%
of a core), and with search the background indexer's too.
"""
import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def cpu_ms(pid):
    """User + system CPU time of process `pid` so far, in milliseconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def print_cpu(before, after, edits):
    print(f"CPU time per save: {(after - before) / edits:.0f} ms")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("site")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--binary", default="target/release/claimbase")
    ap.add_argument("--watch", action="store_true", help="time `watch` writing files instead of `serve` reloading")
    ap.add_argument("--edit", choices=["body", "statement"], default="body",
                    help="add a paragraph to the body (shown on the claim's page only), or change the "
                         "statement (shown on every page listing the claim)")
    args = ap.parse_args()
    if args.watch:
        return watch_mode(args)

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
        seen = buffer[:buffer.index(needle)]
        buffer = buffer[buffer.index(needle) + len(needle):]
        return seen

    def wait_for_reload(page):
        """Waits for the reload event that reloads `page`, as the script does."""
        while True:
            wait_for(b"event: reload\ndata: ")
            pages = json.loads(wait_for(b"\n\n"))["pages"]
            if pages is None or page in pages:
                return

    wait_for(b": connected")
    times = []
    cpu_before = cpu_ms(server.pid)
    for i in range(args.edits):
        path = claims[(i * 7919) % len(claims)]
        text = edited(path, i, args.edit)
        temp = path.with_name(path.name + "___jb_tmp___")
        temp.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        temp.rename(path)
        wait_for_reload(f"/claims/{path.stem}/")
        times.append((time.perf_counter() - start) * 1000)
        time.sleep(0.3)
    cpu_after = cpu_ms(server.pid)
    server.terminate()
    server.wait()
    shutil.rmtree(work.parent, ignore_errors=True)
    rebuilt = [l for l in lines if l.startswith("Rebuilt")]
    print(f"site: {args.site} ({len(claims)} claims), {args.edits} edits")
    print(f"save -> reload event of the claim's page: median {statistics.median(times):.0f} ms, "
          f"min {min(times):.0f} ms, max {max(times):.0f} ms")
    print_all_files([l for l in lines if l.startswith("Rebuilt")][-args.edits:])
    print_cpu(cpu_before, cpu_after, args.edits)
    for line in rebuilt[-3:]:
        print(f"  server: {line}")


def edited(path, i, what):
    """The claim file's text after edit number `i`."""
    text = path.read_text(encoding="utf-8")
    if what == "body":
        # Always valid, whatever the front matter looks like.
        return text + f"\nEdited by the latency benchmark ({i}).\n"
    return re.sub(r'^claim: ("?)', lambda m: f"claim: {m.group(1)}Edit {i}: ", text, count=1, flags=re.M)


def print_all_files(rebuilt_lines):
    """The figure after "all files in" of each "Rebuilt" line: change
    detected -> every page, feed and data file served or written."""
    all_files = [int(m.group(1)) for l in rebuilt_lines if (m := re.search(r"all files in (\d+) ms", l))]
    if all_files:
        print(f"change detected -> every file: median {statistics.median(all_files):.0f} ms, "
              f"min {min(all_files)} ms, max {max(all_files)} ms")


def copy_site(site):
    work = Path(tempfile.mkdtemp(prefix="claimbase-latency-")) / "site"
    shutil.copytree(site, work, ignore=shutil.ignore_patterns("output", ".output*", "target", "node_modules", ".git", "fuzz", "tests", "bench", "docs"))
    claims = sorted(p for p in (work / "claims").rglob("*.md") if "/_" not in str(p.relative_to(work)))
    return work, claims


def watch_mode(args):
    work, claims = copy_site(args.site)
    watcher = subprocess.Popen(
        [args.binary, "--root", str(work), "watch", "--output", str(work.parent / "out")],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    lines = []
    rebuilt = threading.Condition()

    def pump():
        for line in watcher.stdout:
            with rebuilt:
                lines.append((time.perf_counter(), line.rstrip()))
                rebuilt.notify_all()

    threading.Thread(target=pump, daemon=True).start()

    def wait_for(needle, after):
        deadline = time.perf_counter() + 600
        with rebuilt:
            while True:
                for seen, line in lines[after:]:
                    if needle in line:
                        return seen, line
                left = deadline - time.perf_counter()
                if left <= 0 or not rebuilt.wait(timeout=left):
                    sys.exit(f"no {needle!r} line:\n" + "\n".join(l for _, l in lines))

    wait_for("watching for changes", 0)
    saved_to_line, detected_to_pages, rebuilt_lines = [], [], []
    cpu_before = cpu_ms(watcher.pid)
    for i in range(args.edits):
        path = claims[(i * 7919) % len(claims)]
        text = edited(path, i, args.edit)
        temp = path.with_name(path.name + "___jb_tmp___")
        temp.write_text(text, encoding="utf-8")
        after = len(lines)
        start = time.perf_counter()
        temp.rename(path)
        seen, line = wait_for("Rebuilt:", after)
        saved_to_line.append((seen - start) * 1000)
        detected_to_pages.append(int(re.search(r"in (\d+) ms", line).group(1)))
        rebuilt_lines.append(line)
        time.sleep(0.3)
    cpu_after = cpu_ms(watcher.pid)
    watcher.terminate()
    watcher.wait()
    shutil.rmtree(work.parent, ignore_errors=True)
    print(f"site: {args.site} ({len(claims)} claims), {args.edits} edits, watch")
    print(f"change detected -> the claim's pages written: median {statistics.median(detected_to_pages):.0f} ms, "
          f"min {min(detected_to_pages)} ms, max {max(detected_to_pages)} ms")
    print_all_files(rebuilt_lines)
    print(f"save -> every file written: median {statistics.median(saved_to_line):.0f} ms, "
          f"min {min(saved_to_line):.0f} ms, max {max(saved_to_line):.0f} ms")
    print_cpu(cpu_before, cpu_after, args.edits)
    for _, line in [l for l in lines if l[1].startswith("Rebuilt")][-3:]:
        print(f"  watch: {line}")


if __name__ == "__main__":
    main()
