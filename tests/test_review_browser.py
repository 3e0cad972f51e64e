"""The review page in a real headless Chromium (Debian's ``chromium``, driven by Playwright;
no browser download), served by uvicorn on a free localhost port, on a store filled by the
pipeline itself: the fixture site crawled (``demo_crawl``), extracted (``Extractor``) and
stored (``Store.save_article``).

The analyst's path: open the queue, filter by country, open a record, see the signing
date's evidence highlighted, correct the date, accept, and find the correction in the
export. The record page's screenshot is kept as ``docs/review-record.png``.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from pipeline.extract import Extractor
from pipeline.review.app import create_app
from pipeline.scraper.cli import demo_crawl
from pipeline.scraper.crawl import text_hash
from pipeline.store.exports import export
from pipeline.store.repository import ArticleToStore, Store, StoredPartnership

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "fixtures" / "site"
SCREENSHOT = REPO / "docs" / "review-record.png"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SIGNED_ON_COLOUR = "rgb(255, 179, 193)"  # .ev-signed_on in static/review.css


@pytest.fixture(scope="module")
def pipeline_store(nlp, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    directory = tmp_path_factory.mktemp("review-browser")
    report = demo_crawl(SITE, directory / "crawl")
    extractor = Extractor(nlp)
    with Store(f"sqlite:///{directory / 'store.db'}") as store:
        for result in extractor.extract(report.articles):
            item = ArticleToStore(result.article, result.records, extractor.model_version, result.error)
            store.save_article(item, text_hash(result.article))
        yield store


@pytest.fixture(scope="module")
def server_url(pipeline_store: Store) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(create_app(pipeline_store), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(chromium: str, server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Chromium with a fresh profile directory of its own. Started after the store is filled
    and served: Playwright's sync API keeps an event loop running in this thread, where the
    crawl could no longer run its own. ``chromium`` comes first, so that without Debian's
    chromium the test skips (or fails under CI=true) before filling a store."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1000},
            locale="fr-FR",
        )
        try:
            yield context
        finally:
            context.close()


def _reviewable(store: Store) -> StoredPartnership:
    """A partnership with a foreign signatory and a dated signature whose evidence is kept."""
    for partnership in store.partnerships():
        record = partnership.records[0]
        has_date_evidence = any(e["field"] == "signed_on" for e in record["evidence"])
        foreign = [p for p in partnership.document["signatories"] if p["country"] != "FR"]
        if foreign and has_date_evidence and len(partnership.document["signed_on"] or "") == 10:
            return partnership
    raise AssertionError("the fixture site gave no dated partnership with evidence")


def _corrected(signed_on: str) -> str:
    day = dt.date.fromisoformat(signed_on)
    return (day - dt.timedelta(days=1)).isoformat()


def test_analyst_filters_opens_corrects_accepts_and_exports(browser: BrowserContext, server_url: str, pipeline_store: Store) -> None:
    target = _reviewable(pipeline_store)
    country = next(p["country"] for p in target.document["signatories"] if p["country"] != "FR")
    corrected = _corrected(target.document["signed_on"])
    page: Page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{server_url}/queue")
    expect(page.locator("h1")).to_contain_text("File de revue")
    page.fill("input[name=country]", country)
    page.click("#filters button[type=submit]")
    page.wait_for_url(f"**/queue?country={country}*")
    rows = page.locator("tr.queue-row")
    expect(rows.first).to_be_visible()
    for index in range(rows.count()):
        expect(rows.nth(index).locator("small")).to_contain_text(country)

    # Keyboard: j moves down the queue to the target's row, Enter opens it.
    hrefs = [rows.nth(index).get_attribute("data-href") or "" for index in range(rows.count())]
    position = next(i for i, href in enumerate(hrefs) if href.startswith(f"/records/{target.id}?"))
    for _ in range(position + 1):
        page.keyboard.press("j")
    expect(rows.nth(position)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/records/{target.id}?*")
    date_evidence = page.locator("mark.ev-signed_on").first
    expect(date_evidence).to_be_visible()
    assert date_evidence.evaluate("mark => getComputedStyle(mark).backgroundColor") == SIGNED_ON_COLOUR
    page.click('tr.field[data-field="signed_on"]')
    expect(date_evidence).to_have_class(re.compile(r"\bflash\b"))
    expect(date_evidence).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOT), full_page=False)

    page.fill("#signed_on", corrected)
    page.click("#save")
    expect(page.locator(".saved")).to_contain_text("modifications enregistrées")
    expect(page.locator('tr.field[data-field="signed_on"] td')).to_have_text(corrected)

    page.keyboard.press("a")  # the accept shortcut
    expect(page.locator("#status")).to_have_text("accepté")
    expect(page.locator("#history")).to_contain_text(target.document["signed_on"])
    assert errors == []
    page.close()

    exported = export(pipeline_store.partnerships("accepted"), "jsonl")
    assert f'"record_id":"{target.id}"' in exported
    assert f'"signed_on":"{corrected}"' in exported
    assert SCREENSHOT.stat().st_size > 10_000
