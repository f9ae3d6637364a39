"""Load check for `pinyinize serve`: N concurrent clients for a bounded time, on loopback.

Why: the server runs CPU-bound annotation on worker threads behind an event loop; this shows
what that gives under concurrent use (requests/s, p50 and p99 latency) and that nothing
fails under load (the error count must be zero; the exit status is 1 otherwise).

The server is started as its own process (`pinyinize serve`) on a free 127.0.0.1 port, so
the clients and the server do not share a GIL.  Each client sends, in turn: a ruby
annotation of a paragraph, an inline annotation of a sentence, a JSON annotation, the
readings of a word in context, and a check of annotated text.

Example: ``python bench/serve.py --clients 8 --seconds 10``
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx

PARAGRAPH = (
    "6月的桑日,苍穹如洗、云絮似棉,澄澈的雅江水携着清冽的融雪蜿蜒远去,"
    "四面环山簇拥着藏式碉房与新式民居,飘动的布幔在风中猎猎作响。"
)
SENTENCE = "两岸的银行行长长大了，他还了书。"
REQUESTS: list[tuple[str, dict[str, object]]] = [
    ("/api/annotate", {"text": PARAGRAPH, "format": "ruby"}),
    ("/api/annotate", {"text": SENTENCE, "format": "inline", "mode": "spoken"}),
    ("/api/annotate", {"text": SENTENCE, "format": "json", "tones": "numbers"}),
    ("/api/readings", {"word": "行长", "context": SENTENCE}),
    ("/api/check", {"text": "银行(yínxíng)行长(hángzhǎng)"}),
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from pinyinize.cli import main; main()"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


async def wait_until_up(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if (await client.get("/api/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not start within 60 s")


async def one_client(
    client: httpx.AsyncClient, stop: float, work: Iterator[int], tally: Tally
) -> None:
    while time.monotonic() < stop:
        path, body = REQUESTS[next(work) % len(REQUESTS)]
        began = time.perf_counter()
        try:
            response = await client.post(path, json=body)
            if response.status_code != 200:
                tally.errors.append(f"{path}: {response.status_code} {response.text[:200]}")
        except httpx.HTTPError as error:
            tally.errors.append(f"{path}: {type(error).__name__}: {error}")
        tally.latencies.append(time.perf_counter() - began)


async def load(
    base_url: str, server: subprocess.Popen[bytes], clients: int, seconds: float
) -> tuple[Tally, float]:
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(30.0)
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=timeout) as client:
        await wait_until_up(client, server)
        for path, body in REQUESTS:  # warm up: every kind of request once
            (await client.post(path, json=body)).raise_for_status()
        tally = Tally()
        work = itertools.count()
        began = time.monotonic()
        stop = began + seconds
        await asyncio.gather(*(one_client(client, stop, work, tally) for _ in range(clients)))
        return tally, time.monotonic() - began


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(tally: Tally, elapsed: float, clients: int) -> None:
    count = len(tally.latencies)
    print(f"clients: {clients}, duration: {elapsed:.1f} s, requests: {count}")
    print(f"requests/s: {count / elapsed:.1f}")
    print(
        f"latency ms: p50 {1000 * statistics.median(tally.latencies):.1f}, "
        f"p99 {1000 * percentile(tally.latencies, 0.99):.1f}, "
        f"max {1000 * max(tally.latencies):.1f}"
    )
    print(f"errors: {len(tally.errors)}")
    for error in tally.errors[:5]:
        print(f"  {error}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    arguments = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        tally, elapsed = asyncio.run(
            load(f"http://127.0.0.1:{port}", server, arguments.clients, arguments.seconds)
        )
    finally:
        server.terminate()
        server.wait(10)
    report(tally, elapsed, arguments.clients)
    if tally.errors or not tally.latencies:
        sys.exit(1)


if __name__ == "__main__":
    main()
