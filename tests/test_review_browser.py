"""The review page in a real headless Chromium (Debian's ``chromium``, driven by Playwright;
no browser download), served by uvicorn on a free localhost port, on a store filled by the
pipeline itself: the fixture site crawled (``demo_crawl``), extracted (``Extractor``) and
stored (``Store.save_article``).

What an analyst does all day: filter, open a record with the keyboard, see a field's
evidence, correct it and see the correction as such; change a signatory's country in place
and find the record under its new country only; follow the overview's figures and the map
to queues of the same size; get a message for a filter that cannot be applied; accept and
go on through a filtered queue, and undo; all of it without horizontal scrolling at 1024 and
1400 pixels. With ``PARTNERSHIPS_SCREENSHOT=1`` the record page's screenshot refreshes
``docs/review-record.png``.

Without Debian's chromium these tests skip, saying which package to install; under
``CI=true`` they fail instead (``tests.conftest.system_program``).
"""

from __future__ import annotations

import datetime as dt
import os
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
from pipeline.review.queries import load_partnership
from pipeline.scraper.cli import demo_crawl
from pipeline.scraper.crawl import text_hash
from pipeline.store.exports import export
from pipeline.store.repository import ArticleToStore, Store, StoredPartnership

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "fixtures" / "site"
# The README's screenshot is refreshed only on request (PARTNERSHIPS_SCREENSHOT=1), so that a test
# run leaves the working tree as it found it.
SCREENSHOT = REPO / "docs" / "review-record.png"
KEEP_SCREENSHOT = os.environ.get("PARTNERSHIPS_SCREENSHOT") == "1"
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


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    opened = browser.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    opened.close()
    assert errors == [], errors


def _partnership(store: Store, *names: str) -> StoredPartnership:
    return next(p for p in store.partnerships() if {s["name"] for s in p.document["signatories"]} >= set(names))


def _reviewable(store: Store) -> StoredPartnership:
    """A partnership with a foreign signatory and a dated signature whose evidence is kept."""
    for partnership in store.partnerships():
        record = partnership.records[0]
        has_date_evidence = any(e["field"] == "signed_on" for e in record["evidence"])
        foreign = [p for p in partnership.document["signatories"] if p["country"] not in ("FR", "SN", "TG")]
        if foreign and has_date_evidence and len(partnership.document["signed_on"] or "") == 10 and partnership.status == "new":
            return partnership
    raise AssertionError("the fixture site gave no dated partnership with evidence")


def _queue_ids(page: Page) -> list[str]:
    return [re.sub(r"^/records/([^?]+).*$", r"\1", href or "") for href in page.locator("tr.queue-row").evaluate_all("rows => rows.map(r => r.dataset.href)")]


def test_analyst_filters_opens_corrects_accepts_and_exports(page: Page, server_url: str, pipeline_store: Store) -> None:
    target = _reviewable(pipeline_store)
    country = next(p["country"] for p in target.document["signatories"] if p["country"] != "FR")
    corrected = (dt.date.fromisoformat(target.document["signed_on"]) - dt.timedelta(days=365)).isoformat()

    page.goto(f"{server_url}/queue")
    expect(page.locator("h1")).to_contain_text("File de revue")
    page.select_option("#filters select[name=country]", country)
    page.click("#filters button[type=submit]")
    page.wait_for_url(f"**/queue?country={country}*")
    rows = page.locator("tr.queue-row")
    expect(rows.first).to_be_visible()
    for index in range(rows.count()):
        expect(rows.nth(index).locator("td.col-country")).to_contain_text(f"({country})")

    # Keyboard: j moves down the queue to the target's row, Enter opens it.
    position = _queue_ids(page).index(target.id)
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
    page.evaluate("window.scrollTo(0, 0)")
    shot = page.screenshot(full_page=False)
    assert shot.startswith(b"\x89PNG")
    if KEEP_SCREENSHOT:
        SCREENSHOT.write_bytes(shot)

    # Corrected a year back: shown as corrected, and the article's date no longer marked as its proof.
    page.fill("#signed_on", corrected)
    page.click("#save")
    expect(page.locator("#saved")).to_contain_text("modifications enregistrées")
    row = page.locator('tr.field[data-name="signed_on"]')
    expect(row).to_have_class(re.compile(r"\bcorrected\b"))
    expect(row.locator("td")).to_contain_text(corrected)
    expect(row.locator(".correction")).to_contain_text(f"corrigé par analyste local le {dt.datetime.now(dt.UTC):%d/%m/%Y}")
    expect(row.locator(".correction s")).to_have_text(target.document["signed_on"])
    expect(page.locator("mark.ev-signed_on")).to_have_count(0)

    page.click("#accept")
    expect(page.locator("#status")).to_have_text("accepté")
    expect(page.locator("#history")).to_contain_text(target.document["signed_on"])
    exported = export(pipeline_store.partnerships("accepted"), "jsonl")
    assert f'"record_id":"{target.id}"' in exported and f'"signed_on":"{corrected}"' in exported
    assert SCREENSHOT.stat().st_size > 10_000


