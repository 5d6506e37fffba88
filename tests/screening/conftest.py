import pytest

from schoolwell.screening import instruments


@pytest.fixture(scope="session")
def shipped() -> dict[str, dict]:
    """Every shipped instrument definition, loaded and validated once."""
    return instruments.load_all()


def answers_with_total(definition: dict, item_ids: list[str], target: int) -> dict:
    """All required items at their lowest value, then `target` spread over `item_ids`."""
    options = instruments.options_by_item(definition)
    answers = {
        item["id"]: min(o["value"] for o in options[item["id"]])
        for item in definition["items"]
        if item["required"]
    }
    remaining = target - sum(answers[item_id] for item_id in item_ids)
    for item_id in item_ids:
        top = max(o["value"] for o in options[item_id])
        step = min(top - answers[item_id], remaining)
        answers[item_id] += step
        remaining -= step
    assert remaining == 0, f"{target} is out of reach for {item_ids}"
    return answers


@pytest.fixture(name="with_total")
def with_total_fixture():
    return answers_with_total
