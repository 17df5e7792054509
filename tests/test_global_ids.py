"""Global IDs: encoded once per object while a whole-tree answer is being built."""

from __future__ import annotations

from server.global_ids import decode_opaque, encode_global_id

# The nodes of the whole nested tree of the 100 000-node benchmark organisation
# (bench/RESULTS.md, W1): goals, key results, campaigns under each key result, tasks.
WHOLE_TREE_AT_100K = 75_858


def test_an_id_is_base64_of_type_and_key() -> None:
    # given / when
    found = encode_global_id("Task", 42)

    # then: "Task:42" in URL-safe base64 without padding, by hand
    assert found == "VGFzazo0Mg"
    assert decode_opaque(found) == "Task:42"


def test_the_whole_tree_of_a_100k_organisation_is_remembered() -> None:
    # given: every node of the tree named once, as one read of it does
    encode_global_id.cache_clear()
    for pk in range(1, WHOLE_TREE_AT_100K + 1):
        encode_global_id("Task", pk)
    misses = encode_global_id.cache_info().misses

    # when: the next read names them again
    for pk in range(1, WHOLE_TREE_AT_100K + 1):
        encode_global_id("Task", pk)

    # then: none is encoded again
    assert encode_global_id.cache_info().misses == misses
    encode_global_id.cache_clear()
