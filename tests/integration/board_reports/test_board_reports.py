"""Board reports: made on schedule, on demand and from the command line; archived with their
fingerprint; read by the board on the web and as a PDF; never showing a count of 1 to 5 or
anything that points to a child."""

from __future__ import annotations

import hashlib
import io
import re
import stat
import statistics
import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import delete as sa_delete
from sqlalchemy import func, select

from ecdop.analytics import aggregates
from ecdop.audit.models import AuditAction, AuditEvent
from ecdop.auth.services import create_area
from ecdop.board_reports import services as board_report_services
from ecdop.board_reports.content import build_report
from ecdop.board_reports.models import BoardReport, ReportOrigin
from ecdop.board_reports.render import report_body
from ecdop.cases.models import Case
from ecdop.demo import seed_demo_reference_data
from ecdop.foundation.extensions import db
from ecdop.foundation.periods import PeriodKind, parse_period
from ecdop.foundation.vocabulary import CircumstancesType
from ecdop.jobs import run_job
from ecdop.meetings.models import PanelAnalysis
from ecdop.synthetic import seed_synthetic
from tests.conftest import using_postgres
from tests.deadline_helpers import all_messages, move_to
from tests.factories import demo_area, notify, user
from tests.helpers import page_text

pytestmark = pytest.mark.slow
TODAY = date(2026, 11, 20)
BOARD = "board@demo.test"
SECTIONS = (
    "Summary", "Deaths notified", "Deprivation", "Rates of death",
    "Reviews completed", "Learning themes", "Five-year trend", "Timeliness", "Actions",
    "Emerging patterns", "How the figures were made",
)  # fmt: skip


@pytest.fixture
def history(app, demo):
    """Six years of synthetic deaths in the demo area, with its populations and deprivation."""
    seed_demo_reference_data()
    seed_synthetic(demo_area(), cases=500, seed=11, today=TODAY)
    db.session.commit()
    return demo


def reports() -> list[BoardReport]:
    db.session.expire_all()
    return list(db.session.scalars(select(BoardReport).order_by(BoardReport.id)))


def quarter() -> BoardReport:
    return next(r for r in reports() if r.kind is PeriodKind.QUARTERLY)


def test_the_board_reads_the_quarterly_report_on_the_web_and_as_a_pdf(app, make_browser, history):
    assert run_job(app, "board-reports") == 2  # the quarter and the year last closed
    assert run_job(app, "board-reports") == 0  # never twice
    report = quarter()
    assert (report.period_code, report.title) == (
        "2026-Q2",
        "Quarterly board report: July to September 2026",
    )
    assert report.sha256 == hashlib.sha256(report.pdf).hexdigest()
    board = make_browser(BOARD)
    listing = page_text(board.get("/board-reports"))
    assert "Quarterly board report: July to September 2026" in listing
    assert "Annual child death review report: April 2025 to March 2026" in listing
    page = board.get(f"/board-reports/{report.id}")
    text = page_text(page)
    for title in SECTIONS:
        assert title in text, title
    assert 'class="number suppressed">c<' in page.get_data(as_text=True)
    assert report.sha256 in text
    download = board.get(f"/board-reports/{report.id}/pdf")
    assert download.mimetype == "application/pdf" and download.data == report.pdf
    assert download.headers["Cache-Control"] == "no-store"
    assert download.headers["Content-Disposition"] == (
        'attachment; filename="ecdop-quarterly-report-july-to-september-2026.pdf"'
    )
    about_it = (AuditEvent.subject_type == "BoardReport", AuditEvent.subject_id == report.id)
    actions = db.session.scalars(select(AuditEvent.action).where(*about_it)).all()
    assert set(actions) == {AuditAction.BOARD_REPORT_GENERATED, AuditAction.BOARD_REPORT_VIEWED,
                            AuditAction.BOARD_REPORT_DOWNLOADED}  # fmt: skip
    told = [m.subject for m in all_messages() if m.recipient_email == BOARD]
    assert told == [f"New report for the board: {r.title}" for r in reports()]


