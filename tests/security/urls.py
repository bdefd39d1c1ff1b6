"""Every URL pattern the project defines, read from the resolver."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Pattern:
    name: str | None  # "namespace:name", None when the pattern has no name
    route: str  # the full route, for messages
    namespace: str


def project_patterns() -> list[Pattern]:
    found: list[Pattern] = []

    def walk(patterns, namespaces: list[str], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespaces + [pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, inner, route)
            elif isinstance(pattern, URLPattern):
                name = ":".join(namespaces + [pattern.name]) if pattern.name else None
                found.append(Pattern(name, route, ":".join(namespaces)))

    walk(get_resolver().url_patterns, [], "/")
    return found
