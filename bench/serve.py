"""Load check for `pinyinize serve`: concurrent clients, a huge request, many user dictionaries.

Why: the service must stay up and answer its health check while it works (issue 11): this
measures, on loopback and in bounded time,

- load: 8, 64 and 200 concurrent clients for a few seconds each, every client sending in
  turn a ruby annotation of a paragraph, an inline and a JSON annotation of a sentence, the
  readings of a word in context and a check: p50/p99 latency of these, requests/s, errors,
  and the latency of ``/api/health`` polled at the same time;
- user dictionaries: resident memory of the server (its process and its workers) before and
  after 20 requests that each carry a different 80-byte user dictionary;
- a 1 MB ``format: json`` request: its status, time and response size, and the slowest
  health check while it runs.

The server is started as its own process (`pinyinize serve`) on a free 127.0.0.1 port, so
the clients and the server do not share a GIL.  Memory is read from /proc: RSS counts pages
shared between the server and its workers once per process, PSS divides them among them.
The exit status is 1 when a load request failed.

Example: ``python bench/serve.py --seconds 5`` (about a minute).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

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
HEALTH_EVERY = 0.05  # seconds between health checks while the load runs
MAX_REQUESTS_PER_CLIENT = 400  # a bound on the work, whatever the speed


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    health: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    cpu_server: float = 0.0  # CPU seconds of the server's own process during the run
    cpu_workers: float = 0.0  # and of its descendants (worker processes)


@dataclass
class Memory:
    rss_mb: float
    pss_mb: float
    processes: int


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU time (user + system) so far of ``pid`` itself and of its live descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    own = rest = 0.0
    for each in process_tree(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick
        own, rest = (own + used, rest) if each == pid else (own, rest + used)
    return own, rest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from pinyinize.cli import main; main()"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (the server's workers and their helpers)."""
    children: dict[int, list[int]] = {}
    for status in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = status.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(status.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, ()))
    return tree


def memory_of(pid: int) -> Memory:
    rss = pss = 0
    pids = process_tree(pid)
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/smaps_rollup").read_text().splitlines():
                name, _, value = line.partition(":")
                if name in ("Rss", "Pss"):
                    kb = int(value.split()[0])
                    rss, pss = (rss + kb, pss) if name == "Rss" else (rss, pss + kb)
        except OSError:
            continue
    return Memory(rss / 1024, pss / 1024, len(pids))


