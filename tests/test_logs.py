import logging

from eventreg.core import logs


def record(message: str) -> logging.LogRecord:
    return logging.LogRecord("werkzeug", logging.INFO, __file__, 1, message, None, None)


def test_colour_codes_werkzeug_adds_for_a_terminal_never_reach_the_log():
    line = '127.0.0.1 - - "\x1b[32mPOST /host/login HTTP/1.1\x1b[0m" 303 -'
    for formatter in (logs.TextFormatter(), logs.JSONFormatter()):
        out = formatter.format(record(line))
        assert "\x1b" not in out
        assert "u001b" not in out
        assert "[32m" not in out
        assert "POST /host/login HTTP/1.1" in out
