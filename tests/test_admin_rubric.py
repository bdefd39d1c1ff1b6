"""Admins edit the rubric in the Django admin; every change is kept."""

from django.urls import reverse

from maturity.models import Level


def area_form_data(area, **level_changes):
    """The admin change form for an area, as the browser would post it."""
    levels = list(area.levels.order_by("number"))
    prompts = list(area.prompts.order_by("order", "id"))
    data = {
        "model": area.model_id,
        "key": area.key,
        "name": area.name,
        "summary": area.summary,
        "order": area.order,
        "levels-TOTAL_FORMS": len(levels),
        "levels-INITIAL_FORMS": len(levels),
        "levels-MIN_NUM_FORMS": 0,
        "levels-MAX_NUM_FORMS": 1000,
        "prompts-TOTAL_FORMS": len(prompts),
        "prompts-INITIAL_FORMS": len(prompts),
        "prompts-MIN_NUM_FORMS": 0,
        "prompts-MAX_NUM_FORMS": 1000,
    }
    for i, level in enumerate(levels):
        data.update(
            {
                f"levels-{i}-id": level.pk,
                f"levels-{i}-area": area.pk,
                f"levels-{i}-number": level.number,
                f"levels-{i}-title": level.title,
                f"levels-{i}-descriptor": level.descriptor,
            }
        )
    for i, prompt in enumerate(prompts):
        data.update(
            {
                f"prompts-{i}-id": prompt.pk,
                f"prompts-{i}-area": area.pk,
                f"prompts-{i}-order": prompt.order,
                f"prompts-{i}-text": prompt.text,
            }
        )
    data.update(level_changes)
    return data


def test_admin_changes_a_descriptor_and_the_model_page_and_history_show_it(admin_client_, rubric):
    area = rubric.areas.get(key="focus")
    old = area.levels.get(number=2).descriptor
    url = reverse("admin:maturity_area_change", args=[area.pk])

    response = admin_client_.post(
        url, area_form_data(area, **{"levels-1-descriptor": "Brand new level two text."})
    )

    assert response.status_code == 302, response.context["errors"] if response.context else ""
    model_page = admin_client_.get(reverse("maturity:model"))
    assert "Brand new level two text." in model_page.content.decode()
    assert old not in model_page.content.decode()
    level = area.levels.get(number=2)
    history = admin_client_.get(reverse("admin:maturity_level_history", args=[level.pk]))
    assert history.status_code == 200
    versions = list(level.history.order_by("history_date"))
    assert versions[0].descriptor == old
    assert versions[-1].descriptor == "Brand new level two text."
    assert versions[-1].history_user.username == "ada"


def test_admin_cannot_renumber_a_level(admin_client_, rubric):
    """Level numbers follow the model's scale: read-only here, changed only by a model file."""
    area = rubric.areas.get(key="focus")
    url = reverse("admin:maturity_area_change", args=[area.pk])

    admin_client_.post(url, area_form_data(area, **{"levels-1-number": 3}))

    assert sorted(area.levels.values_list("number", flat=True)) == [1, 2, 3, 4, 5]
    assert rubric.structure_problems() == []
    page = admin_client_.get(url).content.decode()
    assert 'name="levels-0-number"' not in page
    assert "levels-0-DELETE" not in page


def test_the_model_page_of_the_admin_offers_import_and_export(admin_client_, rubric):
    changelist = admin_client_.get(reverse("admin:maturity_maturitymodel_changelist"))
    assert reverse("admin:maturity_import") in changelist.content.decode()
    change = admin_client_.get(reverse("admin:maturity_maturitymodel_change", args=[rubric.pk]))
    assert reverse("admin:maturity_export", args=[rubric.pk]) in change.content.decode()
    # The scale's labels are text an admin edits; the numbers are structure.
    assert 'name="scale-0-label"' in change.content.decode()
    assert 'name="scale-0-number"' not in change.content.decode()


def test_admin_cannot_empty_a_descriptor(admin_client_, rubric):
    area = rubric.areas.get(key="focus")
    url = reverse("admin:maturity_area_change", args=[area.pk])
    before = Level.objects.get(area=area, number=1).descriptor

    response = admin_client_.post(url, area_form_data(area, **{"levels-0-descriptor": "  "}))

    assert response.status_code == 200
    assert Level.objects.get(area=area, number=1).descriptor == before


def test_non_admin_gets_403_on_the_admin(member_a_client):
    assert member_a_client.get("/admin/").status_code == 403
    assert member_a_client.get("/admin/maturity/area/").status_code == 403


def test_facilitator_is_not_an_admin(facilitator_client):
    assert facilitator_client.get("/admin/").status_code == 403


def test_areas_levels_and_prompts_are_found_by_their_text(admin_client_, rubric):
    area = rubric.areas.order_by("order").first()
    level = area.levels.order_by("number").last()
    level.descriptor = "Findable by a word only this descriptor holds: quixotically."
    level.save()
    for url_name in ("admin:maturity_area_changelist", "admin:maturity_level_changelist"):
        page = admin_client_.get(reverse(url_name), {"q": "quixotically"}).content.decode()
        assert "1 result" in page, url_name
        assert area.name in page
    prompts = admin_client_.get(reverse("admin:maturity_prompt_changelist"), {"q": "zzzqqq"})
    assert "0 results" in prompts.content.decode()
