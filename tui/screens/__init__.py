"""newsreader's Textual app."""
