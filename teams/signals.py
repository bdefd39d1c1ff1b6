from django.contrib.auth.models import Group, Permission

from teams.roles import ADMINS, FACILITATORS


def create_role_groups(sender, **kwargs) -> None:
    """The two roles exist on every installation; admins may change everything
    the Django admin shows."""
    Group.objects.get_or_create(name=FACILITATORS)
    admins, _ = Group.objects.get_or_create(name=ADMINS)
    admins.permissions.set(Permission.objects.all())
