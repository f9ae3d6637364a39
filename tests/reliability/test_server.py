"""Issue 11, items 11 and 12 and bad input: the service stays small, responsive and polite.

- A user dictionary costs a few bytes in a worker, not a model (~22 MB each before).
- CPU-heavy work runs in worker processes: a huge ``format: json`` request leaves
  ``/api/health`` answering in milliseconds, and its worker is stopped at the deadline
  instead of working on after the 503.
- Responses are bounded (413 with a JSON error); every bad input is a JSON 4xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
import httpx

from pinyinize import Annotator
from pinyinize.server import Limits, create_app

SENTENCE = "两岸的银行行长长大了，他还了书。"


@asynccontextmanager
async def serving(limits: Limits) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh app, in process; the app's workers are the test's descendants."""
    app = create_app(limits=limits)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=60
        ) as client:
            yield client
    finally:
        app.state.pool.close()


def process_tree() -> list[int]:
    """This process and all its descendants (the service's workers and their fork server)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    tree, todo = [], [os.getpid()]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree


def tree_rss_mb() -> float:
    """Resident memory of the process tree, in MB."""
    total = 0
    for pid in process_tree():
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def tree_cpu_seconds() -> float:
    """CPU time used so far by the process tree (user + system, live processes)."""
    ticks = 0
    for pid in process_tree():
        with contextlib.suppress(OSError, IndexError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def user_dict(number: int) -> dict[str, str]:
    """About 80 bytes of JSON, different for each number."""
    word = chr(0x4E00 + 97 * (number // 26)) + chr(0x4E00 + 31 * (number % 26) + 7)
    return {word: "ā á", "银行": "yín háng", "行长": "háng zhǎng"}


# --- item 11: user dictionaries ------------------------------------------------------------


def test_twenty_user_dictionaries_cost_no_model_each():
    async def scenario() -> tuple[float, float]:
        async with serving(Limits(timeout=30)) as client:
            for number in (98, 99):  # every worker up, and one user dictionary seen
                body = {"text": SENTENCE, "user_dict": user_dict(number)}
                assert (await client.post("/api/annotate", json=body)).status_code == 200
            before = tree_rss_mb()
            for number in range(20):
                body = {"text": SENTENCE, "user_dict": user_dict(number)}
                response = await client.post("/api/annotate", json=body)
                assert response.status_code == 200, response.text
            return before, tree_rss_mb()

    before, after = asyncio.run(scenario())
    assert after - before < 20, f"RSS {before:.0f} → {after:.0f} MB"  # was +440 MB


def test_a_user_dictionary_still_wins_and_is_not_kept_by_the_shared_annotator():
    async def scenario() -> list[str]:
        async with serving(Limits(timeout=30)) as client:
            results = []
            for words in ({"银行": "yin2 xing2"}, {}):
                body = {"text": "银行", "user_dict": words, "tones": "numbers"}
                results.append((await client.post("/api/annotate", json=body)).json()["result"])
            return results

    assert asyncio.run(scenario()) == ["银行(yin2xing2)", "银行(yin2hang2)"]


def test_the_cache_of_user_dictionaries_is_bounded_by_bytes():
    from pinyinize.server.service import UserDictionaries

    cache = UserDictionaries(max_bytes=20_000)
    for number in range(200):
        cache.parsed(user_dict(number))
        assert cache.bytes <= cache.max_bytes
    assert 0 < len(cache) < 200
    kept = len(cache)
    cache.parsed(user_dict(199))  # the most recent one is still there: nothing is added
    assert len(cache) == kept
    huge = {chr(0x4E00 + n) + chr(0x4E01 + n): "yī yī" for n in range(500)}
    assert len(cache.parsed(huge)) == 500  # used, but larger than the cache: not kept
    assert cache.bytes <= cache.max_bytes and len(cache) == kept


# --- item 12: heavy requests, deadlines, bounded responses ---------------------------------


def huge_json_body(size: int) -> bytes:
    line = "6月的桑日,苍穹如洗、云絮似棉,澄澈的雅江水携着清冽的融雪蜿蜒远去。\n"
    text = line * (size // len(json.dumps(line, ensure_ascii=False).encode()))
    return json.dumps({"text": text, "format": "json"}, ensure_ascii=False).encode()


def test_a_huge_json_request_neither_blocks_health_nor_outlives_its_deadline():
    # No response limit: the work must run into the deadline, not be refused at once.
    limits = Limits(timeout=1.0, max_body_bytes=1_000_000, max_response_bytes=10**9)

    async def scenario() -> tuple[int, float, list[float], float]:
        async with serving(limits) as client:
            assert (await client.post("/api/annotate", json={"text": "银行"})).status_code == 200
            health: list[float] = []
            done = asyncio.Event()

            async def poll() -> None:
                while not done.is_set():
                    began = time.perf_counter()
                    assert (await client.get("/api/health")).status_code == 200
                    health.append(time.perf_counter() - began)
                    await asyncio.sleep(0.02)

            poller = asyncio.create_task(poll())
            began = time.perf_counter()
            response = await client.post(
                "/api/annotate",
                content=huge_json_body(600_000),
                headers={"content-type": "application/json"},
            )
            took = time.perf_counter() - began
            done.set()
            await poller
            await asyncio.sleep(0.3)  # a replacement worker starts
            cpu = tree_cpu_seconds()
            await asyncio.sleep(1.0)
            busy = tree_cpu_seconds() - cpu
            return response.status_code, took, health, busy

    status, took, health, busy = asyncio.run(scenario())
    assert status == 503 and took < 3
    assert len(health) >= 10 and max(health) < 0.25, f"slowest health {max(health):.3f} s"
    assert busy < 0.3, f"{busy:.2f} s of CPU in the second after the 503: the work went on"
    # (before: 1.2 s health checks, and a thread that kept annotating for ten more seconds)


def test_responses_over_the_limit_are_a_413_with_a_json_error():
    limits = Limits(timeout=30, max_response_bytes=20_000)

    async def scenario() -> list[httpx.Response]:
        async with serving(limits) as client:
            text = SENTENCE * 100
            return [
                await client.post("/api/annotate", json={"text": text, "format": "json"}),
                await client.post("/api/annotate", json={"text": SENTENCE, "format": "json"}),
            ]

    too_large, small = asyncio.run(scenario())
    assert too_large.status_code == 413
    assert "over the limit of 20000" in too_large.json()["error"]
    assert small.status_code == 200
    assert small.json()["result"]["text"] == SENTENCE  # json output is an object, as before


def test_a_json_response_known_to_be_too_large_is_refused_at_once():
    limits = Limits(timeout=30, max_body_bytes=1_000_000)

    async def scenario() -> tuple[httpx.Response, float]:
        async with serving(limits) as client:
            await client.post("/api/annotate", json={"text": "银行"})  # workers up
            began = time.perf_counter()
            response = await client.post(
                "/api/annotate",
                content=huge_json_body(1_000_000),
                headers={"content-type": "application/json"},
            )
            return response, time.perf_counter() - began

    response, took = asyncio.run(scenario())
    assert response.status_code == 413 and took < 1  # was 12.5 s and a 60 MB answer
    assert "at least" in response.json()["error"]


@pytest.mark.parametrize(
    "text", ["银", "一二三", "的" * 50, "花儿", "两岸的银行行长长大了", "A银B行C", "𠀀𠀁", "〇"]
)
def test_format_json_writes_at_least_the_floor_the_early_413_assumes(annotator, text):
    from pinyinize.server.api import JSON_BYTES_PER_HAN, count_han

    for mode in ("dictionary", "spoken"):
        for select in ("all", "polyphones"):
            written = annotator.annotate(text, format="json", mode=mode, select=select)
            assert len(written.encode()) >= JSON_BYTES_PER_HAN * count_han(text)


class SlowOnRequest(Annotator):
    """A worker's Annotator whose strip of ``"slow"`` never ends on time."""

    def strip(self, text: str, **options: object) -> str:
        if text == "slow":
            time.sleep(30)
        return text


