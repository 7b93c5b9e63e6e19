"""Precompiled Jinja2 templates: one module per file in templates/, written by
`make templates` (scripts/compile-templates) and used only while it matches its template
exactly (see confgen.templating._Loader). tests/test_templates_compiled.py keeps them current."""
