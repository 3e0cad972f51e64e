"""Working a queue all day: accept (or reject) and go on to the next record of the filtered
queue, undo the last decision, reopen a decided record, correct an accepted one, change a
signatory in place, confirm implausible values, settle a disagreement with one button.

On SQLite and PostgreSQL: the fixture articles plus three one-article partnerships made here
(dated 2022, 2021 and 2020), so the queue of new partnerships has four records."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from pipeline.records import Article, PartnershipRecord, Party, make_record_id
from pipeline.review.queries import load_partnership
from pipeline.store.repository import ArticleToStore, Store
from pipeline.store.reviewed import decision_rows
from tests.review_fixtures import (  # noqa: F401 - fixtures
    LILLE_URL,
    NANTES_URL,
    client,
    partnership_of,
    post_form,
    postgres_server,
    queue_ids,
    redirect_target,
    store,
)

EXTRA = [("Lyon", "Bamako", "ML", "2022-05-10"), ("Rennes", "Sendai", "JP", "2021-09-01"), ("Brest", "Thiès", "SN", "2020-02-14")]


def _add(store: Store, french: str, foreign: str, country: str, signed_on: str) -> str:
    url = f"https://example.org/{french.lower()}-{country.lower()}"
    text = f"{french} et {foreign}\n\nLe {signed_on}, {french} et {foreign} ont signé une convention de partenariat."
    parties = [Party(name=french, kind="municipality", country="FR"), Party(name=foreign, kind="municipality", country=country)]
    record = PartnershipRecord(
        record_id=make_record_id(parties, signed_on),
        article_url=url,
        source="lianes",
        agreement_type="partnership_agreement",
        signatories=parties,
        signed_on=signed_on,
        confidence=0.7,
        model_version="fixture",
    )
    article = Article(url=url, source="lianes", title=f"{french} et {foreign}", published="2024-06-01", text=text)
    store.save_article(ArticleToStore(article, [record], "fixture"), f"hash-{url}")
    return record.record_id


@pytest.fixture
def extra(store: Store) -> list[str]:
    return [_add(store, *item) for item in EXTRA]


def test_accept_and_next_follows_the_filtered_queue_even_as_records_leave_it(client: TestClient, store: Store, extra: list[str]) -> None:
    nantes = partnership_of(store, NANTES_URL)
    new_queue = queue_ids(client, "status=new")
    assert new_queue == [nantes, *extra]  # newest signature first: 2023, 2022, 2021, 2020

    opened, query = redirect_target(post_form(client, nantes, "decision", back="status=new", decision="accepted", then="next"))
    assert opened == extra[0] and query["status"] == ["new"] and query["undo"][0].startswith(f"{nantes}:")
    assert queue_ids(client, "status=new") == extra  # Nantes left the filter ...
    page = client.get(f"/records/{opened}?status=new").text
    assert re.search(r'<span class="position">1 / 3 dans cette file</span>', page)  # ... and the queue goes on

    second, _ = redirect_target(post_form(client, extra[0], "decision", back="status=new", decision="rejected", reason="doublon", then="next"))
    assert second == extra[1]
    third, _ = redirect_target(post_form(client, extra[1], "decision", back="status=new", decision="accepted", then="next"))
    assert third == extra[2]
    # At the end of the queue the analyst stays on the decided record.
    last, query = redirect_target(post_form(client, extra[2], "decision", back="status=new", decision="accepted", then="next"))
    assert last == extra[2] and query["saved"] == ["accepté"]
    assert queue_ids(client, "status=new") == []


def test_undo_takes_back_the_last_decision_from_the_next_record(client: TestClient, store: Store, extra: list[str]) -> None:
    nantes = partnership_of(store, NANTES_URL)
    opened, query = redirect_target(post_form(client, nantes, "decision", back="status=new", decision="accepted", then="next"))
    offered = query["undo"][0]
    page = client.get(f"/records/{opened}?saved=accepté&undo={offered}&status=new").text
    offer = re.search(r'<form method="post" action="/records/([^/]+)/undo" class="inline" id="undo-offer">.*?name="version" value="(\d+)"', page, re.S)
    assert offer and offer.group(1) == nantes
    undone = client.post(
        f"/records/{nantes}/undo",
        data={"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', page).group(1), "version": offer.group(2), "back": "status=new"},  # type: ignore[union-attr]
        follow_redirects=False,
    )
    back_to, query = redirect_target(undone)
    assert back_to == nantes and query["saved"] == ["décision annulée (statut)"]
    assert load_partnership(store.engine, nantes).status == "new"  # type: ignore[union-attr]
    assert queue_ids(client, "status=new")[0] == nantes
    history = client.get(f"/records/{nantes}").text
    assert re.search(r'<tr class="undone" title="décision annulée">.*?<td>statut</td>\s*<td>nouveau</td><td>accepté</td>', history, re.S)
    assert re.search(r"<td>annulation</td>\s*<td>statut : accepté</td><td>statut : nouveau</td>", history)
    # The undone decision is no longer offered; an undo of an undo is refused.
    assert 'id="undo-offer"' not in client.get(f"/records/{opened}?saved=x&undo={offered}").text
    assert 'id="undo-form"' not in history


def test_undo_gives_back_every_field_of_one_save_and_keeps_the_history(store: Store, extra: list[str]) -> None:
    pid = extra[0]
    version = store.decide_versioned(pid, {"signed_on": "2022-05-11", "duration": "P2Y"}, "Alice", expected_version=0)
    assert store.undo(pid, "Alice", expected_version=version) == ["signed_on", "duration"]
    reviewed = load_partnership(store.engine, pid)
    assert reviewed is not None and reviewed.document["signed_on"] == "2022-05-10" and reviewed.document["duration"] is None
    assert [p.document["signed_on"] for p in store.partnerships() if p.id == pid] == ["2022-05-10"]
    with store.engine.connect() as connection:
        assert [row.field for row in decision_rows(connection, [pid])[pid]] == ["signed_on", "duration", "undo"]
    with pytest.raises(ValueError):
        store.undo(pid, "Alice", expected_version=reviewed.version)  # the latest is an undo


def test_a_decided_record_can_go_back_to_new(client: TestClient, store: Store, extra: list[str]) -> None:
    pid = extra[1]
    redirect_target(post_form(client, pid, "decision", decision="accepted", then="stay"))
    page = client.get(f"/records/{pid}").text
    assert re.search(r'id="status-note">Accepté par analyste local le', page) and 'id="reopen"' in page
    reopened, query = redirect_target(post_form(client, pid, "decision", decision="new"))
    assert reopened == pid and query["saved"] == ["rouvert (nouveau)"]
    assert re.search(r'id="status">nouveau<', client.get(f"/records/{pid}").text)
    assert pid in queue_ids(client, "status=new")


def test_correcting_an_accepted_record_says_it_stays_accepted(client: TestClient, store: Store, extra: list[str]) -> None:
    pid = extra[1]
    redirect_target(post_form(client, pid, "decision", decision="accepted", then="stay"))
    _, query = redirect_target(post_form(client, pid, "edit", agreement_type="twinning", signed_on="2021-09-01"))
    assert query["saved"] == ["modifications enregistrées ; le partenariat reste accepté"]
    assert load_partnership(store.engine, pid).status == "accepted"  # type: ignore[union-attr]


def test_a_signatorys_country_and_kind_change_in_place_in_one_decision(client: TestClient, store: Store, extra: list[str]) -> None:
    pid = extra[0]
    redirect_target(post_form(client, pid, "signatories", index="1", name="Bamako", kind="region", country="bénin"))
    reviewed = load_partnership(store.engine, pid)
    assert reviewed is not None
    assert reviewed.document["signatories"][1] == {"name": "Bamako", "kind": "region", "country": "BJ"}
    assert [(d.field, len(d.before), len(d.after)) for d in reviewed.decisions] == [("signatories", 2, 2)]
    refused = post_form(client, pid, "signatories", index="1", name="Bamako", kind="region", country="Atlantide")
    assert refused.status_code == 422 and "Pays inconnu : « Atlantide »" in refused.text
    assert load_partnership(store.engine, pid).document["signatories"][1]["country"] == "BJ"  # type: ignore[union-attr]


def test_implausible_values_ask_for_confirmation(client: TestClient, store: Store, extra: list[str]) -> None:
    pid = extra[2]  # its article was published on 2024-06-01
    future = post_form(client, pid, "edit", agreement_type="partnership_agreement", signed_on="2025-01-10", duration="P40Y")
    assert future.status_code == 422
    assert "postérieure à la publication de l&#39;article (2024-06-01)" in future.text and "La durée (P40Y) dépasse 30 ans." in future.text
    assert 'id="edit-confirm"' in future.text and 'value="2025-01-10"' in future.text
    assert load_partnership(store.engine, pid).document["signed_on"] == "2020-02-14"  # type: ignore[union-attr]
    old = post_form(client, pid, "edit", agreement_type="partnership_agreement", signed_on="1930")
    assert old.status_code == 422 and "antérieure à 1945" in old.text
    confirmed = post_form(client, pid, "edit", agreement_type="partnership_agreement", signed_on="2025-01-10", duration="P40Y", confirm="yes")
    redirect_target(confirmed)
    assert load_partnership(store.engine, pid).document["signed_on"] == "2025-01-10"  # type: ignore[union-attr]
    # Accepting a record that carries them asks too.
    page = client.get(f"/records/{pid}").text
    assert 'id="warnings"' in page and 'id="accept-confirm"' in page
    assert post_form(client, pid, "decision", decision="accepted", then="stay").status_code == 422
    redirect_target(post_form(client, pid, "decision", decision="accepted", then="stay", confirm="yes"))


def test_a_disagreement_is_settled_with_one_button(client: TestClient, store: Store) -> None:
    pid = partnership_of(store, LILLE_URL)
    page = client.get(f"/records/{pid}").text
    options = re.findall(r'name="field" value="signed_on">\s*<input type="hidden" name="option" value="(\d)">.*?<b>([^<]+)</b>', page, re.S)
    assert options == [("0", "2024-03-12"), ("1", "2024-04")]
    _, query = redirect_target(post_form(client, pid, "pick", field="signed_on", option="1"))
    assert query["saved"] == ["date de signature : valeur retenue"]
    reviewed = load_partnership(store.engine, pid)
    assert reviewed is not None and reviewed.document["signed_on"] == "2024-04" and reviewed.status == "new" and reviewed.open_conflicts == []
    page = client.get(f"/records/{pid}").text
    assert "Désaccords entre articles</h2>" in page and "tranché : 2024-04" in page
    assert "à arbitrer" not in re.search(r'<td class="col-status">.*?</td>', client.get("/queue").text, re.S).group(0)  # type: ignore[union-attr]
