"""The web service's API, in process (httpx over the ASGI app, no socket).

Every endpoint, and every way a request can be refused: 413, 400 (not UTF-8, refused by the
library), 422 (validation, unknown option), 503 (time limit), 404/405.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed")
import httpx

from pinyinize import Annotator
from pinyinize.server import Limits, create_app
from pinyinize.userdict import read_user_dictionary

SENTENCE = "两岸的银行行长长大了"


class Client:
    """A synchronous face for httpx's async client over the ASGI app (one event loop)."""

    def __init__(self, app: object) -> None:
        self.loop = asyncio.new_event_loop()
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        self.client = httpx.AsyncClient(transport=transport, base_url="http://testserver")

    def request(self, method: str, url: str, **kwargs: object) -> httpx.Response:
        return self.loop.run_until_complete(self.client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: object) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self.loop.run_until_complete(self.client.aclose())
        self.loop.close()


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    app = create_app(limits=Limits(max_body_bytes=50_000, timeout=30.0, workers=2))
    client = Client(app)
    yield client
    client.close()
    app.state.pool.close()


def error_of(response: httpx.Response) -> str:
    body = response.json()
    assert isinstance(body["error"], str) and body["error"]
    return body["error"]


# --- the endpoints -----------------------------------------------------------------------


def test_health(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, "两岸(liǎng'àn)的(de)银行(yínháng)行长(hángzhǎng)长大(zhǎngdà)了(le)"),
        ({"format": "pinyin", "tones": "numbers"}, "liang3an4 de5 yin2hang2 hang2zhang3"),
        (
            {"format": "ruby"},
            "<ruby>银<rp>(</rp><rt>yín</rt><rp>)</rp>行<rp>(</rp><rt>háng</rt><rp>)</rp></ruby>",
        ),
        ({"tones": "zhuyin"}, "银行(ㄧㄣˊ ㄏㄤˊ)"),
        ({"select": "polyphones"}, "两岸的(de)银行(yínháng)"),
    ],
    ids=["inline", "pinyin-numbers", "ruby", "zhuyin", "polyphones"],
)
def test_annotate_formats(client, annotator, options, expected):
    response = client.post("/api/annotate", json={"text": SENTENCE, **options})
    assert response.status_code == 200, response.text
    result = response.json()["result"]
    assert expected in result
    assert result == annotator.annotate(SENTENCE, **options)


def test_annotate_json_is_an_object(client):
    response = client.post("/api/annotate", json={"text": "他还了书", "format": "json"})
    document = response.json()["result"]
    assert document["text"] == "他还了书"
    assert document["tokens"][0]["text"] == "他"


def test_annotate_escapes_markup_in_ruby(client):
    attack = "<img src=x onerror=alert(1)>银行"
    result = client.post("/api/annotate", json={"text": attack, "format": "ruby"}).json()
    assert "<img" not in result["result"] and "&lt;img" in result["result"]


def test_annotate_with_user_dict(client):
    body = {"text": SENTENCE, "user_dict": {"银行": "yin2 xing2"}}
    assert "银行(yínxíng)" in client.post("/api/annotate", json=body).json()["result"]
    # the shared annotator is not changed by it
    assert "银行(yínháng)" in client.post("/api/annotate", json={"text": SENTENCE}).json()["result"]


def test_annotate_refuses_annotated_text_unless_forced(client):
    response = client.post("/api/annotate", json={"text": "好(hǎo)"})
    assert response.status_code == 400
    assert "already annotated" in error_of(response)
    forced = client.post("/api/annotate", json={"text": "好(hǎo)", "force": True})
    assert forced.status_code == 200


def test_pieces_cover_the_text_with_offsets(client):
    text = "Hi 你好，两岸的银行行长长大了"
    pieces = client.post("/api/pieces", json={"text": text}).json()["pieces"]
    assert "".join(p["text"] for p in pieces) == text
    for piece in pieces:
        assert text[piece["start"] : piece["start"] + len(piece["text"])] == piece["text"]
    assert {"text": "行长", "start": 11, "pinyin": "hángzhǎng", "syllables": ["háng", "zhǎng"]} in (
        pieces
    )


def test_pieces_follow_the_selection(client):
    body = {"text": SENTENCE, "select": "polyphones"}
    pieces = client.post("/api/pieces", json=body).json()["pieces"]
    assert [p["text"] for p in pieces if p["pinyin"]] == ["的", "银行", "行长", "长大", "了"]


def test_strip(client, annotator):
    for format in ("inline", "ruby", "json"):
        annotated = annotator.annotate(SENTENCE, format=format)
        response = client.post("/api/strip", json={"text": annotated, "format": format})
        assert response.json() == {"text": SENTENCE}


