"""ipywidgets forms for the capture notebooks; each form is a view of a file, never the store."""
