"""The pages a coordinator lives in do not jump as they load on a phone: Lighthouse measured a
cumulative layout shift of 0.23 to 0.24 on the dashboard, case list and case page, when GOV.UK
Frontend's script folded the service navigation into its Menu button after the first paint."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD
from tests.factories import notify

# Every layout shift the browser records while the page loads and settles (the page's own
# script runs within it), summed as Lighthouse's CLS sums them.
LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => { for (const entry of list.getEntries()) total += entry.value; })
    .observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(total)));
})"""
# Lighthouse's "good" is under 0.1.
MOST_SHIFT = 0.1


def test_the_coordinators_pages_do_not_shift_on_a_phone(open_session):
    _notification, outcome = notify()
    page = open_session("coordinator@demo.test", DEMO_PASSWORD,
                        viewport={"width": 375, "height": 700})  # fmt: skip
    # A slow phone, as Lighthouse's mobile run: the script runs well after the first paint.
    devtools = page.context.new_cdp_session(page)
    devtools.send("Emulation.setCPUThrottlingRate", {"rate": 6})
    for path in ("/dashboard", "/cases", f"/cases/{outcome.case.id}"):
        page.goto(path)
        page.wait_for_load_state("load")
        assert page.evaluate(LAYOUT_SHIFT) < MOST_SHIFT, path
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(page.get_by_role("link", name="Cases", exact=True)).to_be_visible()
