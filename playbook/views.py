from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core.kept import counter, kept
from experiments.models import Experiment
from maturity.models import Area, MaturityModel
from playbook.forms import EntryForm, FilterForm, StartForm, seen_token
from playbook.models import Adoption, Entry
from teams.models import Team, either_noun, plural_nouns
from teams.roles import is_admin

PAGE_SIZE = 20


def _experiment_url(experiment: Experiment) -> str:
    return reverse("experiments:detail", args=[experiment.pk])


def _get_experiment_for_member(request: HttpRequest, pk: int) -> Experiment:
    """An experiment a member of its team may publish from; anyone else gets 403."""
    experiment = get_object_or_404(Experiment.objects.select_related("team", "area__model"), pk=pk)
    if not experiment.team.has_member(request.user):
        raise PermissionDenied
    return experiment


def _get_entry_for_user(request: HttpRequest, slug: str) -> Entry:
    """An entry as the person may see it: published ones for anyone signed in;
    drafts, withdrawn and hidden ones only for the team and admins (404 otherwise)."""
    entry = get_object_or_404(Entry.objects.select_related("team", "area__model"), slug=slug)
    entry.viewer_is_team = entry.team.has_member(request.user)
    if not entry.is_visible and not (entry.viewer_is_team or is_admin(request.user)):
        raise Http404
    return entry


def _refuse_unfinished(request: HttpRequest, experiment: Experiment) -> HttpResponse:
    return render(
        request,
        "playbook/not_finished.html",
        {"experiment": experiment, "experiment_url": _experiment_url(experiment)},
        status=409,
    )


LAST_POSSIBLE_PAGE = 1_000_000


def _page(entries: QuerySet[Entry], number: str | None) -> Page:
    """The page of matching entries (as Paginator.get_page reads `number`:
    not a number is the first, past the end the last) with the count of all
    of them, in one pass over the matches when the page exists."""
    try:
        # A page far past any playbook's end is the last page, not an offset
        # too large for the database's integers (a 500 on SQLite).
        wanted = min(max(1, int(number or 1)), LAST_POSSIBLE_PAGE)
    except ValueError:
        wanted = 1
    bottom = (wanted - 1) * PAGE_SIZE
    shown = list(entries.annotate(total=Window(Count("pk")))[bottom : bottom + PAGE_SIZE])
    count = shown[0].total if shown else entries.count()
    paginator = Paginator(range(count), PAGE_SIZE)
    if not shown and count:  # past the end: the last page
        return _page(entries, str(paginator.num_pages))
    return Page(shown, wanted if shown else 1, paginator)


# What the list's results read: each table has a trigger that moves the
# "playbook" counter (migration 0003), so results kept under the counter
# are redrawn after any change to them (tests/test_kept.py checks both).
LIST_TABLES = (Entry, Team, Area, MaturityModel)


def _results(form: FilterForm, number: str | None, query: str) -> str:
    """The list's results (count, cards, pages) for a search and page."""
    filters = form.applied() if form.is_bound else {}
    entries = Entry.objects.for_list()
    if "model" in filters:
        entries = entries.filter(area__model=filters["model"])
    if "area" in filters:
        entries = entries.filter(area=filters["area"])
    if "result" in filters:
        entries = entries.filter(result=filters["result"])
    if "q" in filters:
        entries = entries.search(filters["q"])
    page = _page(entries, number)
    context = {
        "form": form,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1),
        "page_prefix": f"?{query}&page=" if query else "?page=",
        "filtered": bool(filters),
    }
    return render_to_string("playbook/_results.html", context)


@require_GET
@login_required
@vary_on_headers("HX-Request")
def entry_list(request: HttpRequest) -> HttpResponse:
    """Browse, filter and search the playbook. htmx asks for the results only.
    The results are the same for everyone: kept for each search, page and
    version of the playbook (core/kept.py)."""
    form = FilterForm(request.GET or None)
    query = request.GET.copy()
    number = query.pop("page", [None])[-1]
    results = kept(
        "playbook",
        lambda: counter("playbook"),
        lambda: _results(form, number, query.urlencode()),
        sorted(query.lists()),
        number,
    )
    if request.htmx and not request.htmx.history_restore_request:
        return HttpResponse(results)
    context = {
        "form": form,
        "results": results,
        "filtered": bool(form.applied()) if form.is_bound else False,
        "team_entries": Entry.objects.for_team_member(request.user).exclude(
            status=Entry.Status.PUBLISHED, hidden=False
        ),
    }
    return render(request, "playbook/list.html", context)


