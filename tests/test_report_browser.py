"""The quick report in headless Chromium: it renders, every image loads, no console errors.

The page sets ``data-images-ok`` on ``<body>`` once every image has loaded with a
non-zero natural width; ``--dump-dom`` after a virtual-time budget shows the attribute,
and ``--enable-logging=stderr`` shows console messages.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("lab")]


def _chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def dom_and_log(quick_report, tmp_path_factory):
    exe = _chromium()
    if exe is None:
        pytest.skip("headless Chromium not found (install the Debian package `chromium`, "
                    "e.g. `make browser`)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=10000", "--dump-dom",
           quick_report.html_path.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, proc.stderr


def test_report_renders_in_chromium(dom_and_log):
    dom, _ = dom_and_log
    assert "<h1>actloss lab report</h1>" in dom
    assert dom.count('class="experiment"') == 14  # the registered experiments


def test_every_image_loads(dom_and_log):
    dom, _ = dom_and_log
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert 'data-images-ok="true"' in body, body
    count = int(re.search(r'data-image-count="(\d+)"', body).group(1))
    assert count == 15  # 14 experiment figures and the gallery


def test_console_has_no_errors(dom_and_log):
    _, log = dom_and_log
    console = [line for line in log.splitlines() if "CONSOLE" in line]
    errors = [line for line in console if re.search(r"error|uncaught", line, re.I)]
    assert not errors, errors