def test_the_pdf_reads_well_and_is_tagged(app, history):
    run_job(app, "board-reports")
    reader = PdfReader(io.BytesIO(quarter().pdf))
    assert is_tagged(reader) and len(reader.pages) >= 10
    words = "\n".join(page.extract_text() for page in reader.pages)
    assert f"Page 3 of {len(reader.pages)}" in words and "Contents" in words
    for title in SECTIONS:
        assert title in words, title
    assert "Synthetica" not in words and "DEMO-20" not in words


def is_tagged(reader: PdfReader) -> bool:
    """A tagged PDF (PDF/UA) marks its structure for screen readers."""
    return (
        bool(reader.trailer["/Root"]["/MarkInfo"]["/Marked"])
        and "/StructTreeRoot" in (reader.trailer["/Root"])
    )


def printed_counts(html: str) -> list[int]:
    """Every whole number in a table cell: counts, populations, days (not shares or rates)."""
    cells = re.findall(r'<td class="number[^"]*">([^<]*)</td>', html)
    return [int(cell.replace(",", "")) for cell in cells if re.fullmatch(r"[\d,]+", cell)]


def test_no_printed_count_is_one_to_five_and_nothing_points_to_a_child(app, history):
    run_job(app, "board-reports")
    for report in reports():
        counts = printed_counts(report.html)
        assert counts and not [n for n in counts if 1 <= n <= 5]
        assert "c</td>" in report.html
        for identifying in ("Synthetica", "Madeup", "DEMO-20", "ZZ", "9ZZ", "SW1A"):
            assert identifying not in report.html


def test_the_aggregates_agree_with_a_plain_count(app, history):
    period = parse_period(PeriodKind.ANNUAL, "2025", 4)
    area_ids = [demo_area().id]
    cases = db.session.scalars(select(Case).where(Case.date_of_death.between(
        period.starts_on, period.ends_on))).all()  # fmt: skip
    assert aggregates.deaths_by(Case.age_band, area_ids, period) == Counter(
        case.age_band for case in cases
    )
    start, end = aggregates.utc_bounds(period)
    analyses = db.session.scalars(select(PanelAnalysis).where(
        PanelAnalysis.signed_off_at >= start, PanelAnalysis.signed_off_at < end)).all()  # fmt: skip
    assert aggregates.reviews_by(PanelAnalysis.category, area_ids, period) == Counter(
        analysis.category for analysis in analyses
    )
    days = sorted(aggregates.days_from_death_to_closure(area_ids, period))
    assert days == sorted((a.signed_off_at.date() - a.case.date_of_death).days for a in analyses)
    [year] = aggregates.reviews_by_year(area_ids, [period])
    assert (year.reviews, year.median_days_to_closure) == (len(days), statistics.median(days))
    identified = sum(a.modifiable.value == "identified" for a in analyses)
    assert year.with_modifiable_factors == identified


def test_the_same_figures_give_the_same_report(app, history):
    period = parse_period(PeriodKind.QUARTERLY, "2026-Q2", 4)
    made_at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    def body() -> str:
        content = build_report(period, [demo_area()], start_month=4, today=TODAY,
                               generated_at=made_at)  # fmt: skip
        return report_body(content)

    assert body() == body()


def test_the_command_line_writes_a_valid_pdf(app, history, tmp_path):
    path = tmp_path / "report.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "generate", "--kind", "quarterly", "--period",
                                 "2026-Q2", "--area", "DEMO", "--output", str(path)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Quarterly board report: July to September 2026" in result.output
    assert path.read_bytes()[:5] == b"%PDF-"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert is_tagged(PdfReader(path))
    assert hashlib.sha256(path.read_bytes()).hexdigest() == quarter().sha256
    for args, message in (
        (["--kind", "quarterly", "--period", "2026"], "Enter the quarterly period like 2025-Q3"),
        (["--kind", "annual", "--period", "2026"], "only for periods that have ended"),
        (["--kind", "annual", "--period", "2025", "--area", "NOPE"], "No review area with code"),
    ):
        result = runner.invoke(args=["reports", "generate", *args, "--output", str(path)])
        assert result.exit_code != 0 and message in result.output
    assert len(reports()) == 1


