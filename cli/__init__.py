"""The `newsreader` command line: argument parsing, the commands, and the text report of a compare.

`main` is the console entry point. No Textual or Whoosh import at module level, so `--help` and
`--version` stay quick.
"""
