"""The host's question pages: an event's questions (add, edit, reorder, remove, ask one from the library, save one
to the library), the count of its answers, and the host's own library of questions."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from eventreg import clock
from eventreg.events.models import Event
from eventreg.hosts.access import managed_event
from eventreg.hosts.forms import ActionForm
from eventreg.questions import operations, queries
from eventreg.questions.forms import QuestionForm
from eventreg.questions.models import Question
from eventreg.questions.rules import QuestionError

bp = Blueprint("questions", __name__)


@bp.context_processor
def question_helpers():
    # A yes-or-no answer is kept as "Yes" or "No" (exports read the same in every language); shown in the page's.
    return {"yes_no_label": lambda label: {"Yes": _("Yes"), "No": _("No")}.get(label, label)}


EVENT = "/host/events/<int:event_id>/questions"
LIBRARY = "/host/questions"


def _asked(event: Event, question_id: int) -> Question:
    """A question the event asks; 404 otherwise."""
    asked = queries.get_event_question(event, question_id)
    if asked is None:
        abort(404)
    return asked.question


def _own(question_id: int) -> Question:
    """A question of the signed-in host's library; 404 otherwise."""
    question = queries.get_library_question(current_user, question_id)
    if question is None:
        abort(404)
    return question


def _checked_action() -> None:
    """Buttons that only post an action still carry the CSRF token."""
    if not ActionForm().validate_on_submit():
        abort(400)


def _back(event: Event, question: Question | None = None):
    anchor = f"question-{question.id}" if question is not None and question.id else None
    return redirect(url_for("questions.index", event_id=event.id, _anchor=anchor), code=303)


# An event's questions


@bp.get(EVENT)
@login_required
def index(event_id: int):
    event = managed_event(event_id)
    asked = queries.list_event_questions(event)
    ids = [a.question_id for a in asked]
    return render_template(
        "questions/index.html",
        event=event,
        asked=asked,
        answered=queries.count_answers(ids, event=event),
        library=queries.list_library_not_asked(current_user, event),
    )


def _render_form(form: QuestionForm, *, event: Event | None, question: Question | None, status: int = 200):
    events_asking = queries.list_events_asking(question) if question is not None and question.in_library else []
    return render_template(
        "questions/form.html", form=form, event=event, question=question, events_asking=events_asking
    ), status


