#!/usr/bin/env python3
"""Threads and file descriptors of `casefile serve` holding idle sockets.

    scripts/serve-idle-sockets.py [BINARY ...]   # default: target/release/casefile

For each binary: serve tests/fixtures/serve-site (copied to a temporary folder) on a
free port of 127.0.0.1, open N (default 2000, env N) connections that send nothing, and
print the server's thread and descriptor counts 1 s and 7 s later (after the 5 s header
timeout). Only 127.0.0.1 is contacted; each server is stopped at the end. Needs a soft
descriptor limit above 2 N (`ulimit -n 8192`).
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

N = int(os.environ.get("N", "2000"))
here = os.path.dirname(os.path.abspath(__file__))
binaries = sys.argv[1:] or [os.path.join(here, "..", "target", "release", "casefile")]


def count(pid):
    status = open(f"/proc/{pid}/status").read()
    threads = int(re.search(r"Threads:\s+(\d+)", status).group(1))
    return threads, len(os.listdir(f"/proc/{pid}/fd"))


with tempfile.TemporaryDirectory() as work:
    site = os.path.join(work, "site")
    shutil.copytree(os.path.join(here, "..", "tests", "fixtures", "serve-site"), site)
    for binary in binaries:
        server = subprocess.Popen(
            [binary, "serve", "--port", "0", "--root", site, "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            port = int(re.search(r":(\d+)/", server.stdout.readline()).group(1))
            sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(N)]
            time.sleep(1)
            after_1 = count(server.pid)
            time.sleep(6)
            after_7 = count(server.pid)
            print(
                f"{binary}: {N} idle sockets: after 1 s {after_1[0]} threads, {after_1[1]} fds;"
                f" after 7 s {after_7[0]} threads, {after_7[1]} fds"
            )
            for s in sockets:
                s.close()
        finally:
            server.kill()
            server.wait()
