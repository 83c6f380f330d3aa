"""Stories: the articles from any outlets that report the same event, grouped.

- `vectors`: what an article is about, as weights of its most telling words (from the index).
- `clustering`: articles -> events -> stories, a pure function of vectors and dates.
- `store`: the stories file beside the index, updated from scratch or article by article.
- `coverage`: how a story's reports differ: what each adds over time, what only one reports.
- `model`: the Story records and their JSON.
"""

from newsreader.index.stories.model import Story, StoryArticle, StoryNotFound
from newsreader.index.stories.store import STORIES_NAME, StoryIndex, SyncReport

__all__ = ["STORIES_NAME", "Story", "StoryArticle", "StoryIndex", "StoryNotFound", "SyncReport"]
