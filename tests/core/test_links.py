"""One reverse per page for links to many objects of one kind."""

import pytest
from django.urls import reverse

from schoolwell.core.links import link_maker


@pytest.mark.parametrize("name", ["referrals:detail", "referrals:claim", "referrals:timeline"])
@pytest.mark.parametrize("pk", [1, 9, 10, 987654321, 2**31 - 1])
def test_the_same_link_as_reverse(name, pk):
    assert link_maker(name)(pk) == reverse(name, args=[pk])
