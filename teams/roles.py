"""Roles are Django groups. Anyone signed in is staff (reads the model and
the playbook); facilitators run workshops for any team; admins edit the
rubric, manage teams and people, and moderate the playbook."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

FACILITATORS = "Facilitators"
ADMINS = "Admins"


def _group_names(user) -> set[str]:
    # Cached on the user object: the header asks on every page.
    if not hasattr(user, "_role_names"):
        user._role_names = set(user.groups.values_list("name", flat=True))
    return user._role_names


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or ADMINS in _group_names(user)


def is_facilitator(user: AbstractBaseUser | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return is_admin(user) or FACILITATORS in _group_names(user)
