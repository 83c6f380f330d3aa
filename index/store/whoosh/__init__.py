"""What newsreader adds under Whoosh to make it fast at 100,000 articles.

- `codec`: Whoosh's W3 codec with a posting-block layout Python reads and writes fast.
- `pool`: the writer's postings held in compact arrays (importing it patches Whoosh's writer).
- `engine`: running a query a block of postings at a time with numpy, with Whoosh's scores.
- `light`: the same answers in plain Python, for a process that has not imported numpy (a
  `search` command) and a query with few postings; `shapes`: the queries both engines run.
- `startup`: importing Whoosh without the urllib it loads for nothing (the CLI's start-up).

Nothing is imported here, so importing `engine` or `codec` does not patch Whoosh's writer.
"""
