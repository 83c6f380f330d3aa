"""Jobs: non-visual widgets that each own a slow piece of work and the thread worker it runs in.

`Indexer` keeps the index up to date (the start-up check, updates with progress), `Fetcher`
fetches the feed sources, `ArticleJobs` opens or copies an article's URL and reads two
articles to compare, `Watcher` watches the source folders for files that appear, change or
go. A screen mounts the ones it uses (they draw nothing), calls their methods, and handles the
`tui.messages` they post, which bubble up to it: the job keeps its own state
(`indexing`, `fetching`, the feeds' last errors), the screen decides what the user sees.

A job's workers belong to it: they stop when its screen closes, and their failures are posted
as `WorkerFailed` for the app to report. Jobs import no screens and no other widgets
(tests/unit/test_architecture.py).
"""
