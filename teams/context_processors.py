from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from teams.roles import is_admin, is_facilitator


def roles(request: HttpRequest) -> dict:
    user = request.user
    return {
        "is_admin": SimpleLazyObject(lambda: is_admin(user)),
        "is_facilitator": SimpleLazyObject(lambda: is_facilitator(user)),
    }
