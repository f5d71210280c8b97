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


# --------------------------------------------------------------- Chinese glyphs
# Drawn on a canvas in the page's own font stack: two different characters must leave
# ink and differ from each other and from an unassigned code point (a missing glyph is
# the same "tofu" box for every character).
_PROBE = """<script>
(function () {
  var font = getComputedStyle(document.body).fontFamily;
  function ink(ch) {
    var c = document.createElement("canvas"); c.width = 64; c.height = 64;
    var x = c.getContext("2d");
    x.fillStyle = "#fff"; x.fillRect(0, 0, 64, 64); x.fillStyle = "#000";
    x.font = "40px " + font; x.textBaseline = "top"; x.fillText(ch, 8, 8);
    var d = x.getImageData(0, 0, 64, 64).data, bits = "", n = 0;
    for (var i = 0; i < d.length; i += 4) { var on = d[i] < 128; n += on; bits += on ? 1 : 0; }
    return [n, bits];
  }
  var a = ink("\\u6fc0"), b = ink("\\u6d3b"), tofu = ink("\\ue000");
  var h1 = document.querySelector("h1").getBoundingClientRect().width;
  document.body.dataset.cjkInk = String(Math.min(a[0], b[0]));
  document.body.dataset.cjkDistinct = String(a[1] !== b[1] && a[1] !== tofu[1] && b[1] !== tofu[1]);
  document.body.dataset.h1Width = String(Math.round(h1));
})();
</script>"""


def _cjk_font_installed() -> bool:
    fc = shutil.which("fc-list")
    if fc is None:
        return False
    out = subprocess.run([fc, ":lang=zh"], capture_output=True, text=True, timeout=30).stdout
    return bool(out.strip())


@pytest.fixture(scope="module")
def zh_probe(tmp_path_factory):
    exe = _chromium()
    if exe is None:
        pytest.skip("headless Chromium not found (install the Debian package `chromium`, "
                    "e.g. `make browser`)")
    if not _cjk_font_installed():
        pytest.skip("no CJK font installed (Debian: fonts-wqy-microhei or fonts-noto-cjk, "
                    "which `make browser` installs)")
    from actloss.lab.report import build_report

    out = tmp_path_factory.mktemp("zh-report")
    res = build_report(quick=True, lang="zh", out_dir=out, experiments=["backprop-by-hand"],
                       workers=1)
    page = out / "probe.html"
    page.write_text(res.html_path.read_text(encoding="utf-8").replace(
        "</body>", _PROBE + "</body>"), encoding="utf-8")
    profile = tmp_path_factory.mktemp("chromium-profile-zh")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom",
           page.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return re.search(r"<body[^>]*>", proc.stdout).group(0)


def test_zh_report_renders_cjk_glyphs(zh_probe):
    body = zh_probe
    assert 'data-cjk-distinct="true"' in body, body
    assert int(re.search(r'data-cjk-ink="(\d+)"', body).group(1)) > 20  # dark pixels drawn
    assert int(re.search(r'data-h1-width="(\d+)"', body).group(1)) > 50
