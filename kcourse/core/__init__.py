"""The pure core: the question model, the file format (schema, YAML source, validation), loading, grading,
variants and submissions. Imports nothing from IPython, ipywidgets or any front end."""