def test_a_coordinator_generates_a_report_on_demand(app, make_browser, history):
    coordinator = make_browser("coordinator@demo.test")
    assert coordinator.get("/board-reports/new").status_code == 200
    area_id = demo_area().id
    missing = coordinator.submit("/board-reports/new", {"area_ids": [area_id]})
    assert missing.status_code == 400
    assert "Choose the report and its period" in page_text(missing)
    elsewhere = create_area("ELSE", "Elsewhere")
    db.session.commit()
    forged = coordinator.submit(
        "/board-reports/new", {"period": "quarterly:2026-Q2", "area_ids": [elsewhere.id]}
    )
    assert forged.status_code == 400 and reports() == []
    made = coordinator.submit(
        "/board-reports/new", {"period": "annual:2025", "area_ids": [area_id]}
    )
    assert made.status_code == 302
    [report] = reports()
    assert (report.period_code, report.generated_by.email) == ("2025", "coordinator@demo.test")
    assert make_browser(BOARD).get("/board-reports/new").status_code == 403


def test_board_members_read_only_their_areas_reports(app, make_browser, history):
    run_job(app, "board-reports")
    report = quarter()
    board_member = user(BOARD)
    board_member.areas = [create_area("ELSE", "Elsewhere")]
    db.session.commit()
    board = make_browser(BOARD)
    assert board.get(f"/board-reports/{report.id}").status_code == 404
    assert board.get(f"/board-reports/{report.id}/pdf").status_code == 404
    assert "No reports have been made for your areas yet" in page_text(board.get("/board-reports"))


def test_an_emerging_pattern_appears_suppressed_in_the_next_report(app, clock, history):
    move_to(clock, date(2026, 8, 20))
    for days_ago, nhs in ((30, "9434765919"), (10, "9434765870")):
        notify(nhs_number=nhs, date_of_birth=date(2010, 1, 1) + timedelta(days=days_ago),
               date_of_death=date(2026, 8, 20) - timedelta(days=days_ago),
               circumstances_type=CircumstancesType.SUICIDE)  # fmt: skip
    run_job(app, "watch-new-deaths")  # as the scheduler does within the minute
    move_to(clock, TODAY)
    run_job(app, "board-reports")
    html = quarter().html
    patterns = html[html.index('id="patterns"') :]
    assert "August 2026" in patterns and "Cluster" in patterns
    assert "2 or more deaths in the category" in patterns
    assert re.search(r'<td>Cluster</td>.*?<td class="number suppressed">c</td>', patterns, re.S)
    assert db.session.scalar(select(func.count(BoardReport.id))) == 2


def test_an_area_with_no_deaths_gets_a_report_that_says_so(app, make_browser, demo):
    create_area("QUIET", "Quiet area")
    db.session.commit()
    assert run_job(app, "board-reports") == 4  # the demo area's and the quiet area's
    quiet = next(r for r in reports() if r.areas_label == "Quiet area" and r.period_code == "2025")
    text = re.sub(r"<[^>]+>", " ", quiet.html)
    assert "No child who lived in the area died in the period." in text
    assert "No reviews were completed in the period." in text
    assert quiet.pdf[:5] == b"%PDF-"


def chart_svgs(html: str) -> list[str]:
    import base64

    uris = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    return [base64.b64decode(uri).decode() for uri in uris]


def test_the_board_reads_periods_and_numbers_as_people_write_them(app, history):
    run_job(app, "board-reports")
    for report in reports():
        html = report.html
        assert "(2025)" not in html and "-Q" not in html
        # Figures in tables carry thousands separators; years in labels do not count.
        cells = re.findall(r'<td class="number[^"]*">([^<]*)</td>', html)
        assert cells and not [cell for cell in cells if re.search(r"\d{4}", cell)], cells
    quarter_html = quarter().html
    assert "<td>July to September 2026</td>" in quarter_html
    annual = next(r for r in reports() if r.kind is PeriodKind.ANNUAL)
    assert "<td>April 2025 to March 2026</td>" in annual.html


