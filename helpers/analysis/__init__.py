"""Pure computations: no file I/O, no drawing, no rendering."""
