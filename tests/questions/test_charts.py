"""The answers to a host's choice questions as charts on the event's attendee list (charts/counts.answer_charts
reads questions.queries.answer_counts): a bar per option, with the table of the numbers for screen readers."""

from eventreg.charts import counts
from eventreg.questions.rules import read_answer
from tests.charts.test_pages import table_rows


def test_each_choice_question_is_a_chart_of_how_many_chose_each_option(
    client, make_event, make_host, make_question, register, option_id, login, db_session
):
    host = make_host()
    event = make_event(hosts=[host])
    kind = make_question(event, type="choice", label="Library <type>")
    make_question(event, type="short_text", label="What do you hope to learn?")  # nothing to count
    for label in ("Public", "Public", "School"):
        register(event, answers=[read_answer(kind, option_id(kind, label))])
    db_session.commit()

    (chart,) = counts.answer_charts(event)
    assert (chart.id, chart.title, chart.kind) == (f"answers-{kind.id}", "Library <type>", "bars")
    assert chart.table_labels == ["Public", "Academic", "School"]
    assert chart.series[0].values == [2, 0, 1]
    assert chart.summary == "Public 2, Academic 0, School 1."

    login(host)
    html = client.get(f"/host/events/{event.id}/attendees").get_data(as_text=True)
    assert "Library &lt;type&gt;" in html
    assert "Library <type>" not in html
    assert table_rows(html, f"answers-{kind.id}") == [["Public", "2"], ["Academic", "0"], ["School", "1"]]
