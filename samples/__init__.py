"""The sample library shipped with newsreader."""