def test_a_country_changed_in_place_moves_the_record_between_filters_and_in_the_api(page: Page, server_url: str, pipeline_store: Store) -> None:
    target = _partnership(pipeline_store, "Privas", "Kpalimé")
    index = next(i for i, p in enumerate(target.document["signatories"]) if p["country"] == "TG")
    page.goto(f"{server_url}/records/{target.id}")
    party = page.locator(f'li.party[data-index="{index}"]')
    party.locator("input[name=country]").fill("Bénin")
    party.locator("button", has_text="Modifier").click()
    expect(page.locator("#saved")).to_contain_text("signataires enregistrés")
    expect(page.locator('li.party input[name="country"]').nth(index)).to_have_value("BJ")
    expect(page.locator("#history tbody tr")).to_have_count(1)
    expect(page.locator("#history")).to_contain_text("Kpalimé · Commune · Togo (TG)")
    expect(page.locator("#history")).to_contain_text("Kpalimé · Commune · Bénin (BJ)")

    page.goto(f"{server_url}/queue?country=BJ")
    assert target.id in _queue_ids(page)
    expect(page.locator(f'tr.queue-row[data-href^="/records/{target.id}?"] td.col-country')).to_have_text("Bénin (BJ)")
    page.goto(f"{server_url}/queue?country=TG")
    assert target.id not in _queue_ids(page)
    in_togo = page.request.get(f"{server_url}/api/partnerships?country=TG").json()
    assert target.id not in {item["record_id"] for item in in_togo["items"]}
    in_benin = page.request.get(f"{server_url}/api/partnerships?country=BJ").json()
    (item,) = [item for item in in_benin["items"] if item["record_id"] == target.id]
    assert {p["country"] for p in item["signatories"]} == {"FR", "BJ"}


