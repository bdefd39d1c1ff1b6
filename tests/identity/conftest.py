from tests.oidc import _running_provider, oidc_provider  # noqa: F401
