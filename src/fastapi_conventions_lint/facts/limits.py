"""How far a static reading of values goes (a module of its own: the project's constants are
read on every run, also one answered from the results cache, without the value facts)."""

# A computed prefix longer than this, or of more parts, is not static: real prefixes are a few
# dozen characters, and a file doubling a name twenty times (`A1 = A0 + A0` ...) must cost
# what its size says, not 2**20.
MAX_TEXT = 4096
MAX_PARTS = 64