@require_GET
@login_required
def entry_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One entry, at a stable address that can be shared."""
    entry = _get_entry_for_user(request, slug)
    adoptions = list(entry.adoptions.select_related("experiment__team"))
    tried = {adoption.experiment.team_id: adoption.experiment.team for adoption in adoptions}
    mine = list(Team.objects.for_member(request.user).only("kind"))
    return render(
        request,
        "playbook/entry.html",
        {
            "entry": entry,
            "adoptions": adoptions,
            "tried_by": len(tried),
            # "1 board", "3 teams", "2 teams and boards"
            "tried_by_groups": (
                either_noun(tried.values()) if len(tried) == 1 else plural_nouns(tried.values())
            ),
            "can_start": entry.is_visible and bool(mine),
            "my_group": either_noun(mine),
            "my_groups": plural_nouns(mine),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def publish(request: HttpRequest, experiment_pk: int) -> HttpResponse:
    """Write (or rewrite) the entry for a finished experiment, then preview it."""
    experiment = _get_experiment_for_member(request, experiment_pk)
    if experiment.status != Experiment.Status.FINISHED:
        return _refuse_unfinished(request, experiment)
    entry = Entry.objects.filter(experiment=experiment).first()
    if entry and entry.status == Entry.Status.PUBLISHED:
        messages.info(request, "This entry is already in the playbook. Withdraw it to change it.")
        return redirect("playbook:entry", entry.slug)
    form = EntryForm(
        request.POST or None,
        instance=entry,
        experiment=experiment,
        initial=None if entry else Entry.initial_from(experiment),
    )
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        saved = _save_entry(request, form, experiment)
        if saved is not None:
            return redirect("playbook:preview", experiment.pk)
        conflict = _entry_conflict(form, experiment)
        form.add_error(None, ENTRY_CONFLICT_MESSAGE.format(noun=experiment.team.noun))
        status = 409
    return render(
        request,
        "playbook/publish.html",
        {
            "form": form,
            "experiment": experiment,
            "experiment_url": _experiment_url(experiment),
            "conflict": conflict,
        },
        status=status,
    )


ENTRY_CONFLICT_MESSAGE = (
    "Someone in your {noun} saved this entry while you were writing it. Compare their "
    "version with yours below; your text is still in the form. Save again to keep yours."
)


def _save_entry(request: HttpRequest, form: EntryForm, experiment: Experiment) -> Entry | None:
    """Save the draft, unless the entry changed since the form was opened
    (a teammate saved, published or started it): then None, nothing saved."""
    with transaction.atomic():
        current = Entry.objects.select_for_update().filter(experiment=experiment).first()
        if seen_token(current) != form.cleaned_data["seen"]:
            return None
        entry = form.save(commit=False)
        if current is None:
            entry.experiment = experiment
            entry.team = experiment.team
            entry.created_by = request.user
            try:
                entry.save_with_slug()
            except IntegrityError:
                # A teammate wrote this experiment's first draft a moment ago.
                return None
        else:
            # Only what the form edits: an admin's hiding stays as it is.
            entry.status = Entry.Status.DRAFT
            entry.save(update_fields=[*form._meta.fields, "status", "updated_at"])
    return entry


def _entry_conflict(form: EntryForm, experiment: Experiment) -> dict:
    """The saved entry beside what this person typed. Their text stays in
    the form; its token moves on, so saving again keeps theirs on purpose."""
    current = Entry.objects.filter(experiment=experiment).first()
    data = form.data.copy()
    data["seen"] = seen_token(current)
    form.data = data
    rows = []
    for name in ("title", "problem", "hypothesis", "what_we_did", "duration", "learning", "advice"):
        saved = getattr(current, name, "") if current else ""
        yours = form.data.get(name, "")
        rows.append((form.fields[name].label, saved, yours, saved.strip() != yours.strip()))
    return {"subject": "This entry", "rows": rows, "when": current.updated_at if current else None}


@require_http_methods(["GET", "POST"])
@login_required
def preview(request: HttpRequest, experiment_pk: int) -> HttpResponse:
    """Exactly what other teams will see; publishing happens from here."""
    experiment = _get_experiment_for_member(request, experiment_pk)
    if experiment.status != Experiment.Status.FINISHED:
        return _refuse_unfinished(request, experiment)
    entry = (
        Entry.objects.select_related("team", "area__model").filter(experiment=experiment).first()
    )
    if entry is None:
        return redirect("playbook:publish", experiment.pk)
    if entry.status == Entry.Status.PUBLISHED:
        return redirect("playbook:entry", entry.slug)
    if request.method == "POST":
        entry.publish()
        if entry.hidden:
            messages.info(
                request,
                "Your entry is published, but an admin has hidden it. Read their reason below.",
            )
        else:
            messages.success(request, "Your entry is in the playbook. Thank you for sharing.")
        return redirect("playbook:entry", entry.slug)
    return render(request, "playbook/preview.html", {"entry": entry, "experiment": experiment})


@require_POST
@login_required
def withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    """The team takes its entry out of the playbook (it can publish it again)."""
    entry = _get_entry_for_user(request, slug)
    if not entry.viewer_is_team:
        raise PermissionDenied
    if entry.status != Entry.Status.WITHDRAWN:
        entry.withdraw()
    messages.success(
        request,
        f"Your entry is withdrawn. Only your {entry.team.noun} can see it now; "
        "you can publish it again.",
    )
    return redirect("playbook:entry", entry.slug)


@require_http_methods(["GET", "POST"])
@login_required
def start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a planned experiment for one of your teams, from an entry."""
    entry = _get_entry_for_user(request, slug)
    if not entry.is_visible:
        raise Http404
    has_team = Team.objects.for_member(request.user).exists()
    form = StartForm(
        request.POST or None,
        user=request.user,
        entry=entry,
        initial=StartForm.initial_from(entry),
    )
    if request.method == "POST" and has_team and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            experiment = Experiment.objects.create(
                team=data["team"],
                area=data["area"],
                change=data["change"],
                outcome=data["outcome"],
                signal=data["signal"],
                first_actions=data["first_actions"],
                review_date=data["review_date"],
                owner=request.user,
                created_by=request.user,
            )
            Adoption.objects.create(
                entry=entry,
                experiment=experiment,
                show_team_name=data["show_team_name"],
                created_by=request.user,
            )
        messages.success(
            request,
            f"{data['team'].name} has a new planned experiment, based on “{entry.title}”.",
        )
        return redirect(_experiment_url(experiment))
    return render(
        request,
        "playbook/start.html",
        {"entry": entry, "form": form, "has_team": has_team},
        status=200 if has_team else 403,
    )