def test_every_chart_has_a_title_legible_ticks_and_whole_number_counts(app, history):
    run_job(app, "board-reports")
    svgs = chart_svgs(quarter().html)
    assert svgs
    column_pt = (210 - 2 * 18) / 25.4 * 72  # the A4 page's text width, which a chart fills
    for svg in svgs:
        width_pt = float(re.search(r'width="([\d.]+)pt"', svg).group(1))
        sizes = [float(size) for size in re.findall(r"font-size: ?([\d.]+)px", svg)]
        assert sizes and min(sizes) * column_pt / width_pt >= 9
        texts = re.findall(r">([^<]+)</text>", svg)
        assert any(text[0].isupper() and len(text.split()) >= 2 for text in texts), texts
    deaths_chart = next(svg for svg in svgs if "Deaths by age at death" in svg)
    ticks = [t for t in re.findall(r">([^<]+)</text>", deaths_chart) if re.fullmatch(r"[\d.]+", t)]
    assert ticks and all("." not in tick for tick in ticks)


def test_babies_deaths_are_rates_per_thousand_live_births_or_not_available(app, history):
    from ecdop.analytics.models import LiveBirths

    run_job(app, "board-reports")
    text = re.sub(r"<[^>]+>", " ", quarter().html)
    text = " ".join(text.split())
    assert "Deaths of babies per 1,000 live births a year" in text
    assert re.search(r"Under 28 days (\d+|c) 23,920 (\d+\.\d\*?|c)", text), text[:3000]
    assert "0 to 27 days" in text and "see below, per 1,000 live births" in text
    db.session.execute(sa_delete(LiveBirths))
    db.session.commit()
    from ecdop.board_reports.models import ReportOrigin
    from ecdop.board_reports.services import generate_report
    from ecdop.foundation.periods import parse_period

    period = parse_period(PeriodKind.QUARTERLY, "2026-Q2", 4)
    report = generate_report(period, [demo_area()], origin=ReportOrigin.ON_DEMAND, today=TODAY)
    plain = " ".join(re.sub(r"<[^>]+>", " ", report.html).split())
    assert "Under 28 days" in plain and "not available not available" in plain
    assert "rates per 1,000 live births are not available" in plain


def test_timeliness_names_kinds_with_nothing_due_instead_of_noughts(app, history):
    run_job(app, "board-reports")
    html = quarter().html
    section = html[html.index('id="timeliness"') : html.index('id="actions"')]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th><td class=\"number\">0</td>", section)
    assert rows == []
    assert re.findall(r'<tr><th scope="row">[^<]+</th><td class="number">[1-9c]', section)
    assert "Fell due in the period" in section and "Met by their due date" in section
    # A legal hold's yearly review is never met once and for all: not a timeliness measure.
    assert "Legal hold reviewed" not in section


def test_the_synthetic_historys_overdue_actions_are_in_their_agencys_tasks(app, history):
    from ecdop.deadlines.models import Deadline, DeadlineState
    from ecdop.foundation.vocabulary import ActionStatus
    from ecdop.meetings.models import PanelAction

    open_actions = db.session.scalars(
        select(PanelAction).where(PanelAction.status == ActionStatus.OPEN)
    ).all()
    assert open_actions
    deadlines = {
        d.panel_action_id: d
        for d in db.session.scalars(select(Deadline).where(Deadline.panel_action_id.is_not(None)))
    }
    assert all(deadlines[a.id].state is DeadlineState.OPEN for a in open_actions)
    overdue = [a for a in open_actions if a.due_on < TODAY]
    assert overdue
    owner = overdue[0].organisation
    reporter = next(u for u in owner.users if u.role.value == "agency_reporter")
    from tests.conftest import DEMO_PASSWORD
    from tests.helpers import Browser

    browser = Browser(app.test_client(), DEMO_PASSWORD)
    browser.login(reporter.email)
    assert f"Panel action for {owner.name}" in page_text(browser.get("/tasks"))


