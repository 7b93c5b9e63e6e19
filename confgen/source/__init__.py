"""Reading the workers' own source: which bindings, classes and handlers the code has."""
