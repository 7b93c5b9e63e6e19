"""Hostile trees: confgen reads, writes and deletes only what the manifest derives, inside
its folder, whatever the lock, the links or a second process say.

One test per finding of the attack on the first build (numbered as in the issue), judged
by effects on the filesystem: nothing outside the manifest's folder changes, nothing
confgen does not own is lost, the exit code is right and no traceback is printed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from tree_snapshot import snapshot

from confgen import fs
from confgen.generate import check, generate
from confgen.lockfile import lock_name
from confgen.render import generated_by_confgen

# A worker with a fetch handler (routes and service bindings need one: CG605).
ECHO = "export default { fetch() { return new Response(\"hello\") } };\n"
M = """\
[project]
name = "m"
compatibility_date = "2025-10-01"

[workers.hello]
main = "src/index.js"
"""
WRANGLER = "workers/hello/wrangler.jsonc"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """M in tmp/repo (returned: its folder), and tmp/outside holding files to protect."""
    root = tmp_path / "repo"
    (root / "workers/hello/src").mkdir(parents=True)
    (root / "workers/hello/src/index.js").write_text(ECHO)
    (root / "project.toml").write_text(M)
    (root / "README.md").write_text("# read me\n")
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "victim.txt").write_text("precious\n")
    (outside / "home").mkdir()
    (outside / "home/.bashrc").write_text("export PS1='$ '\n")
    return root



def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def codes(done: object) -> list[tuple[str, str]]:
    """(code, file) of each problem, but the fixture's stand-in code: it uses none of the
    vars tests add (CG603), and a second worker has none (CG607)."""
    return sorted((d.code, d.file) for d in done.diagnostics  # type: ignore[attr-defined]
                  if d.code not in ("CG603", "CG607"))


def write_lock(root: Path, outputs: dict[str, str], manifest: str = "project.toml") -> None:
    (root / lock_name(manifest)).write_text(json.dumps(
        {"generator": "confgen", "manifest": manifest, "outputs": outputs}, indent=2) + "\n")


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "confgen", *args], cwd=root,
                          capture_output=True, text=True, timeout=60, check=False)


# -- 1. the lock is evidence of ownership, never a reason to touch a path ---------------

@pytest.mark.parametrize("entry", ["/srv/outside/victim.txt", "../outside/victim.txt",
                                   "./workers/hello/wrangler.jsonc", "a//b"])
def test_a_lock_entry_that_is_not_a_normalised_inside_path_stops_everything(
        repo: Path, entry: str) -> None:
    outside = snapshot(repo.parent / "outside")
    write_lock(repo, {entry: sha(b"precious\n")})
    done = generate(repo / "project.toml")
    assert codes(done) == [("CG417", "confgen.lock")]
    assert done.written == () and done.removed == ()
    assert not (repo / WRANGLER).exists()
    assert snapshot(repo.parent / "outside") == outside


@pytest.mark.parametrize("victim", ["README.md", "project.toml", "workers/hello/src/index.js"])
def test_a_lock_entry_with_the_right_hash_does_not_make_a_file_removable(
        repo: Path, victim: str) -> None:
    data = (repo / victim).read_bytes()
    write_lock(repo, {victim: sha(data)})
    done = generate(repo / "project.toml")
    assert done.ok
    assert (repo / victim).read_bytes() == data
    assert victim not in done.removed
    assert ("CG418", victim) in codes(done)
    assert victim not in json.loads((repo / "confgen.lock").read_text())["outputs"]


def test_force_never_deletes_a_file_whose_bytes_confgen_did_not_write(repo: Path) -> None:
    write_lock(repo, {"workers/hello/src/index.js": "0" * 64})
    done = generate(repo / "project.toml", force=True)
    assert (repo / "workers/hello/src/index.js").read_text() == ECHO
    assert ("CG413", "workers/hello/src/index.js") in codes(done)


def test_a_real_orphan_is_removed_and_reported_as_removed(repo: Path) -> None:
    manifest = repo / "project.toml"
    manifest.write_text(M + '\n[workers.bye]\nmain = "src/index.js"\n')
    assert generate(manifest).ok
    manifest.write_text(M)
    done = generate(manifest)
    assert done.ok and done.removed == ("workers/bye/worker-configuration.d.ts",
                                        "workers/bye/wrangler.jsonc")
    assert "workers/bye/wrangler.jsonc" not in done.written
    result = cli(repo, "generate")
    assert result.returncode == 0 and "all outputs current" in result.stderr
    manifest.write_text(M + '\n[workers.bye]\nmain = "src/index.js"\n')
    generate(manifest)
    manifest.write_text(M)
    result = cli(repo, "generate")
    assert "removed workers/bye/wrangler.jsonc" in result.stderr
    assert "wrote workers/bye" not in result.stderr


# -- 2. symbolic links to folders ------------------------------------------------------

def test_a_worker_folder_linked_outside_is_a_validate_error_and_nothing_is_written(
        repo: Path) -> None:
    outside = repo.parent / "outside"
    before = snapshot(outside)
    (repo / "workers/hello/src/index.js").unlink()
    (repo / "workers/hello/src").rmdir()
    (repo / "workers/hello").rmdir()
    (repo / "workers/hello").symlink_to(outside / "dir")
    done = generate(repo / "project.toml")
    assert "CG402" in [c for c, _ in codes(done)] and not done.ok  # and CG404 for its main
    assert snapshot(outside) == before


def test_renaming_a_worker_never_deletes_through_a_link_out(repo: Path) -> None:
    outside = repo.parent / "outside"
    (outside / "dir/wrangler.jsonc").write_text("// Generated by confgen from x\n{}\n")
    before = snapshot(outside)
    (repo / "ln").symlink_to(outside / "dir")
    write_lock(repo, {"ln/wrangler.jsonc": sha((outside / "dir/wrangler.jsonc").read_bytes())})
    done = generate(repo / "project.toml")
    assert done.ok and ("CG418", "ln/wrangler.jsonc") in codes(done)
    assert snapshot(outside) == before


def test_force_does_not_write_through_a_linked_folder(repo: Path) -> None:
    outside = repo.parent / "outside"
    before = snapshot(outside)
    (repo / "cfg").symlink_to(outside / "home")
    with (repo / "project.toml").open("a") as handle:
        handle.write('\n[domains]\nworker = "hello"\noutput = "cfg/.bashrc"\nroutes = []\n')
    done = generate(repo / "project.toml", force=True)
    assert [c for c, _ in codes(done)] == ["CG402"]
    assert snapshot(outside) == before


def test_workers_dir_with_dot_dot_through_a_link_is_a_validate_error(repo: Path) -> None:
    (repo / "ln").symlink_to(repo.parent / "outside" / "dir")
    text = M.replace('[workers.hello]', '[workers.hello]\npath = "ln/../hello"')
    (repo / "project.toml").write_text(text)
    result = cli(repo, "validate")
    assert result.returncode == 1 and "CG402" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_manifest_that_is_a_link_owns_the_folder_it_is_named_in(repo: Path,
                                                                 tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "real.toml").write_text(M)
    (repo / "project.toml").unlink()
    (repo / "project.toml").symlink_to(elsewhere / "real.toml")
    assert generate(repo / "project.toml").ok
    assert (repo / WRANGLER).is_file() and (repo / "confgen.lock").is_file()
    assert sorted(p.name for p in elsewhere.iterdir()) == ["real.toml"]


# -- 3. output files that are links, devices or FIFOs -----------------------------------

@pytest.mark.parametrize("kind", ["link-out", "dev-zero", "fifo", "folder"])
def test_an_output_path_that_is_not_a_regular_file_is_refused_not_read(
        repo: Path, kind: str) -> None:
    target = repo / WRANGLER
    if kind == "link-out":
        target.symlink_to(repo.parent / "outside" / "victim.txt")
    elif kind == "dev-zero":
        target.symlink_to("/dev/zero")
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    before = snapshot(repo.parent / "outside")
    for args in (["generate", "--diff"], ["generate", "--check"], ["generate", "--force"]):
        result = cli(repo, *args)
        assert result.returncode == 1, (args, result.stderr)
        assert "CG416" in result.stdout and "precious" not in result.stdout
        assert "Traceback" not in result.stderr
    assert snapshot(repo.parent / "outside") == before
    assert target.is_symlink() or not target.is_file()


def test_reads_are_bounded() -> None:
    assert fs.MAX_READ <= 256 * 1024 * 1024


# -- 4. one spelling per output -----------------------------------------------------------

@pytest.mark.parametrize("spelling", ["./workers/hello/domain-routes.json",
                                      "workers/x/../hello/domain-routes.json",
                                      "workers//hello/domain-routes.json"])
def test_spelling_an_output_differently_keeps_it(repo: Path, spelling: str) -> None:
    manifest = repo / "project.toml"
    base = M + '\n[domains]\nworker = "hello"\noutput = "{}"\nroutes = []\n'
    manifest.write_text(base.format("workers/hello/domain-routes.json"))
    assert generate(manifest).ok
    manifest.write_text(base.format(spelling))
    done = generate(manifest)
    assert done.ok and done.removed == ()
    assert (repo / "workers/hello/domain-routes.json").is_file()
    assert check(manifest).diagnostics == ()


# -- 5. two manifests in one folder ---------------------------------------------------------

def test_two_manifests_in_one_folder_keep_two_locks(repo: Path) -> None:
    other = repo / "other.toml"
    other.write_text(M.replace("hello", "other"))
    (repo / "workers/other/src").mkdir(parents=True)
    assert generate(repo / "project.toml").ok
    assert generate(other).ok
    assert (repo / WRANGLER).is_file() and (repo / "workers/other/wrangler.jsonc").is_file()
    assert (repo / "other.confgen.lock").is_file()
    assert check(repo / "project.toml").diagnostics == ()
    assert check(other).diagnostics == ()


def test_a_lock_that_names_another_manifest_is_refused(repo: Path) -> None:
    write_lock(repo, {}, manifest="project.toml")
    lock = json.loads((repo / "confgen.lock").read_text())
    lock["manifest"] = "other.toml"
    (repo / "confgen.lock").write_text(json.dumps(lock))
    assert codes(generate(repo / "project.toml")) == [("CG417", "confgen.lock")]


# -- 6. a hand edit or a second run during a run ---------------------------------------------

def test_a_file_edited_between_compare_and_write_is_not_overwritten(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    manifest = repo / "project.toml"
    assert generate(manifest).ok
    manifest.write_text(M + 'vars = { A = "1" }\n')
    real_commit = fs.Tree.commit  # the rename of a written temporary file over the output

    def edit_then_commit(self: fs.Tree, staged: fs.Staged, expected: bytes | None) -> None:
        if staged.rel == WRANGLER:
            (repo / WRANGLER).write_text("// my edit\n")
        real_commit(self, staged, expected)

    monkeypatch.setattr(fs.Tree, "commit", edit_then_commit)
    done = generate(manifest)
    assert codes(done) == [("CG420", WRANGLER)]
    assert (repo / WRANGLER).read_text() == "// my edit\n"
    assert not [p for p in (repo / "workers/hello").iterdir() if p.name.endswith(".tmp")]


def test_a_second_generate_waits_for_the_first(repo: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import confgen.generate as gen

    monkeypatch.setattr(gen, "LOCK_TIMEOUT", 0.2)
    tree = fs.Tree.open(fs.manifest_root(repo / "project.toml"))
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with tree.locked(exclusive=True, timeout=1):
            held.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    try:
        # flock is per open file: this process's second open of the folder contends too.
        done = generate(repo / "project.toml")
        assert codes(done) == [("CG420", "confgen.lock")]
        assert not (repo / WRANGLER).exists()
    finally:
        release.set()
        thread.join()
        tree.close()
    assert generate(repo / "project.toml").ok


# -- 7. corrupt locks and leftovers -------------------------------------------------------------

@pytest.mark.parametrize("text", [
    '<<<<<<< HEAD\n{"generator": "confgen", "outputs": {}}\n=======\n{}\n>>>>>>> other\n',
    "not json\n",
    '{"generator": "confgen", "outputs": {"a\\u0000b": "' + "0" * 64 + '"}}\n',
    '{"generator": "confgen", "outputs": []}\n',
    '{"outputs": {}}\n',
])
def test_an_untrustworthy_lock_is_its_own_error_and_nothing_is_written(
        repo: Path, text: str) -> None:
    assert generate(repo / "project.toml").ok
    (repo / WRANGLER).unlink()
    (repo / "confgen.lock").write_text(text)
    for done in (check(repo / "project.toml"), generate(repo / "project.toml")):
        found = codes(done)
        assert ("CG417", "confgen.lock") in found, found
        assert not [c for c, f in found if f == "project.toml"]
        assert "CG413" not in {c for c, _ in found}
    assert not (repo / WRANGLER).exists()
    assert (repo / "confgen.lock").read_text() == text


def test_leftover_temporary_files_are_reported_then_removed(repo: Path) -> None:
    assert generate(repo / "project.toml").ok
    stale = [repo / "workers/hello/.wrangler.jsonc.ab12cd34.confgen.tmp",
             repo / "workers/hello/.wrangler.jsonc.k2_x9q0a.tmp"]
    for path in stale:
        path.write_text("half")
    unrelated = repo / "workers/hello/.notes.tmp"
    unrelated.write_text("mine")
    found = codes(check(repo / "project.toml"))
    assert found == sorted(("CG419", str(p.relative_to(repo))) for p in stale)
    assert check(repo / "project.toml").ok  # a warning: --check still passes
    done = generate(repo / "project.toml")
    assert sorted(done.removed) == sorted(str(p.relative_to(repo)) for p in stale)
    assert not any(p.exists() for p in stale) and unrelated.read_text() == "mine"


def test_an_interrupted_run_leaves_files_the_next_run_recognises(repo: Path,
                                                                monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    manifest = repo / "project.toml"
    manifest.write_text(M + '\n[workers.two]\nmain = "src/index.js"\n')
    assert generate(manifest).ok
    manifest.write_text(M + 'vars = { A = "1" }\n\n[workers.two]\nmain = "src/index.js"\n'
                        'vars = { B = "2" }\n')
    real_commit = fs.Tree.commit

    def die_on_second_output(self: fs.Tree, staged: fs.Staged, expected: bytes | None) -> None:
        if staged.rel == "workers/two/wrangler.jsonc":
            raise KeyboardInterrupt  # as good as kill -9 for what is on disk
        real_commit(self, staged, expected)

    monkeypatch.setattr(fs.Tree, "commit", die_on_second_output)
    with pytest.raises(KeyboardInterrupt):
        generate(manifest)
    monkeypatch.undo()
    found = codes(check(manifest))
    assert "CG413" not in {c for c, _ in found}, found
    assert generate(manifest).ok
    assert codes(check(manifest)) == []


# -- 8. everything validate accepts, generate can write --------------------------------------

@pytest.mark.parametrize("where", ['vars = { X = { d = 1979-05-27 } }',
                                   'unsafe = { metadata = { at = 07:32:00 } }',
                                   'observability = { since = 1979-05-27T07:32:00Z }'])
def test_dates_and_times_anywhere_are_a_located_validate_error(repo: Path, where: str) -> None:
    (repo / "project.toml").write_text(M + where + "\n")
    result = cli(repo, "generate")
    assert result.returncode == 1 and "CG102" in result.stdout
    assert "Traceback" not in result.stderr and not (repo / WRANGLER).exists()


@pytest.mark.parametrize("manifest", ["/dev/zero", "/dev/null/x", "fifo"])
def test_a_manifest_that_is_not_a_regular_file_is_cg002(repo: Path, manifest: str) -> None:
    if manifest == "fifo":
        os.mkfifo(repo / "fifo")
    for command in ("validate", "generate"):
        result = cli(repo, command, "--manifest", manifest)
        assert result.returncode == 2 and "CG002" in result.stdout, result
        assert "Traceback" not in result.stderr


# -- 9. patterns match whole strings, hosts are ASCII ------------------------------------------

@pytest.mark.parametrize("text", [
    M.replace("[workers.hello]", '[workers."ns2\\n"]'),
    M + 'secrets = ["TOKEN\\n"]\n',
    M + '\n[environments."prod\\n"]\n',
])
def test_a_trailing_newline_does_not_pass_a_pattern(repo: Path, text: str) -> None:
    (repo / "project.toml").write_text(text)
    result = cli(repo, "validate")
    assert result.returncode == 1 and "CG103" in result.stdout, result.stdout


@pytest.mark.parametrize("host", ["a.do\\n", "\u017fa.do", "\u212aa.do", "\u0131a.do",
                                  "\u0130a.do"])
def test_router_hosts_are_checked_without_unicode_look_alikes(repo: Path, host: str) -> None:
    text = (M.replace("[workers.hello]", '[environments.production]\nnamespace = "ns"\n\n'
                      '[workers.hello]\ndeploy = "namespace"')
            + '\n[workers.disp]\nmain = "src/index.js"\n\n[router]\nworker = "disp"\n'
            f'output = "workers/disp/router_table.py"\nhosts = {{ "{host}" = "hello" }}\n')
    (repo / "project.toml").write_text(text)
    result = cli(repo, "validate")
    assert "CG316" in result.stdout, result.stdout


@pytest.mark.parametrize("domain", ["\u212aa.do", "a.do\\n"])
def test_domain_routes_are_ascii_hosts(repo: Path, domain: str) -> None:
    text = M.replace('compatibility_date', 'external_services = ["x"]\ncompatibility_date') + (
        '\n[domains]\nworker = "hello"\noutput = "workers/hello/d.json"\n'
        f'routes = [{{ domain = "{domain}", service = "x" }}]\n')
    (repo / "project.toml").write_text(text)
    assert "CG325" in cli(repo, "validate").stdout


# -- 10. an output at another output's folder --------------------------------------------------

def test_an_output_that_is_another_outputs_folder_is_a_validate_error(repo: Path) -> None:
    for output, code in (("workers/hello/", "CG403"), ("workers/hello", "CG401")):
        (repo / "project.toml").write_text(
            M + f'\n[domains]\nworker = "hello"\noutput = "{output}"\nroutes = []\n')
        result = cli(repo, "generate")
        assert result.returncode == 1 and code in result.stdout, result.stdout
        assert not (repo / WRANGLER).exists()


# -- 11. `confgen route` parses URLs as a browser does ---------------------------------------------

ROUTED = M.replace('main = "src/index.js"', 'main = "src/index.js"\nroutes = ["db.do/api*"]')


@pytest.mark.parametrize(("url", "routed"), [
    ("https://db.do./api", True),
    ("https://db.do/x/../api", True),
    ("https://db.do/%2e%2e/api", True),
    ("https://evil.com\\@db.do/api", False),
    ("https://\uff44\uff42.do/api", True),
    ("//db.do/api", True),
    ("HTTPS://DB.DO:443/api", True),
])
def test_route_answers_for_the_url_a_browser_sends(repo: Path, url: str, routed: bool) -> None:
    (repo / "project.toml").write_text(ROUTED)
    result = cli(repo, "route", url, "--format", "json")
    assert result.returncode == (0 if routed else 1), result
    assert json.loads(result.stdout)["routed"] is routed


@pytest.mark.parametrize("url", ["", "https://db.do:99999/", "ftp://db.do/", "https://",
                                 "https://db.do:80x/", "https://a b.do/"])
def test_route_rejects_what_no_browser_sends_as_a_usage_error(repo: Path, url: str) -> None:
    (repo / "project.toml").write_text(ROUTED)
    result = cli(repo, "route", url)
    assert result.returncode == 2 and "is not a URL" in result.stderr, result
    assert "Traceback" not in result.stderr


# -- 12. smaller findings ---------------------------------------------------------------------------

def test_a_write_failure_names_the_file(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    done = generate(repo / "project.toml")
    assert codes(done) in ([("CG421", "confgen.lock")], [("CG421", WRANGLER)],
                           [("CG421", "workers/hello/worker-configuration.d.ts")])
    assert "No space left on device" in done.diagnostics[0].message
    assert not [p for p in (repo / "workers/hello").iterdir() if p.name.endswith(".tmp")]


def test_toml_outputs_escape_line_breaking_characters(repo: Path) -> None:
    (repo / "project.toml").write_text(
        M.replace("[workers.hello]", '[workers.hello]\nformat = "toml"')
        + 'vars = { A = "x\\u0085y\\u2028z\\u2029" }\n')
    assert generate(repo / "project.toml").ok
    text = (repo / "workers/hello/wrangler.toml").read_text()
    assert not {"\u0085", "\u2028", "\u2029"} & set(text)
    assert "\\u0085" in text and "\\u2028" in text


@pytest.mark.parametrize("path", ["workers/con", "workers/nul.json", "a/b:stream"])
def test_names_windows_cannot_create_are_rejected(repo: Path, path: str) -> None:
    (repo / "project.toml").write_text(M.replace('[workers.hello]',
                                                 f'[workers.hello]\npath = "{path}"'))
    assert "CG403" in cli(repo, "validate").stdout


def test_main_outside_the_folder_is_a_warning(repo: Path) -> None:
    (repo / "project.toml").write_text(M.replace('"src/index.js"', '"../../../elsewhere.js"'))
    result = cli(repo, "validate")
    assert result.returncode == 0 and "warning CG404" in result.stdout


def test_an_unreadable_manifest_is_one_cg002_line_in_the_chosen_format(repo: Path) -> None:
    result = cli(repo, "validate", "--manifest", "missing.toml", "--format", "json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["diagnostics"][0]["code"] == "CG002"


def test_generated_content_is_recognised_and_other_content_is_not(repo: Path) -> None:
    assert generate(repo / "project.toml").ok
    assert generated_by_confgen((repo / WRANGLER).read_bytes())
    assert not generated_by_confgen(b"# read me\n")
    assert not generated_by_confgen(b"[]\n \n")
    assert generated_by_confgen(b"[\n]\n")


# -- beyond the list -------------------------------------------------------------------

def test_two_outputs_that_are_one_file_through_a_link_are_a_collision(repo: Path) -> None:
    (repo / "workers/two").symlink_to(repo / "workers/hello")
    (repo / "project.toml").write_text(M + '\n[workers.two]\nmain = "src/index.js"\n')
    result = cli(repo, "generate")
    assert result.returncode == 1 and "CG401" in result.stdout, result.stdout
    assert not (repo / WRANGLER).exists()


@pytest.mark.parametrize("output", [".git/hooks/post-checkout", "sub/.GIT/x.json",
                                    "other.confgen.lock", "confgen.lock"])
def test_outputs_never_land_in_git_or_on_a_lock(repo: Path, output: str) -> None:
    (repo / "project.toml").write_text(
        M + f'\n[domains]\nworker = "hello"\noutput = "{output}"\nroutes = []\n')
    result = cli(repo, "generate")
    assert result.returncode == 1 and ("CG403" in result.stdout or "CG401" in result.stdout)
    assert not (repo / output).exists()


@pytest.mark.parametrize("kind", ["link", "fifo", "folder"])
def test_a_lock_that_is_not_a_regular_file_is_cg417(repo: Path, kind: str) -> None:
    lock = repo / "confgen.lock"
    if kind == "link":
        lock.symlink_to(repo.parent / "outside" / "victim.txt")
    elif kind == "fifo":
        os.mkfifo(lock)
    else:
        lock.mkdir()
    result = cli(repo, "generate", "--force")
    assert result.returncode == 1 and "CG417" in result.stdout, result.stdout
    assert (repo.parent / "outside" / "victim.txt").read_text() == "precious\n"
    assert not (repo / WRANGLER).exists()


def test_a_file_where_a_folder_should_be_is_refused(repo: Path) -> None:
    (repo / "project.toml").write_text(M.replace('[workers.hello]',
                                                 '[workers.hello]\npath = "README.md/x"'))
    result = cli(repo, "generate", "--force")
    assert result.returncode == 1 and "CG416" in result.stdout, result.stdout
    assert (repo / "README.md").read_text() == "# read me\n"


def test_a_name_too_long_for_the_filesystem_is_a_located_error(repo: Path) -> None:
    (repo / "project.toml").write_text(M.replace('[workers.hello]',
                                                 f'[workers.hello]\npath = "{"x" * 300}"'))
    result = cli(repo, "generate")
    assert result.returncode == 1 and "CG421" in result.stdout, result
    assert "Traceback" not in result.stderr


def test_force_with_nothing_to_change_reports_nothing_written(repo: Path) -> None:
    assert generate(repo / "project.toml").ok
    done = generate(repo / "project.toml", force=True)
    assert done.ok and done.written == () and done.removed == ()
    (repo / WRANGLER).write_text("// mine\n")
    done = generate(repo / "project.toml", force=True)
    assert done.written == (WRANGLER,)  # the lock's bytes did not change: not "wrote"
