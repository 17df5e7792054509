"""The exchange-rates screen (administrators): rates listed by currency, a rate set
from the form, a bad one refused beside its field, a wrong one deleted; on a server of
this module's own, so the demo's rates the other browser tests convert with stay put.
Every change is checked through the API."""

from __future__ import annotations

import pytest

from tests.browser.axe import describe, violations
from tests.browser.conftest import USERS, Api, running_server, screenshot, sign_in, sync_api

expect = sync_api.expect

RATES = '{ exchangeRates(currency: "EUR", first: 100) { nodes { date rate source } } }'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of this module alone, on a fresh copy of the demo organisation."""
    with running_server(tmp_path_factory.mktemp("rates-server")) as base:
        yield base


@pytest.fixture(scope="module")
def api(server) -> Api:
    return Api(server, USERS["ADMIN"])


def eur_rates(api: Api) -> list[dict]:
    return api(RATES)["exchangeRates"]["nodes"]


def test_admin_sets_a_rate_then_deletes_it(page, api):
    # given
    listed = len(eur_rates(api))
    sign_in(page)
    page.get_by_role("link", name="Exchange rates").click()
    form = page.get_by_test_id("set-rate-form")

    # when
    form.get_by_label("Currency").fill("eur")
    form.get_by_label("From").fill("2020-01-06")
    form.get_by_label("Rate").fill("1.05")
    form.get_by_role("button", name="Set rate").click()

    # then: listed under EUR, as the API has it
    section = page.get_by_test_id("rates-EUR")
    row = section.get_by_test_id("rate-row").filter(has_text="6 Jan 2020")
    expect(row).to_contain_text("1.05")
    expect(row.locator("td[data-label=Source]")).to_have_text("manual")
    assert {"date": "2020-01-06", "rate": "1.05", "source": "manual"} in eur_rates(api)
    assert len(eur_rates(api)) == listed + 1
    screenshot(page, "exchange-rates")
    found = violations(page, include="main")
    assert not found, describe(found)

    # when
    row.get_by_role("button", name="Delete EUR rate of 6 Jan 2020").click()

    # then
    expect(page.get_by_test_id("toast")).to_contain_text("EUR rate of 6 Jan 2020 deleted.")
    expect(section.get_by_test_id("rate-row").filter(has_text="6 Jan 2020")).to_have_count(0)
    assert "2020-01-06" not in [rate["date"] for rate in eur_rates(api)]
    assert len(eur_rates(api)) == listed


def test_a_bad_rate_is_refused_beside_its_field(page, api):
    # given
    listed = eur_rates(api)
    sign_in(page, where="/#/exchange-rates")
    form = page.get_by_test_id("set-rate-form")

    # when
    form.get_by_label("Currency").fill("EUR")
    form.get_by_label("From").fill("2020-01-07")
    form.get_by_label("Rate").fill("0")
    form.get_by_role("button", name="Set rate").click()

    # then
    expect(form.locator("[data-error-for=rate]")).to_have_text("The rate must be above 0.")
    assert eur_rates(api) == listed


def test_editors_see_no_rates_screen(page):
    # given
    sign_in(page, role="EDITOR")

    # then
    expect(page.get_by_role("link", name="Exchange rates")).to_be_hidden()
    page.goto("/#/exchange-rates")
    expect(page.get_by_role("alert")).to_contain_text("Only administrators manage exchange rates.")


def test_the_rates_fit_a_phone_screen(page):
    # given
    page.set_viewport_size({"width": 390, "height": 844})

    # when
    sign_in(page, where="/#/exchange-rates")

    # then: each rate a card of labelled cells, nothing wider than the screen
    expect(page.get_by_test_id("rates-EUR").get_by_test_id("rate-row").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "exchange-rates-phone")