def test_a_request_queued_behind_an_overrunning_one_is_answered_by_another_worker():
    app = create_app(SlowOnRequest, Limits(workers=1, timeout=1.0))

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await app.state.pool.start()
            # The second waits in the worker's pipe behind the first, the third in the pool.
            slow = client.post("/api/strip", json={"text": "slow"})
            fast = client.post("/api/strip", json={"text": "好"})
            late = client.post("/api/strip", json={"text": "好"})
            responses = await asyncio.gather(slow, fast, late)
            return [response.status_code for response in responses]

    try:
        # the third waited for a worker as long as the time limit: refused as overload
        assert asyncio.run(scenario()) == [503, 200, 503]
    finally:
        app.state.pool.close()


def test_an_annotator_instance_is_refused_with_a_clear_message(annotator):
    with pytest.raises(TypeError, match="factory"):
        create_app(annotator)


def test_a_worker_killed_from_outside_is_replaced():
    app = create_app(limits=Limits(workers=1, timeout=30))

    async def scenario() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await app.state.pool.start()
            statuses = []
            for _ in range(2):
                (pid,) = app.state.pool.pids()
                os.kill(pid, signal.SIGKILL)
                await asyncio.sleep(0.2)  # it is seen to be gone, and another one starts
                response = await client.post("/api/strip", json={"text": "银行(yínháng)"})
                statuses.append(response.status_code)
            return statuses

    try:
        assert asyncio.run(scenario()) == [200, 200]
    finally:
        app.state.pool.close()


