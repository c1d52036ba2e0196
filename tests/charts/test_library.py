"""The Chart.js the app serves is the one package.json pins. Its copy in eventreg/static/ is committed, so that
`make run`, a production checkout and nginx serve it without Node; this test, run by `make test` after `npm ci`,
fails while the copy differs from the pinned package's file (refresh it with `make chartjs`)."""

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "eventreg" / "static"
PACKAGE = ROOT / "node_modules" / "chart.js"


def test_the_served_chart_js_is_the_pinned_packages_file():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["chart.js"]
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/chart.js"]["version"]
    assert locked == pinned
    served = (STATIC / "chart.umd.min.js").read_bytes()
    assert f"Chart.js v{pinned}\n".encode() in served[:100]
    if not PACKAGE.exists():
        message = f"{PACKAGE} is missing: run `npm ci` (or `make test`) to compare the served copy with it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    assert json.loads((PACKAGE / "package.json").read_text())["version"] == pinned
    assert (PACKAGE / "dist" / "chart.umd.min.js").read_bytes() == served, "run `make chartjs`"
    assert (PACKAGE / "LICENSE.md").read_bytes() == (STATIC / "chart.js-LICENSE.md").read_bytes()
