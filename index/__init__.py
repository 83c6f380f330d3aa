"""newsreader's core: articles, the Whoosh index, search and comparison. No UI code lives here."""
