"""One switch for every fast path newsreader adds under Whoosh.

`ENABLED` (default True) selects the one-pass analysis (`store.schema.Text`), the compact
posting pool (`store.whoosh.pool`), the block codec (`store.whoosh.codec`) for new segments and
the block-at-a-time query engine (`store.whoosh.engine`). Off, Whoosh's own code runs:
tests/system/test_perf_equivalence.py and bench/check_equivalence.py compare the two. It is read
at call time, and a writer's sub-processes get the value their parent had.
"""

ENABLED = True