def test_check(client):
    problems = client.post("/api/check", json={"text": "银行(yínxíng)"}).json()["problems"]
    assert [p["kind"] for p in problems] == ["reading"]
    assert problems[0]["suggestion"] == "(yínháng)"
    assert client.post("/api/check", json={"text": SENTENCE}).json() == {"problems": []}


def test_readings_in_context(client):
    body = {"word": "行长", "context": SENTENCE, "start": 5}
    answer = client.post("/api/readings", json=body).json()
    assert answer["current"] == {"pinyin": "hángzhǎng", "readings": ["hang2", "zhang3"]}
    pinyins = [c["pinyin"] for c in answer["candidates"]]
    assert pinyins[0] == "hángzhǎng" and "xíngzhǎng" in pinyins and "hángcháng" in pinyins
    assert (
        answer["characters"][0]["char"] == "行" and "xíng" in answer["characters"][0]["candidates"]
    )


def test_readings_by_get_finds_the_word(client):
    params = {"word": "还", "context": "他还了书", "tones": "numbers"}
    answer = client.get("/api/readings", params=params).json()
    assert answer["start"] == 1
    assert {"huan2", "hai2"} <= {c["pinyin"] for c in answer["candidates"]}


def test_readings_with_the_users_choice(client):
    body = {"word": "行长", "context": SENTENCE, "user_dict": {"行长": "xíngzhǎng"}}
    answer = client.post("/api/readings", json=body).json()
    assert answer["current"]["pinyin"] == "xíngzhǎng"


def test_a_chosen_reading_round_trips_as_a_user_dictionary(client):
    """What the page exports (word<TAB>numbered readings) reads back as the same reading."""
    answer = client.post("/api/readings", json={"word": "银行", "context": SENTENCE}).json()
    chosen = next(c for c in answer["candidates"] if c["pinyin"] == "yínxíng")
    line = f"银行\t{' '.join(chosen['readings'])}"
    assert read_user_dictionary({"银行": line.split("\t")[1]}) == {"银行": ("yin2", "xing2")}


def test_readings_of_erhua_are_one_per_character(client):
    body = {"word": "一点儿", "context": "给我一点儿水", "mode": "textbook"}
    answer = client.post("/api/readings", json=body).json()
    assert answer["current"]["pinyin"] == "yìdiǎnr"
    assert answer["candidates"][0]["readings"] == ["yi1", "dian3", "er5"]
    assert all(len(c["readings"]) == 3 for c in answer["candidates"])


def test_readings_caps_the_combinations(client):
    answer = client.post("/api/readings", json={"word": "行" * 30}).json()
    assert 0 < len(answer["candidates"]) <= 24


def test_readings_of_a_word_not_in_the_context(client):
    response = client.post("/api/readings", json={"word": "银行", "context": "他还了书"})
    assert response.status_code == 400
    assert "not in the context" in error_of(response)
    response = client.post("/api/readings", json={"word": "银行", "context": SENTENCE, "start": 0})
    assert response.status_code == 400 and "offset 0" in error_of(response)


def test_openapi_describes_every_endpoint(client):
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/api/annotate", "/api/strip", "/api/check", "/api/readings", "/api/health"):
        assert path in paths
    assert set(paths["/api/readings"]) == {"get", "post"}


def test_the_page_and_its_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200 and "text/html" in response.headers["content-type"]
    assert '<script src="/static/app.js"' in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    for asset in ("/static/app.js", "/static/style.css"):
        assert client.get(asset).status_code == 200


def test_the_page_never_writes_html_from_strings():
    from pinyinize.server.app import STATIC

    script = (STATIC / "app.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in script


# --- refusals ------------------------------------------------------------------------------


def test_413_when_content_length_is_over_the_limit(client):
    response = client.post("/api/annotate", json={"text": "银" * 20_000})
    assert response.status_code == 413
    assert "50000 bytes" in error_of(response)


def test_413_when_a_streamed_body_passes_the_limit(client):
    """A chunked upload has no Content-Length: the bytes are counted as they come."""
    chunks_sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        yield b'{"text": "'
        for _ in range(1000):
            chunks_sent += 1
            yield "银行".encode() * 100
        yield b'"}'

    response = client.post(
        "/api/annotate", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "limit" in error_of(response)


def test_400_when_the_body_is_not_utf8(client):
    for body in (b'{"text": "\xff\xfe"}', '{"text": "银行"}'.encode("gb18030")):
        response = client.post(
            "/api/annotate", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400
        assert "not UTF-8" in error_of(response)


def test_400_when_utf16_json_is_sent(client):
    """json.loads would quietly accept UTF-16; the API says UTF-8 and means it."""
    body = json.dumps({"text": "银行"}).encode("utf-16")
    response = client.post(
        "/api/annotate", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


def test_400_when_the_query_is_not_utf8(client):
    response = client.get("/api/readings?word=%FF%FE")
    assert response.status_code == 400
    assert "query string is not UTF-8" in error_of(response)


def test_a_bad_content_length_is_refused(client):
    response = client.post("/api/annotate", content=b"{}", headers={"content-length": "abc"})
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"text": "x", "tone": "marks"}, ["tone", "unknown option"]),
        ({"text": "x", "tones": "loud"}, ["tones", "marks"]),
        ({"text": "x", "format": "pdf"}, ["format", "inline"]),
        ({"text": "x", "mode": "fast"}, ["mode"]),
        ({"text": "x", "select": "level:12"}, ["select", "level:12"]),
        ({"text": 5}, ["text", "string"]),
        ({}, ["text", "required"]),
        ({"text": "x", "user_dict": {"银行": 5}}, ["user_dict"]),
        ({"text": "x", "user_dict": ["银行"]}, ["user_dict"]),
    ],
    ids=[
        "unknown-option",
        "tones",
        "format",
        "mode",
        "select",
        "text-type",
        "no-text",
        "user-dict-value",
        "user-dict-type",
    ],
)
def test_422_for_requests_that_do_not_match_the_api(client, body, words):
    response = client.post("/api/annotate", json=body)
    assert response.status_code == 422, response.text
    message = error_of(response)
    for word in words:
        assert word in message


