"""One fact, one type: who holds a writer guard, a home lock or a Chroma server lease."""

from __future__ import annotations

from index.stores.lease import LeaseInfo
from index.writing import WriterInfo


def test_a_lease_holder_is_a_writer_info_described_the_same_way() -> None:
    lease = LeaseInfo(123, "indexer-1", "index build", 0.0, owner="abc", expires=30.0)
    home = WriterInfo(123, "indexer-1", "index build", 0.0)
    assert isinstance(lease, WriterInfo)
    assert (
        lease.describe()
        == home.describe()
        == ("pid 123 on indexer-1 (index build) since 1970-01-01 00:00:00 UTC")
    )
