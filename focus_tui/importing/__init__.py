"""Readers of other tools' files: they turn a file into neutral data and
write nothing (the domain's commands do the writing)."""

# The tools whose history can be imported; here, so the CLI's parser can
# offer them without importing the readers at every start.
TOOLS = ("watson", "timewarrior")
