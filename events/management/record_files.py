"""
The objects of a record file (a JSON list, as dumpdata writes it) one at a time, each with the
line on which it starts, read a megabyte at a time.

A 10,000-event dump is 170 MB of JSON; read whole and parsed into one list it took 1.2 GB, and
a 100,000-event dump would not fit. Reading it twice, once to check the syntax and count the
records and once to import them, costs a few seconds and means a broken file is refused before
anything is written, with the total known for the progress bar.
"""

import codecs
import json

from django.core.management.base import CommandError

CHUNK_SIZE = 1 << 20
SPACE = " \t\r\n"
LARGEST_RECORD = 64 * CHUNK_SIZE


class RecordFile:
    def __init__(self, path):
        self.path = path

    def __iter__(self):
        """(line, value) for every object of the list; CommandError on a file that is not one."""
        try:
            with open(self.path, "rb") as file:
                yield from _Reader(self, file).records()
        except FileNotFoundError as error:
            raise CommandError(f"{self.path}: no such file.") from error
        except OSError as error:
            raise CommandError(f"{self.path}: cannot be read ({error.strerror}).") from error

    def count(self):
        """The number of objects in the file, checking its syntax from end to end."""
        return sum(1 for _record in self)


class _Reader:
    def __init__(self, record_file, file):
        self.record_file, self.file = record_file, file
        self.decoder = json.JSONDecoder()
        self.utf8 = codecs.getincrementaldecoder("utf-8")()
        self.buffer, self.position, self.eof = "", 0, False
        # Lines are counted from the last place counted, never from the start of the buffer,
        # so finding a record's line costs the length of the record.
        self.line, self.counted = 1, 0
        # The column of buffer[0], for errors on the first line of what is left in the buffer.
        self.column = 1
        self.bytes_read = 0

    def records(self):
        self.skip_space()
        if self.peek() != "[":
            raise CommandError(
                f"{self.record_file.path}: not a record file; it should be a JSON list of "
                'objects such as [{"model": "events.event", "fields": {…}}].'
            )
        self.position += 1
        self.skip_space()
        while self.peek() != "]":
            if self.peek() is None:
                self.fail("The file ends before the list is closed", self.position)
            line = self.current_line()
            yield line, self.decode()
            self.skip_space()
            if self.peek() == ",":
                self.position += 1
                self.skip_space()
            elif self.peek() is None:
                self.fail("The file ends before the list is closed", self.position)
            elif self.peek() != "]":
                self.fail("Expecting ',' delimiter", self.position)
        self.position += 1
        self.skip_space()
        if self.peek() is not None:
            self.fail("Extra data after the list", self.position)

    def fill(self):
        """Read the next chunk; False at the end of the file."""
        if self.eof:
            return False
        if self.position > CHUNK_SIZE:
            self.compact()
        data = self.file.read(CHUNK_SIZE)
        try:
            text = self.utf8.decode(data, final=not data)
        except UnicodeDecodeError as error:
            offset = self.bytes_read + error.start
            raise CommandError(
                f"{self.record_file.path}: not UTF-8 text ({error.reason} at byte {offset})."
            ) from error
        self.bytes_read += len(data)
        self.buffer += text
        self.eof = not data
        return True

    def compact(self):
        """Drop what has been read, keeping the line and column of what is left."""
        self.current_line()
        dropped = self.position
        newline = self.buffer.rfind("\n", 0, dropped)
        self.column = dropped - newline if newline >= 0 else self.column + dropped
        self.buffer = self.buffer[dropped:]
        self.position, self.counted = 0, 0

    def peek(self):
        while self.position >= len(self.buffer):
            if not self.fill():
                return None
        return self.buffer[self.position]

    def skip_space(self):
        while (character := self.peek()) is not None and character in SPACE:
            end = self.position
            while end < len(self.buffer) and self.buffer[end] in SPACE:
                end += 1
            self.position = end

    def current_line(self):
        self.line += self.buffer.count("\n", self.counted, self.position)
        self.counted = self.position
        return self.line

    def decode(self):
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buffer, self.position)
            except json.JSONDecodeError as error:
                # The value may go on in the next chunk; only at the end of the file, or past
                # the size no record reaches, is it wrong.
                if len(self.buffer) - self.position < LARGEST_RECORD and self.fill():
                    continue
                self.fail(error.msg, error.pos)
            # A number or name that ends the buffer may go on in the next chunk.
            if end == len(self.buffer) and self.fill():
                continue
            self.position = end
            return value

    def fail(self, message, position):
        line = self.current_line() + self.buffer.count("\n", self.counted, position)
        newline = self.buffer.rfind("\n", 0, position)
        column = position - newline if newline >= 0 else self.column + position
        raise CommandError(
            f"{self.record_file.path}: not valid JSON at line {line}, column {column}: "
            f"{message}. Nothing was imported."
        )