def _board_emails() -> Counter:
    return Counter(
        message.recipient_email
        for message in all_messages()
        if message.subject.startswith("New report for the board")
    )


def _in_threads(*work) -> list:
    """Run each callable at once in its own thread; what each returned, in order."""
    results: list = [None] * len(work)
    start = threading.Barrier(len(work))

    def run(index: int) -> None:
        start.wait()
        results[index] = work[index]()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_two_board_report_runs_at_once_make_each_report_and_each_email_once(app, demo):
    made = _in_threads(lambda: run_job(app, "board-reports"), lambda: run_job(app, "board-reports"))
    assert sorted(made, key=str) == [2, None]  # the second found the job already running
    assert [(r.kind, r.period_code) for r in reports()] == [
        (PeriodKind.ANNUAL, "2025"), (PeriodKind.QUARTERLY, "2026-Q2")
    ]  # fmt: skip
    assert _board_emails() == Counter({BOARD: 2})


def test_a_run_that_loses_the_race_to_archive_a_report_makes_nothing_and_sends_nothing(
    app, demo, monkeypatch
):
    # Both runs get past the check for a report already made, as two runs racing do; only the
    # unique key on (kind, period, areas, scheduled) then stands between them.
    monkeypatch.setattr(board_report_services, "_already_scheduled", lambda *_: False)

    def run() -> int:
        with app.app_context():
            made = board_report_services.generate_due_reports(TODAY)
            db.session.commit()
            db.session.remove()
            return made

    made = _in_threads(run, run) if using_postgres() else [run(), run()]
    assert sorted(made) == [0, 2]
    assert len(reports()) == 2
    assert _board_emails() == Counter({BOARD: 2})
    assert db.session.scalar(
        select(func.count()).where(AuditEvent.action == AuditAction.BOARD_REPORT_GENERATED)
    ) == 2  # fmt: skip


def test_a_report_made_on_demand_may_be_made_again(app, demo):
    period = parse_period(PeriodKind.ANNUAL, "2025", 4)
    area = demo_area()
    first = board_report_services.generate_report(period, [area], origin=ReportOrigin.ON_DEMAND)
    again = board_report_services.generate_report(period, [area], origin=ReportOrigin.ON_DEMAND)
    db.session.commit()
    assert first.id != again.id
    assert first.scheduled_areas is None


def drawn_tick_labels(axis) -> list:
    """The tick labels matplotlib draws: those of ticks inside the axis's view."""
    low, high = sorted(axis.get_view_interval())
    return [
        label
        for location, label in zip(axis.get_ticklocs(), axis.get_ticklabels(), strict=True)
        if low - 1e-9 <= location <= high + 1e-9 and label.get_text()
    ]


