"""What a scan of one worker's source finds: plain records, no parsing here."""

from __future__ import annotations

from confgen.record import field, record

# Handlers of a default export (ExportedHandler / WorkerEntrypoint methods).
HANDLERS = ("fetch", "scheduled", "queue", "tail", "email", "trace", "test")


@record(order=True)
class Loc:
    file: str  # posix, relative to the manifest's folder
    line: int
    column: int


@record
class ClassDef:
    name: str
    base: str | None  # the last name of what it extends: DurableObject, WorkerEntrypoint, ...
    loc: Loc
    methods: frozenset[str]


@record
class Default:
    """The default export (JS) or the entry class / on_* functions (Python)."""

    loc: Loc
    handlers: frozenset[str] | None  # None: the export is opaque (an imported value)
    base: str | None = None  # WorkerEntrypoint when it is a class


@record(frozen=False)
class FileFacts:
    """One source file, as its scanner left it."""

    path: str
    uses: list[tuple[str, Loc]] = field(default_factory=list)
    process_uses: list[tuple[str, Loc]] = field(default_factory=list)
    dynamic: list[Loc] = field(default_factory=list)
    classes: dict[str, ClassDef] = field(default_factory=dict)  # every top-level class
    exports: dict[str, str] = field(default_factory=dict)  # exported name -> local name
    reexports: list[tuple[str, str, str]] = field(default_factory=list)  # (as, name, module)
    star_exports: list[str] = field(default_factory=list)  # modules of `export * from`
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # local -> (name, module)
    default: Default | None = None
    imports: list[str] = field(default_factory=list)  # relative module specifiers
    error: tuple[Loc, str] | None = None


@record
class WorkerFacts:
    """Everything the source of one worker tells, merged over its files."""

    main: str
    files: tuple[str, ...]
    uses: dict[str, tuple[Loc, ...]]  # binding name -> where, first first
    process_uses: dict[str, tuple[Loc, ...]]  # process.env.NAME (nodejs_compat)
    dynamic: Loc | None  # the first env[name] / getattr(env, name)
    exports: dict[str, ClassDef]  # exported class name -> its definition
    default: Default | None
    problems: tuple[tuple[Loc, str], ...]  # files that could not be scanned, and why

    @property
    def handlers(self) -> frozenset[str] | None:
        """Handlers of the default export; None when unknown (opaque or no scan)."""
        if self.default is None:
            return frozenset()
        return self.default.handlers

    def uses_name(self, name: str) -> bool:
        return name in self.uses or name in self.process_uses