@bp.route(f"{EVENT}/new", methods=["GET", "POST"])
@login_required
def new(event_id: int):
    event = managed_event(event_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _render_form(form, event=event, question=None, status=400 if form.errors else 200)
    question = operations.create_question(form.definition(), event=event, now=clock.now())
    flash(_("Question added: “%(question)s”. It is asked last on the registration form.", question=question.label))
    return _back(event, question)


@bp.route(f"{EVENT}/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int, question_id: int):
    event = managed_event(event_id)
    question = _asked(event, question_id)
    try:
        operations.check_can_change(question, current_user)
    except QuestionError as error:
        flash(error.message, "error")
        return _back(event, question)
    return _edit(question, event=event)


def _edit(question: Question, *, event: Event | None):
    form = QuestionForm()
    if request.method == "GET":
        form.fill(question)
    if not form.validate_on_submit():
        return _render_form(form, event=event, question=question, status=400 if form.errors else 200)
    operations.update_question(question, form.definition(), host=current_user)
    flash(
        _(
            "Question saved: “%(question)s”. Answers already given keep the wording they were given under.",
            question=question.label,
        )
    )
    if event is None:
        return redirect(url_for("questions.library", _anchor=f"question-{question.id}"), code=303)
    return _back(event, question)


@bp.post(f"{EVENT}/<int:question_id>/<any(up, down):direction>")
@login_required
def move(event_id: int, question_id: int, direction: str):
    event = managed_event(event_id)
    question = _asked(event, question_id)
    _checked_action()
    operations.move(event, question, direction)
    return _back(event, question)


@bp.route(f"{EVENT}/<int:question_id>/remove", methods=["GET", "POST"])
@login_required
def remove(event_id: int, question_id: int):
    """Removing is asked first: the form stops asking it, and the event's own question is deleted for good."""
    event = managed_event(event_id)
    question = _asked(event, question_id)
    if request.method == "POST":
        _checked_action()
        label = question.label
        deleted = operations.remove_from_event(event, question)
        if deleted:
            done = _(
                "“%(question)s” was deleted. Answers already given stay in the registrant list and its export.",
                question=label,
            )
        else:
            done = _(
                "“%(question)s” was removed from this event (it stays in the library). Answers already given stay in "
                "the registrant list and its export.",
                question=label,
            )
        flash(done)
        return _back(event)
    return render_template(
        "questions/remove.html",
        event=event,
        question=question,
        answered=queries.count_answers([question.id], event=event)[question.id],
    )


@bp.post(f"{EVENT}/<int:question_id>/save-to-library")
@login_required
def save_to_library(event_id: int, question_id: int):
    event = managed_event(event_id)
    question = _asked(event, question_id)
    _checked_action()
    operations.save_to_library(question, host=current_user)
    flash(
        _(
            "“%(question)s” is in your library now: other events can ask it, and a change to it reaches them all.",
            question=question.label,
        )
    )
    return _back(event, question)


@bp.post(f"{EVENT}/ask/<int:question_id>")
@login_required
def ask(event_id: int, question_id: int):
    event = managed_event(event_id)
    question = _own(question_id)
    _checked_action()
    try:
        operations.ask_from_library(event, question, host=current_user)
    except QuestionError as error:  # asked already (a second click, another tab): the page as it is, with why
        flash(error.message, "error")
        return index(event.id), 409
    flash(_("This event now asks “%(question)s”, last on the registration form.", question=question.label))
    return _back(event, question)


@bp.get("/host/events/<int:event_id>/answers")
@login_required
def answers(event_id: int):
    """How many chose each option of the event's choice and yes-or-no questions."""
    event = managed_event(event_id)
    return render_template(
        "questions/answers.html",
        event=event,
        counts=queries.answer_counts(event),
        respondents=queries.count_respondents(event),
    )


# The host's library


@bp.get(LIBRARY)
@login_required
def library():
    questions = queries.list_library(current_user)
    return render_template(
        "questions/library.html",
        questions=questions,
        events_asking=queries.count_events_asking([question.id for question in questions]),
    )


@bp.route(f"{LIBRARY}/new", methods=["GET", "POST"])
@login_required
def new_in_library():
    form = QuestionForm()
    if not form.validate_on_submit():
        return _render_form(form, event=None, question=None, status=400 if form.errors else 200)
    question = operations.create_question(form.definition(), host=current_user, now=clock.now())
    flash(
        _(
            "“%(question)s” is in your library. Add it to an event from that event’s Questions page.",
            question=question.label,
        )
    )
    return redirect(url_for("questions.library", _anchor=f"question-{question.id}"), code=303)


@bp.route(f"{LIBRARY}/<int:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_in_library(question_id: int):
    return _edit(_own(question_id), event=None)


@bp.route(f"{LIBRARY}/<int:question_id>/delete", methods=["GET", "POST"])
@login_required
def delete_from_library(question_id: int):
    """Deleting is asked first, naming the events that stop asking it."""
    question = _own(question_id)
    if request.method == "POST":
        _checked_action()
        label = question.label
        events = operations.delete_from_library(question, host=current_user)
        if events:
            done = ngettext(
                "“%(question)s” was deleted from your library. %(num)d event no longer ask it. Answers already given "
                "stay.",
                "“%(question)s” was deleted from your library. %(num)d events no longer ask it. Answers already given "
                "stay.",
                len(events),
                question=label,
            )
        else:
            done = _("“%(question)s” was deleted from your library. Answers already given stay.", question=label)
        flash(done)
        return redirect(url_for("questions.library"), code=303)
    return render_template(
        "questions/delete.html",
        question=question,
        events=queries.list_events_asking(question),
        answered=queries.count_answers([question.id])[question.id],
    )