def test_large_requests_and_replies_pass_beside_small_ones():
    """Bodies over 64 KB go to and from a worker on a thread, never mixed with others."""
    app = create_app(limits=Limits(workers=1, timeout=30, max_body_bytes=1_000_000))
    text = "银行(yínháng)行长(hángzhǎng)\n" * 6_000  # ~190 KB in, ~84 KB out

    async def scenario() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            requests = [client.post("/api/strip", json={"text": text}) for _ in range(2)]
            requests += [client.post("/api/strip", json={"text": "好(hǎo)"}) for _ in range(6)]
            return await asyncio.gather(*requests)

    try:
        responses = asyncio.run(scenario())
    finally:
        app.state.pool.close()
    assert [r.status_code for r in responses] == [200] * 8
    assert [r.json()["text"] for r in responses] == ["银行行长\n" * 6_000] * 2 + ["好"] * 6


# --- bad input: always a JSON 4xx ----------------------------------------------------------

BAD_BODIES = {
    "lone surrogate in text": ("/api/annotate", b'{"text": "\\u94f6\\ud800"}'),
    "lone surrogate in an option": ("/api/annotate", b'{"text": "x", "format": "\\ud800"}'),
    "lone surrogate in a key": ("/api/annotate", b'{"text": "x", "\\udc00": 1}'),
    "lone surrogate in user_dict": (
        "/api/readings",
        b'{"word": "x", "user_dict": {"x": "\\udfff"}}',
    ),
    "wrong type": ("/api/annotate", b'{"text": 5}'),
    "user_dict a list": ("/api/pieces", b'{"text": "x", "user_dict": []}'),
    "not an object": ("/api/check", b"[]"),
    "empty body": ("/api/strip", b""),
    "truncated": ("/api/annotate", b'{"text": "x"'),
    "deep nesting": ("/api/annotate", b"[" * 100_000),
    "deep nesting in a field": ("/api/annotate", b'{"text": "x", "force": ' + b"[" * 50_000),
    "huge integer": ("/api/readings", b'{"word": "x", "start": ' + b"9" * 5000 + b"}"),
    "huge float": ("/api/readings", b'{"word": "x", "start": 1e400}'),
    "huge selection number": ("/api/annotate", b'{"text": "x", "select": "chars:1e400"}'),
    "huge selection digits": (
        "/api/annotate",
        b'{"text": "x", "select": "chars:' + b"9" * 400 + b'"}',
    ),
    "NaN": ("/api/annotate", b'{"text": "x", "tones": NaN}'),
}


@pytest.fixture(scope="module")
def client() -> Iterator[tuple[asyncio.AbstractEventLoop, httpx.AsyncClient, object]]:
    loop = asyncio.new_event_loop()
    app = create_app(limits=Limits(timeout=30))
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
    yield loop, client, app
    loop.run_until_complete(client.aclose())
    app.state.pool.close()
    loop.close()


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_bad_input_is_a_json_4xx(client, case):
    loop, http, _ = client
    path, body = BAD_BODIES[case]
    headers = {"content-type": "application/json"}
    response = loop.run_until_complete(http.post(path, content=body, headers=headers))
    assert 400 <= response.status_code < 500, response.text
    assert isinstance(response.json()["error"], str) and response.json()["error"]


def test_a_lone_surrogate_is_named_as_such(client):
    loop, http, _ = client
    body = b'{"text": "\\ud800"}'
    response = loop.run_until_complete(
        http.post("/api/annotate", content=body, headers={"content-type": "application/json"})
    )
    assert response.status_code == 422 and "lone surrogate" in response.json()["error"]


def test_an_annotator_with_user_words_shares_the_model_and_lexicon(annotator):
    from pinyinize.userdict import read_user_dictionary

    user_dict = {"银行": "yin2 xing2", "长长": "chang2 chang2"}
    derived = annotator.with_user_words(read_user_dictionary(user_dict))
    assert derived.lexicon is annotator.lexicon
    assert derived.stages["disambiguate"] is annotator.stages["disambiguate"]
    text = "两岸的银行行长长长大了"
    expected = Annotator(user_dict=user_dict).annotate(text, tones="numbers")
    assert derived.annotate(text, tones="numbers") == expected
    assert "银行(yin2xing2)" in expected
    assert "银行(yin2hang2)" in annotator.annotate(text, tones="numbers")  # not changed
