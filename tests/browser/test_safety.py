"""Quick exit and listen, in real Chromium."""

from __future__ import annotations

import pytest
from flask import Flask

from migrant_info import create_app
from tests.conftest import LiveServer


@pytest.fixture
def neutral_site():
    """A stand-in for the neutral site the exit goes to (loopback only)."""
    neutral = Flask("neutral")
    neutral.add_url_rule("/", "weather", lambda: "<!doctype html><title>Weather</title><p>Sunny")
    with LiveServer(neutral) as server:
        yield server


@pytest.fixture
def exit_server(tmp_path, content_dir, neutral_site):
    app = create_app(
        {"TESTING": True, "INSTANCE_DIR": str(tmp_path / "exit-inst"), "CONTENT_DIR": str(content_dir),
         "EXIT_URL": neutral_site.url + "/"}
    )  # fmt: skip
    with LiveServer(app) as server:
        yield server


def assert_left_for_good(page, neutral_site, site_url):
    page.wait_for_url(neutral_site.url + "/")
    assert "Sunny" in page.content()
    page.go_back()
    assert not page.url.startswith(site_url + "/en/rights/passport")


def test_exit_button_leaves_and_back_does_not_return(page, exit_server, neutral_site):
    page.goto(f"{exit_server.url}/en/rights/passport")
    page.get_by_role("link", name="Exit this page").click()
    assert_left_for_good(page, neutral_site, exit_server.url)


def test_shift_three_times_leaves(page, exit_server, neutral_site):
    page.goto(f"{exit_server.url}/en/rights/passport")
    page.wait_for_load_state("load")
    for _ in range(3):
        page.keyboard.press("Shift")
    assert_left_for_good(page, neutral_site, exit_server.url)


def test_two_shift_presses_do_not_leave(page, exit_server):
    page.goto(f"{exit_server.url}/en/rights/passport")
    page.wait_for_load_state("load")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    page.wait_for_timeout(300)
    assert page.url.endswith("/en/rights/passport")


VOICES = """() => new Promise((resolve) => {
  const done = () => resolve(speechSynthesis.getVoices().map((v) => v.lang.toLowerCase()));
  if (speechSynthesis.getVoices().length) return done();
  speechSynthesis.addEventListener("voiceschanged", done);
  setTimeout(done, 2000);
})"""


@pytest.mark.parametrize("lang", ["en", "my"])
def test_listen_appears_only_with_a_voice_for_the_language(page, live_server, lang):
    page.goto(f"{live_server.url}/{lang}/rights/passport")
    voices = page.evaluate(VOICES)
    has_voice = any(v.split("-")[0].split("_")[0] == lang for v in voices)
    page.wait_for_timeout(200)
    assert page.locator("#listen").is_visible() == has_voice, voices