def texts_that_do_not_fit(figure) -> list[str]:
    """Each text of the chart that reaches outside the figure, or runs into the tick label
    beside it, as matplotlib measures them when it draws."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    renderer = FigureCanvasAgg(figure).get_renderer()
    figure.draw(renderer)
    edge = figure.bbox
    hidden = {id(label) for axes in figure.axes for axis in (axes.xaxis, axes.yaxis)
              for label in axis.get_ticklabels()} - {
        id(label) for axes in figure.axes for axis in (axes.xaxis, axes.yaxis)
        for label in drawn_tick_labels(axis)}  # fmt: skip
    name = repr(figure.texts[0].get_text() if figure.texts else figure.axes[0].get_title())
    problems = []
    for text in figure.findobj(Text):
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        box = text.get_window_extent(renderer)
        if (
            box.x0 < edge.x0 - 0.5
            or box.x1 > edge.x1 + 0.5
            or box.y0 < edge.y0 - 0.5
            or (box.y1 > edge.y1 + 0.5)
        ):
            problems.append(f"{text.get_text()!r} leaves the figure")
    for axes in figure.axes:
        boxes = sorted((t.get_window_extent(renderer) for t in drawn_tick_labels(axes.xaxis)),
                       key=lambda box: box.x0)  # fmt: skip
        for left, right in zip(boxes, boxes[1:], strict=False):
            if left.x1 > right.x0:
                problems.append(f"x ticks run together in {name}")
        if axes.get_window_extent(renderer).width < 0.4 * edge.width:
            problems.append(f"the plot of {name} is squeezed")
    return problems


def test_every_chart_the_report_draws_fits_its_figure(app, history, monkeypatch):
    """The modifiable-factors chart's title was cut, its labels squeezed the plot into a fifth
    of the page, its ticks ran together and a value ran past the plot."""
    from ecdop.board_reports import charts

    drawn = []
    for name, make in (("bar_chart", charts.bar_figure), ("trend_chart", charts.trend_figure)):
        real = getattr(charts, name)

        def keep(*arguments, real=real, make=make):
            drawn.append(make(*arguments))
            return real(*arguments)

        monkeypatch.setattr(f"ecdop.board_reports.tables.{name}", keep, raising=False)
        monkeypatch.setattr(f"ecdop.board_reports.follow_up.{name}", keep, raising=False)
    run_job(app, "board-reports")
    assert len(drawn) >= 10
    titles = [figure.texts[0].get_text() for figure in drawn]
    assert any("modifiable" in title for title in titles), titles
    problems = [problem for figure in drawn for problem in texts_that_do_not_fit(figure)]
    assert problems == []


def test_the_longest_labels_and_largest_counts_still_fit():
    from ecdop.board_reports.charts import bar_figure, trend_figure
    from ecdop.foundation.vocabulary import CategoryOfDeath

    labels = [category.label for category in CategoryOfDeath]
    figures = [
        bar_figure(
            "reviews by category of death in the whole region over five years",
            labels,
            [12_345 + 1_000 * n for n in range(len(labels))],
            "Reviews",
        ),  # fmt: skip
        bar_figure(
            "reviews by modifiable factors",
            [
                "Modifiable factors identified",
                "No modifiable factors identified, or insufficient information",
            ],
            [90, 250],
            "Reviews",
        ),  # fmt: skip
        trend_figure(
            "the share of completed reviews with modifiable factors, by year",
            ["2021-22", "2022-23", "2023-24", "2024-25", "2025-26"],
            [23.5, 34.1, "c", 27.0, 26.2],
            "Per cent of completed reviews",
        ),  # fmt: skip
    ]
    assert [problem for figure in figures for problem in texts_that_do_not_fit(figure)] == []


def test_timeliness_gives_the_time_to_the_final_post_mortem_report_and_the_inquest(app, history):
    import html as html_text
    import statistics

    from ecdop.documents.models import PostMortem

    run_job(app, "board-reports")

    def timeliness(report) -> str:
        html = report.html
        section = html[html.index('id="timeliness"') : html.index('id="actions"')]
        return html_text.unescape(" ".join(re.sub(r"<[^>]+>", " ", section).split()))

    annual = next(r for r in reports() if r.kind is PeriodKind.ANNUAL)
    came = [
        (pm.final_report_received_on - pm_case.date_of_death).days
        for pm, pm_case in db.session.execute(
            select(PostMortem, Case).join(Case, PostMortem.case_id == Case.id)
        )
        if pm.final_report_received_on
        and annual.period_starts_on <= pm.final_report_received_on <= annual.period_ends_on
    ]
    assert len(came) >= 6
    expected = "From death to the final post-mortem report took a median of "
    expected += f"{statistics.median(came):.0f} days"
    assert expected in timeliness(annual)
    assert f"over {len(came)} reports" in timeliness(annual)
    assert "From death to the inquest's conclusion took a median of" in timeliness(annual)
    # A quarter has too few inquests to describe without describing the children.
    assert "Too few inquests concluded in the period to give the time from death to the " in (
        timeliness(quarter())
    )
