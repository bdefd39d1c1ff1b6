"""Roles are Django groups. Anyone signed in is staff (reads the model and
the playbook); facilitators run workshops for any team; admins edit the
rubric, manage teams and people, and moderate the playbook."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group
from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

FACILITATORS = "Facilitators"
ADMINS = "Admins"
ROLES = (FACILITATORS, ADMINS)


def with_roles(users: QuerySet) -> QuerySet:
    """Users with their roles read in the same query: every page's header
    asks for them (Django's authentication middleware loads the signed-in
    person through identity/backends.py with this)."""
    model = users.model
    quote = connection.ops.quote_name
    user_id = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    through = model.groups.through._meta
    member = quote(through.db_table)
    sql = (
        f"EXISTS (SELECT 1 FROM {member} INNER JOIN {quote(Group._meta.db_table)} g"
        f" ON g.id = {member}.{quote(through.get_field('group').column)}"
        f" WHERE {member}.{quote(through.get_field('user').column)} = {user_id} AND g.name = %s)"
    )
    return users.annotate(
        **{_flag(role): RawSQL(sql, [role], output_field=BooleanField()) for role in ROLES}
    )


def _flag(role: str) -> str:
    return f"_in_{role.lower()}"


def _group_names(user) -> set[str]:
    # Cached on the user object: the header asks on every page.
    if not hasattr(user, "_role_names"):
        if all(hasattr(user, _flag(role)) for role in ROLES):  # read with_roles
            user._role_names = {role for role in ROLES if getattr(user, _flag(role))}
        else:
            user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def forget_roles(user) -> None:
    """After a change to this person's groups: read them afresh when next asked."""
    for name in ("_role_names", *(_flag(role) for role in ROLES)):
        if hasattr(user, name):  # delattr reaches through request.user's lazy wrapper
            delattr(user, name)


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or ADMINS in _group_names(user)


def is_facilitator(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return is_admin(user) or FACILITATORS in _group_names(user)
