"""newsreader's core: articles, the Whoosh index, search and comparison. No UI code lives here.

Installed as `newsreader.index`. The subpackages, in the order an article meets them:

- `parsing`: one article file (txt, md, html, json, jsonl) -> `Article` records.
- `store`: the library's Whoosh index: which files changed, ingesting them, the write lock, the
  schema, and the reads the UI and the CLI need. `store.whoosh` holds the fast posting layout,
  the writer's posting pool and the block-at-a-time query engine.
- `search`: a user's query -> hits with snippets, suggestions, related articles.
- `compare`: two articles -> the passages, sentences and quotes they share.

Beside them: `config` (config.yaml -> typed settings) and `model` (the records that flow from
files to the screen). docs/ARCHITECTURE.md follows an article from file to screen.
"""