def test_overview_figures_open_queues_of_their_size_and_every_partner_is_clicked_on_the_map(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/overview")
    bars = page.locator("#per-country a")
    expected = {bars.nth(i).get_attribute("data-key"): int(bars.nth(i).locator("b").inner_text()) for i in range(bars.count())}
    assert len(expected) >= 8
    for code, count in expected.items():
        page.goto(f"{server_url}/overview")
        page.click(f'#per-country a[data-key="{code}"]')
        expect(page.locator("h1 small")).to_have_text(f"{count} partenariat{'s' if count != 1 else ''}")

    page.goto(f"{server_url}/overview")
    world = page.locator("#world")
    assert world.locator("a.country").count() > 200
    # At each partner's arc end, the element under the pointer is that partner's own link.
    under_pointer = page.evaluate(
        """() => Array.from(document.querySelectorAll('#world path.arc')).map(arc => {
            const svg = document.getElementById('world'), end = arc.getPointAtLength(arc.getTotalLength());
            const point = new DOMPoint(end.x, end.y).matrixTransform(svg.getScreenCTM());
            const hit = document.elementFromPoint(point.x, point.y);
            return [arc.dataset.country, hit && hit.closest('a') ? hit.closest('a').dataset.country : null, point.x, point.y];
        })"""
    )
    assert {code for code, _, _, _ in under_pointer} == set(expected)
    for code, hit, _, _ in under_pointer:
        assert hit == code, f"{code}'s arc ends on {hit}"
    senegal = next((x, y) for code, _, x, y in under_pointer if code == "SN")
    page.mouse.click(*senegal)
    page.wait_for_url("**/queue?status=active&country=SN")
    expect(page.locator("h1 small")).to_have_text(f"{expected['SN']} partenariats")
    # No two labels of the map overprint.
    page.goto(f"{server_url}/overview")
    boxes = page.evaluate("() => Array.from(document.querySelectorAll('#world .labels text')).map(t => { const b = t.getBBox(); return [b.x, b.y, b.width, b.height]; })")
    assert boxes
    for i, (x, y, w, h) in enumerate(boxes):
        for other_x, other_y, other_w, other_h in boxes[i + 1 :]:
            assert not (x < other_x + other_w and other_x < x + w and y < other_y + other_h and other_y < y + h), "two map labels overprint"


def test_a_filter_that_cannot_be_applied_is_refused_with_a_message(page: Page, server_url: str) -> None:
    page.goto(f"{server_url}/queue")
    page.fill("#filters input[name=date_from]", "2024-13-45")
    page.click("#filters button[type=submit]")
    expect(page.locator("#filter-errors")).to_contain_text("Date invalide : « 2024-13-45 »")
    expect(page.locator("tr.queue-row")).to_have_count(0)
    expect(page.locator("#filters input[name=date_from]")).to_have_attribute("aria-invalid", "true")
    page.goto(f"{server_url}/queue?country=XX")
    expect(page.locator("#filter-errors")).to_contain_text("Pays inconnu : « XX »")
    page.goto(f"{server_url}/queue?page=abc")
    expect(page.locator("h1")).to_have_text("Erreur 422")
    expect(page.locator("#error-detail")).to_have_text("Paramètre « page » invalide : « abc ».")


def test_accept_and_next_follows_the_filtered_queue_and_undo_takes_it_back(page: Page, server_url: str, pipeline_store: Store) -> None:
    query = "status=new&country=SN"
    page.goto(f"{server_url}/queue?{query}")
    queue = _queue_ids(page)
    assert len(queue) >= 4
    page.goto(f"{server_url}/records/{queue[0]}?{query}")
    expect(page.locator(".record-nav .position")).to_have_text(f"1 / {len(queue)} dans cette file")
    page.keyboard.press("a")  # accept, then the next record of this queue
    page.wait_for_url(f"**/records/{queue[1]}?*")
    expect(page.locator("#saved")).to_contain_text("accepté")
    expect(page.locator(".record-nav .position")).to_have_text(f"1 / {len(queue) - 1} dans cette file")
    assert load_partnership(pipeline_store.engine, queue[0]).status == "accepted"  # type: ignore[union-attr]

    page.fill("#reject-reason", "annonce d'un projet, pas de signature")
    page.click("#reject-next")
    page.wait_for_url(f"**/records/{queue[2]}?*")
    assert load_partnership(pipeline_store.engine, queue[1]).status == "rejected"  # type: ignore[union-attr]

    page.keyboard.press("u")  # undo the rejection just made
    page.wait_for_url(f"**/records/{queue[1]}?*")
    expect(page.locator("#saved")).to_contain_text("décision annulée")
    expect(page.locator("#status")).to_have_text("nouveau")
    expect(page.locator("#history tr.undone")).to_have_count(1)
    page.goto(f"{server_url}/queue?{query}")
    assert _queue_ids(page) == queue[1:]


@pytest.mark.parametrize("width", [1024, 1400])
def test_no_horizontal_overflow(browser: BrowserContext, server_url: str, pipeline_store: Store, width: int) -> None:
    flagged = next(p for p in pipeline_store.partnerships() if p.conflicts)
    if not load_partnership(pipeline_store.engine, flagged.id).decisions:  # type: ignore[union-attr]
        version = pipeline_store.decide_versioned(flagged.id, {"agreement_label": "convention de jumelage et de coopération décentralisée"}, "Analyste au nom assez long", 0, "d'après la délibération du conseil municipal")
        pipeline_store.decide_versioned(flagged.id, {"status": "accepted"}, "Analyste au nom assez long", version)
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    try:
        for path in ("/queue", "/queue?sort=country", f"/records/{flagged.id}", "/overview", "/queue?date_from=2024-13-45"):
            page.goto(f"{server_url}{path}")
            widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
            assert widths[0] <= widths[1], f"{path} at {width} px: {widths[0]} px wide"
            wider = page.evaluate(
                "() => Array.from(document.querySelectorAll('.table-wrap, .fields, .article, main')).filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className || e.tagName)"
            )
            assert wider == [], f"{path} at {width} px: {wider} overflow"
        page.goto(f"{server_url}/records/{flagged.id}")
        expect(page.locator("#disagreements")).to_be_visible()
        expect(page.locator("#history")).to_be_visible()
        inside = page.evaluate(
            "() => { const s = document.getElementById('merge-other'), f = document.querySelector('.fields'); return s.getBoundingClientRect().right <= f.getBoundingClientRect().right; }"
        )
        assert inside, "the merge drop-down sticks out of the field panel"
        page.goto(f"{server_url}/queue")
        one_line = page.evaluate(
            "() => Array.from(document.querySelectorAll('td.col-date')).every(td => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length === 1; })"
        )
        assert one_line, "a date wraps"
        assert page.locator('link[rel="icon"]').get_attribute("href") == "/static/favicon.svg"
        assert page.request.get(f"{server_url}/static/favicon.svg").headers["content-type"].startswith("image/svg+xml")
    finally:
        page.close()
