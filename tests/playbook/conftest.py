import pytest


@pytest.fixture(autouse=True)
def _rubric(rubric):
    """Every playbook test needs the five areas."""
    return rubric
