"""bot.state.SubscriptionStore: numbered per user, capped, kept in the SQLite state file."""

from bot.state import SubscriptionStore


def test_numbers_are_positions_and_each_user_has_their_own(tmp_path):
    store = SubscriptionStore(tmp_path / "state.sqlite", per_user=2)
    assert store.add(1, 11, "量子计算") == 1
    assert store.add(1, 11, "数字经济") == 2
    assert store.add(1, 11, "乡村振兴") is None  # over the cap
    assert store.add(1, 11, "数字经济") == 2  # already there: its number, not a refusal
    assert store.add(2, 22, "量子计算") == 1
    assert store.remove(1, 1).query == "量子计算"
    assert [s.query for s in store.of(1)] == ["数字经济"]
    assert store.remove(1, 5) is None and store.remove(3, 1) is None
    assert [(s.user_id, s.chat_id, s.query) for s in store.everyone()] == [
        (1, 11, "数字经济"), (2, 22, "量子计算")
    ]
    store.close()
    reopened = SubscriptionStore(tmp_path / "state.sqlite")
    assert [s.query for s in reopened.of(2)] == ["量子计算"]
    reopened.close()