def test_422_for_half_a_surrogate_pair(client):
    """Valid JSON and valid UTF-8, but not text: it could not be answered in UTF-8."""
    response = client.post(
        "/api/annotate",
        content=b'{"text": "\\ud800"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert "lone surrogate" in error_of(response)


def test_422_for_json_that_does_not_parse(client):
    for body in (b'{"text": ', b"[1, 2]", b"null", b""):
        response = client.post(
            "/api/annotate", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 422, (body, response.text)


def test_400_for_a_bad_user_dictionary(client):
    body = {"text": SENTENCE, "user_dict": {"银行": "not pinyin"}}
    response = client.post("/api/annotate", json=body)
    assert response.status_code == 400
    assert "not pinyin" in error_of(response)


def test_400_for_json_strip_of_something_else(client):
    response = client.post("/api/strip", json={"text": "{", "format": "json"})
    assert response.status_code == 400
    response = client.post("/api/strip", json={"text": "x", "format": "pinyin"})
    assert response.status_code == 422


def test_404_and_405_are_json(client):
    assert error_of(client.get("/api/nothing")) == "Not Found"
    response = client.get("/api/annotate")
    assert response.status_code == 405 and error_of(response)


class Slow(Annotator):
    """Each worker's Annotator in the time-limit test: its annotate never ends on time."""

    def annotate(self, text: str, *options: object, **overrides: object) -> str:
        time.sleep(30)
        return "late"


def test_503_when_the_work_runs_past_the_time_limit():
    app = create_app(Slow, Limits(timeout=0.5, workers=1))
    client = Client(app)
    try:
        client.loop.run_until_complete(app.state.pool.start())
        began = time.monotonic()
        response = client.post("/api/annotate", json={"text": SENTENCE})
        assert response.status_code == 503
        assert "0.5 s" in error_of(response)
        assert response.headers["retry-after"] == "1"
        assert time.monotonic() - began < 3
        # the health check does not wait for the workers, and the stopped one was replaced
        assert client.get("/api/health").status_code == 200
        response = client.post("/api/strip", json={"text": "银行(yínháng)"})
        assert response.status_code == 200
    finally:
        app.state.pool.close()
        client.close()


def test_the_serve_command_passes_its_options(monkeypatch):
    from click.testing import CliRunner

    import pinyinize.server
    from pinyinize.cli import main

    calls = []
    monkeypatch.setattr(pinyinize.server, "serve", lambda *args: calls.append(args))
    result = CliRunner().invoke(
        main, ["serve", "--port", "9001", "--max-body", "2000", "--timeout", "2.5"]
    )
    assert result.exit_code == 0, result.output
    assert calls == [("127.0.0.1", 9001, Limits(max_body_bytes=2000, timeout=2.5))]
    assert CliRunner().invoke(main, ["serve", "--port", "70000"]).exit_code == 2


def test_annotate_in_citation_mode(client):
    body = {"text": "衣服", "mode": "citation", "tones": "numbers"}
    assert client.post("/api/annotate", json=body).json()["result"] == "衣服(yi1fu2)"


def test_annotate_and_pieces_read_numbers_when_asked(client):
    body = {"text": "共2个", "tones": "numbers", "numbers": True}
    result = client.post("/api/annotate", json=body).json()["result"]
    assert result == "共(gong4)2(liang3)个(ge4)"
    plain = client.post("/api/annotate", json={"text": "共2个"}).json()["result"]
    assert plain == "共(gòng)2个(gè)"
    pieces = client.post("/api/pieces", json={"text": "12%", "numbers": True}).json()["pieces"]
    assert pieces == [{"text": "12%", "start": 0, "pinyin": "bǎi fēn zhī shí'èr", "syllables": []}]
