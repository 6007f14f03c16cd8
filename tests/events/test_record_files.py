"""Reading a record file a chunk at a time: the same records, lines and errors as reading it
whole, whatever the chunk boundaries cut (a record, a number, a multi-byte character), and
memory bounded by the chunk, not the file."""

import json
import tracemalloc

import pytest
from django.core.management import CommandError

from events.management import record_files
from events.management.record_files import RecordFile


@pytest.fixture
def tiny_chunks(monkeypatch):
    monkeypatch.setattr(record_files, "CHUNK_SIZE", 7)


def lines_of_starts(text, records):
    """The line on which each top-level object starts, found by hand."""
    decoder, position, found = json.JSONDecoder(), text.index("[") + 1, []
    for _record in records:
        while text[position] in " \t\r\n,":
            position += 1
        found.append(text.count("\n", 0, position) + 1)
        _value, position = decoder.raw_decode(text, position)
    return found


def test_chunks_cut_anywhere_give_the_same_records_and_lines(tmp_path, tiny_chunks):
    records = [
        {"model": "people.person", "pk": 12345678, "fields": {"given_name": "Zhāng 张"}},
        {"model": "events.event", "fields": {"title": "Ümlaut — 上海", "n": 3.25}},
        {"model": "people.organization", "fields": {"name": "x" * 40, "flag": True}},
    ]
    text = json.dumps(records, indent=2, ensure_ascii=False)
    path = tmp_path / "records.json"
    path.write_text(text, encoding="utf-8")

    read = list(RecordFile(path))

    assert [value for _line, value in read] == records
    assert [line for line, _value in read] == lines_of_starts(text, records)
    assert RecordFile(path).count() == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[\n  {"model": "a"},\n  {"model": "b" "x": 1}\n]', "line 3, column 17"),
        ('[\n  {"model": "a"}\n  {"model": "b"}\n]', "line 3, column 3: Expecting ','"),
        ('[\n  {"model": "a"},\n  {"model": "b"}', "The file ends before the list is closed"),
        ('[{"model": "a"}]\n\n  [', "line 3, column 3: Extra data after the list"),
    ],
)
def test_a_broken_file_names_line_and_column_across_chunks(tmp_path, tiny_chunks, text, message):
    path = tmp_path / "broken.json"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(CommandError) as error:
        RecordFile(path).count()

    assert "not valid JSON" in str(error.value)
    assert message in str(error.value)
    assert "Nothing was imported" in str(error.value)


def test_a_byte_that_is_not_utf8_is_named_by_its_offset(tmp_path, tiny_chunks):
    path = tmp_path / "latin1.json"
    content = b'[{"model": "people.person", "fields": {"given_name": "Jos\xe9"}}]'
    path.write_bytes(content)

    with pytest.raises(CommandError) as error:
        RecordFile(path).count()

    assert "not UTF-8 text" in str(error.value)
    assert f"at byte {content.index(0xE9)}" in str(error.value)


def test_reading_a_large_file_holds_a_chunk_not_the_file(tmp_path):
    path = tmp_path / "large.json"
    record = {"model": "people.person", "fields": {"biography": "words " * 50}}
    with path.open("w", encoding="utf-8") as file:
        file.write("[\n")
        file.write(",\n".join(json.dumps(record) for _ in range(60_000)))
        file.write("\n]\n")
    assert path.stat().st_size > 20_000_000

    tracemalloc.start()
    try:
        count = sum(1 for _record in RecordFile(path))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert count == 60_000
    assert peak < 8_000_000
