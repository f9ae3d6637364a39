"""One AnnotationOptions value through every door (issue 12): the API, the Annotator, the
document formats, batch, the server and the CLI build it once and pass it whole."""

from __future__ import annotations

import pickle

import pytest

import pinyinize
from pinyinize import AnnotationOptions, Format, Mode, Selection, Tones
from pinyinize.alternatives import word_readings
from pinyinize.batch import BatchSettings
from pinyinize.cli import annotate as annotate_command
from pinyinize.cli import batch as batch_command
from pinyinize.errors import InputError
from pinyinize.formats import annotate_document, strip_document
from pinyinize.options import parse_selection


def test_module_annotate_takes_force():
    assert pinyinize.annotate("好(hǎo)", force=True) == "好(hǎo)(hǎo)"
    with pytest.raises(InputError, match="already annotated"):
        pinyinize.annotate("好(hǎo)")


def test_the_options_object_is_public():
    assert "AnnotationOptions" in pinyinize.__all__


def test_strings_are_converted_once_on_construction():
    options = AnnotationOptions(format="ruby", tones="numbers", mode="spoken", selection="rare")
    assert options.format is Format.RUBY
    assert options.tones is Tones.NUMBERS
    assert options.mode is Mode.SPOKEN
    assert options.selection == Selection(characters=3500)
    assert AnnotationOptions.parse(select="level:4,first").selection == Selection(
        level=4, first=True
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"tones": "bogus"}, "'bogus' is not a valid Tones"),
        ({"mode": "fast"}, "'fast' is not a valid Mode"),
        ({"format": "pdf"}, "'pdf' is not a valid Format"),
        ({"select": "level:12"}, "unknown selection 'level:12'"),
    ],
)
def test_bad_values_raise_the_errors_they_always_raised(values, message):
    with pytest.raises(ValueError, match=message):
        AnnotationOptions.parse(**values)
    with pytest.raises(ValueError, match=message):
        pinyinize.annotate("银行", **values)


def test_unknown_or_doubled_option_names_are_refused():
    with pytest.raises(TypeError, match="unknown annotation option"):
        pinyinize.annotate("银行", colour="red")
    with pytest.raises(TypeError, match="once"):
        AnnotationOptions().replace(select="first", selection="rare")


def test_options_and_keyword_overrides_annotate_alike(annotator):
    text = "银行行长长大了，银行"
    options = AnnotationOptions(format=Format.RUBY, tones=Tones.NUMBERS, selection="first")
    by_keywords = annotator.annotate(text, format="ruby", tones="numbers", select="first")
    assert annotator.annotate(text, options) == by_keywords
    assert annotator.annotate(text, options, format="inline") == annotator.annotate(
        text, tones="numbers", select="first"
    )


def test_selection_is_an_option_not_a_constructor_argument():
    with pytest.raises(TypeError):
        pinyinize.Annotator(select="level:3")  # type: ignore[call-arg]


@pytest.mark.parametrize("text", ["all", "polyphones", "level:4,first", "rare", "chars:2.5"])
def test_a_selection_writes_back_as_it_parses(text):
    selection = parse_selection(text)
    assert parse_selection(str(selection)) == selection


def test_batch_settings_embed_the_options_and_keep_their_fingerprint():
    # The fingerprint main computed for the default settings: a run interrupted before the
    # options had their own value still resumes.
    assert BatchSettings().fingerprint() == (
        "055b6e74bb3a414c3b5d138a7beea5253f8cd73b62a16596896f63cc3507575b"
    )
    settings = BatchSettings(options=AnnotationOptions.parse(tones="numbers", select="first"))
    assert pickle.loads(pickle.dumps(settings)) == settings
    assert settings.fingerprint() != BatchSettings().fingerprint()


def test_the_server_maps_a_request_to_the_options_in_one_place():
    pytest.importorskip("fastapi")
    from pinyinize.server.api import AnnotateRequest, annotation_options

    request = AnnotateRequest(
        text="银行", format=Format.RUBY, tones=Tones.NUMBERS, select="first", force=True
    )
    assert annotation_options(request) == AnnotationOptions(
        format=Format.RUBY, tones=Tones.NUMBERS, selection=Selection(first=True), force=True
    )


def test_annotate_and_batch_share_one_group_of_options():
    def names(command: object) -> set[str]:
        return {parameter.name for parameter in command.params}  # type: ignore[attr-defined]

    shared = {"format", "tones", "mode", "per_character", "select", "orthography", "force"}
    assert shared <= names(annotate_command) & names(batch_command)


def test_plain_text_goes_through_its_format_with_a_newline_after_json(annotator):
    options = AnnotationOptions(format=Format.JSON)
    data = "银行\n行长".encode()
    annotated = annotate_document(data, annotator, options, kind="text")
    assert annotated.endswith(b"}\n") and annotated.count(b"\n") == 1
    twice = annotated + b"\n" + annotated
    assert strip_document(twice, annotator, options, kind="text") == data + data


def test_alternative_readings_come_from_the_library(annotator):
    found = word_readings(annotator, "行长", "银行行长", tones=Tones.NUMBERS)
    assert found.start == 2
    assert found.current is not None and found.current.pinyin == "hang2zhang3"
    assert found.candidates[0].readings == ("hang2", "zhang3")
    assert [c.char for c in found.characters] == ["行", "长"]
    with pytest.raises(InputError, match="not at offset 0"):
        word_readings(annotator, "行长", "银行行长", 0)


def test_pinyinize_strip_is_the_function_and_no_module_hides_behind_it():
    """`import pinyinize.strip` used to find a module that the function shadowed."""
    import importlib

    import pinyinize

    assert callable(pinyinize.strip)
    assert pinyinize.strip("银行(yínháng)") == "银行"  # noqa: B005 - not str.strip
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("pinyinize.strip")
