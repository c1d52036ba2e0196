"""Structured logs: one line per record, the message plus the fields passed in `extra`.

`LOG_FORMAT=text` (the default) writes `key=value` pairs a person can grep; `LOG_FORMAT=json` writes one
JSON object per line for a log pipeline. Fields carry ids, never what a person typed (names, addresses),
so the logs hold no personal data and no text that could forge a log line."""

import json
import logging
import re
from datetime import UTC, datetime

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}


# Werkzeug wraps its request lines in terminal colour codes; in a log file (or quoted) they are noise.
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def message_of(record: logging.LogRecord) -> str:
    return ANSI_ESCAPE.sub("", record.getMessage())


def fields_of(record: logging.LogRecord) -> dict:
    return {key: value for key, value in vars(record).items() if key not in _STANDARD}


def _timestamp(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text_value(value) -> str:
    text = str(value)
    # Quote anything that would break "key=value" parsing, including newlines (no forged lines).
    if not text or any(char in text for char in ' ="\n\r\t'):
        return json.dumps(text, ensure_ascii=False)
    return text


class TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        parts = [_timestamp(record), record.levelname, record.name, _text_value(message_of(record))]
        parts += [f"{key}={_text_value(value)}" for key, value in fields_of(record).items()]
        line = " ".join(parts)
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JSONFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": message_of(record),
            **fields_of(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


FORMATTERS = {"text": TextFormatter, "json": JSONFormatter}


def configure(log_format: str, level: str = "INFO") -> None:
    """Install our formatter on the root logger's handler (once per process; gunicorn workers each call it)."""
    if log_format not in FORMATTERS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATTERS)}, not {log_format!r}")
    if not isinstance(logging.getLevelName(str(level).upper()), int):
        raise ValueError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {level!r}")
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, "eventreg", False)), None)
    if handler is None:
        handler = logging.StreamHandler()
        handler.eventreg = True
        root.addHandler(handler)
    root.setLevel(str(level).upper())
    handler.setFormatter(FORMATTERS[log_format]())
