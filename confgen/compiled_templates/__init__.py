"""Templates compiled to plain Python: one module per file in templates/, written by
`make templates` (confgen.template_compiler) and used only while it matches its template
exactly (confgen.templating.renderer). tests/test_templates_compiled.py keeps them current."""
