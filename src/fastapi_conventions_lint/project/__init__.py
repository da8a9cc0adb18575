"""Facts across modules: which module an import names, which router an include refers to, and
the application's include chains (first pass: every file's facts; second: link them)."""
