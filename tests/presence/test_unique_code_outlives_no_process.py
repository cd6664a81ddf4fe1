"""A unique presence id (connectUnique) is free again at its deadline even when the server
process holding its connection died and nobody closed it; the presence clock is moved by
hand."""

import pytest

from core.errors import ErrorCode, TandemError
from presence import registry, services

pytestmark = pytest.mark.django_db

ORPHAN = "specific.on-a-dead-process!1"  # the channel of a connection nobody will close


def test_a_unique_id_is_free_at_its_deadline_though_its_process_died(
    demo_group, agent, clock, settings, monkeypatch
):
    monkeypatch.setattr(registry.secrets, "randbelow", lambda _: 654_321)
    code, deadline = services.unique_connect(group=demo_group, channel=ORPHAN)
    with pytest.raises(TandemError) as refused:
        services.visitor_connect(group=demo_group, visitor_id=code, channel="another-page")
    assert refused.value.code == ErrorCode.KEY_IN_USE

    clock.advance(deadline - clock.now)

    assert registry.unique_holder(group_id=demo_group.id, code=code) is None
    assert not services.visitor_find(agent=agent, group_public_id=72, visitor_id=code, unique=True)
    again, _ = services.unique_connect(group=demo_group, channel="a-new-page")
    assert again == code
    assert registry.unique_holder(group_id=demo_group.id, code=code) == "a-new-page"
