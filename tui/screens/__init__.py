"""The app's screens: main (browse/search/read), help, welcome, related, compare."""
