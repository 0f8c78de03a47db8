"""The partition of a keyed record, as every Kafka client computes it, remembered per key.

aiokafka's default partitioner runs murmur2 in pure Python on every keyed send (~3 % of
meta-ingest's CPU per delivery). Our keys repeat (a conversation's inbound messages,
statuses and replies share one), so the hash is kept for recent keys. The partition is
the same as the default's (and the Java client's): murmur2 of the key, positive, modulo
the partition count; a record without a key goes to a random available partition.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence

from aiokafka.partitioner import murmur2

__all__ = ["KeyHashPartitioner"]


# Enough for the conversations active at once; not more: keys that never repeat (the
# contact ids of an import's 100,000 contact.created events) would otherwise fill it,
# ~200 bytes an entry, and hold ~13 MiB for as long as the process lives.
@functools.lru_cache(maxsize=4_096)
def _key_hash(key: bytes) -> int:
    return int(murmur2(key)) & 0x7FFFFFFF


class KeyHashPartitioner:
    """``partitioner(key_bytes, all_partitions, available_partitions)`` for aiokafka."""

    def __call__(
        self, key: bytes | None, all_partitions: Sequence[int], available: Sequence[int]
    ) -> int:
        if key is None:
            return random.choice(available or all_partitions)
        return all_partitions[_key_hash(key) % len(all_partitions)]