async def wait_until_up(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stderr = server.stderr.read().decode() if server.stderr else ""
            raise SystemExit(f"the server exited: {stderr[-2000:]}")
        try:
            if (await client.get("/api/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    raise SystemExit("the server did not start within 60 s")


class Connection:
    """One keep-alive HTTP/1.1 connection that sends prepared requests.

    The load's own client: httpx spends more CPU per request at 64 connections than the
    server does (its pool is scanned per request), and on a small machine the load
    generator would then measure itself.  This reads the status, the headers and a
    Content-Length body, which is all the server sends.
    """

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def send(self, request: bytes) -> tuple[int, bytes]:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        try:
            writer.write(request)
            status = int((await reader.readline()).split()[1])
            length, close = 0, False
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
                elif name.strip().lower() == b"connection":
                    close = value.strip().lower() == b"close"
            body = await reader.readexactly(length)
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
            self.close()
            raise
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


def prepared(host: str, port: int) -> list[tuple[str, bytes]]:
    """Each of REQUESTS as the bytes of an HTTP request."""
    result = []
    for path, body in REQUESTS:
        content = json.dumps(body, ensure_ascii=False).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(content)}\r\n\r\n"
        )
        result.append((path, head.encode() + content))
    return result


async def one_client(
    connection: Connection,
    requests: list[tuple[str, bytes]],
    stop: float,
    work: Iterator[int],
    tally: Tally,
) -> None:
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.monotonic() >= stop:
            break
        path, request = requests[next(work) % len(requests)]
        began = time.perf_counter()
        try:
            status, body = await connection.send(request)
            if status != 200:
                tally.errors.append(f"{path}: {status} {body[:200]!r}")
        except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
            tally.errors.append(f"{path}: {type(error).__name__}: {error}")
        tally.latencies.append(time.perf_counter() - began)
    connection.close()


async def poll_health(client: httpx.AsyncClient, done: asyncio.Event, into: list[float]) -> None:
    """Health check latencies until ``done``, on a connection of its own."""
    while not done.is_set():
        began = time.perf_counter()
        try:
            await client.get("/api/health")
        except httpx.HTTPError:
            into.append(float("inf"))
        else:
            into.append(time.perf_counter() - began)
        await asyncio.sleep(HEALTH_EVERY)


async def load(base_url: str, server_pid: int, clients: int, seconds: float) -> Tally:
    host, port = httpx.URL(base_url).host, httpx.URL(base_url).port or 80
    requests = prepared(host, port)
    tally = Tally()
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as prober:
        done = asyncio.Event()
        health = asyncio.create_task(poll_health(prober, done, tally.health))
        work = itertools.count()
        cpu_before = cpu_seconds(server_pid)
        began = time.monotonic()
        stop = began + seconds
        await asyncio.gather(
            *(
                one_client(Connection(host, port), requests, stop, work, tally)
                for _ in range(clients)
            )
        )
        tally.elapsed = time.monotonic() - began
        cpu_after = cpu_seconds(server_pid)
        tally.cpu_server = cpu_after[0] - cpu_before[0]
        tally.cpu_workers = cpu_after[1] - cpu_before[1]
        done.set()
        await health
    return tally


def user_dict(number: int) -> dict[str, str]:
    """A user dictionary of about 80 bytes of JSON, different for every ``number``."""
    first, second = divmod(number, 26)
    word = chr(0x4E00 + 97 * first) + chr(0x4E00 + 31 * second + 7)
    return {word: "ā á", "银行": "yín háng", "行长": "háng zhǎng"}


async def user_dicts(base_url: str, count: int) -> list[int]:
    async with httpx.AsyncClient(base_url=base_url, timeout=60.0) as client:
        statuses = []
        for number in range(count):
            body = {"text": SENTENCE, "user_dict": user_dict(number)}
            statuses.append((await client.post("/api/annotate", json=body)).status_code)
    return statuses


@dataclass
class Huge:
    status: int
    seconds: float
    response_bytes: int
    health_max: float
    health_count: int


async def huge_json(base_url: str, size: int) -> Huge:
    line = PARAGRAPH + "\n"
    # as many lines as fit in ``size`` bytes of JSON (a line break is two bytes there)
    text = line * ((size - 100) // len(json.dumps(line, ensure_ascii=False).encode()))
    content = json.dumps({"text": text, "format": "json"}, ensure_ascii=False).encode()
    async with (
        httpx.AsyncClient(base_url=base_url, timeout=120.0) as client,
        httpx.AsyncClient(base_url=base_url, timeout=120.0) as prober,
    ):
        done = asyncio.Event()
        health: list[float] = []
        probe = asyncio.create_task(poll_health(prober, done, health))
        began = time.perf_counter()
        response = await client.post(
            "/api/annotate", content=content, headers={"content-type": "application/json"}
        )
        seconds = time.perf_counter() - began
        done.set()
        await probe
    return Huge(response.status_code, seconds, len(response.content), max(health), len(health))


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.1f}"


def print_load(rows: list[tuple[int, Tally, Memory]]) -> None:
    print(
        "| clients | requests | req/s | p50 ms | p99 ms | max ms | health p50 ms "
        "| health max ms | errors | server CPU ms/req (loop + workers) | RSS MB | PSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|")
    for clients, tally, memory in rows:
        count = len(tally.latencies)
        print(
            f"| {clients} | {count} | {count / tally.elapsed:.0f} "
            f"| {ms(statistics.median(tally.latencies))} "
            f"| {ms(percentile(tally.latencies, 0.99))} | {ms(max(tally.latencies))} "
            f"| {ms(statistics.median(tally.health))} | {ms(max(tally.health))} "
            f"| {len(tally.errors)} | {1000 * tally.cpu_server / count:.2f} + "
            f"{1000 * tally.cpu_workers / count:.2f} "
            f"| {memory.rss_mb:.0f} | {memory.pss_mb:.0f} |"
        )
        for error in tally.errors[:3]:
            print(f"  {error}")


def run(arguments: argparse.Namespace, server: subprocess.Popen[bytes], base_url: str) -> bool:
    async def up() -> None:
        async with httpx.AsyncClient(base_url=base_url) as client:
            await wait_until_up(client, server)
            for path, body in REQUESTS:  # warm up: every kind of request once
                (await client.post(path, json=body)).raise_for_status()

    asyncio.run(up())
    started = memory_of(server.pid)
    print(
        f"server started: RSS {started.rss_mb:.0f} MB, PSS {started.pss_mb:.0f} MB "
        f"({started.processes} processes)"
    )
    statuses = asyncio.run(user_dicts(base_url, arguments.user_dicts))
    after = memory_of(server.pid)
    grown = after.rss_mb - started.rss_mb
    print(
        f"after {arguments.user_dicts} distinct user dictionaries (statuses "
        f"{sorted(set(statuses))}): RSS {after.rss_mb:.0f} MB (+{grown:.0f}), "
        f"PSS {after.pss_mb:.0f} MB (+{after.pss_mb - started.pss_mb:.0f})"
    )
    rows = []
    for clients in arguments.clients:
        tally = asyncio.run(load(base_url, server.pid, clients, arguments.seconds))
        rows.append((clients, tally, memory_of(server.pid)))
    print_load(rows)
    if arguments.huge:
        huge = asyncio.run(huge_json(base_url, arguments.huge))
        print(
            f"one {arguments.huge / 1e6:g} MB format json request: status {huge.status} after "
            f"{huge.seconds:.1f} s, {huge.response_bytes / 1e6:.1f} MB back; health meanwhile: "
            f"{huge.health_count} checks, slowest {ms(huge.health_max)} ms"
        )
    return not any(tally.errors for _, tally, _ in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="*", default=[8, 64, 200])
    parser.add_argument("--seconds", type=float, default=5.0, help="per number of clients")
    parser.add_argument("--user-dicts", type=int, default=20)
    parser.add_argument("--huge", type=int, default=1_000_000, help="bytes; 0: skip")
    arguments = parser.parse_args()
    port = free_port()
    server = start_server(port)
    try:
        ok = run(arguments, server, f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait(30)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
