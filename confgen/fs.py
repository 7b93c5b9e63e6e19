"""The only way confgen touches the files it owns: inside the manifest's folder, regular
files only, bounded reads, and ownership checked again at the moment of each replace.

Every path handed in is relative to the *root* (the real path of the manifest's folder) and
already normalised (`confgen.paths.normalise`). Folders on the way may be symbolic links
as long as they resolve inside the root; each folder of the resolved path is then opened
one by one with O_NOFOLLOW, relative to its parent, so a link swapped in during the run is
refused rather than followed. The file itself is never a link: it is opened with O_NOFOLLOW
(and O_NONBLOCK, so a FIFO cannot hang the run) and must be a regular file.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from confgen.record import field, record

MAX_READ = 256 * 1024 * 1024  # far above any generated file; /dev/zero-like files stop here
_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_TEMP = ".confgen.tmp"


class Refused(Exception):
    """The path is not a regular file inside the root (a link out, a FIFO, a folder...)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class Changed(Exception):
    """The file changed on disk between confgen's comparison and its write."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class Busy(Exception):
    """Another confgen process holds the folder's lock."""


def manifest_root(manifest: Path) -> Path:
    """The real path of the folder the manifest is named in (not of a link's target: a
    project.toml that is a symbolic link still owns the folder it is named in)."""
    return Path(os.path.realpath(os.path.abspath(manifest.parent if manifest.parent.parts
                                                 else Path("."))))


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "is a folder"
    if stat.S_ISFIFO(mode):
        return "is a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "is a device"
    if stat.S_ISSOCK(mode):
        return "is a socket"
    return "is not a regular file"


def temp_pattern(name: str) -> re.Pattern[str]:
    """Temporary files an interrupted write of `name` can leave: confgen's own, and the
    tempfile names earlier confgen versions used."""
    n = re.escape(name)
    return re.compile(rf"\.{n}\.(?:[0-9a-f]{{8}}{re.escape(_TEMP)}|[a-z0-9_]{{8}}\.tmp)\Z")


@record(frozen=False)
class Staged:
    """A temporary file written beside `rel` and not yet renamed over it."""

    rel: str
    folder: int  # the folder, open
    name: str
    temp: str
    fd: int  # the temporary file, open
    closed: bool = False

    def discard(self) -> None:
        try:
            os.unlink(self.temp, dir_fd=self.folder)
        except FileNotFoundError:
            pass

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)
            os.close(self.folder)


@record(frozen=False)
class Tree:
    root: Path  # real path
    fd: int  # the root folder, open: every operation is relative to it
    resolved: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def open(cls, root: Path) -> Tree:
        return cls(root, os.open(root, _DIR_FLAGS))

    def close(self) -> None:
        os.close(self.fd)

    @contextmanager
    def locked(self, exclusive: bool, timeout: float) -> Iterator[None]:
        """flock on the root folder: one writer at a time, readers beside no writer."""
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(self.fd, mode | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Busy() from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    # -- locating ------------------------------------------------------------------------

    def _folder_parts(self, rel: str) -> tuple[str, ...]:
        """The real folder of `rel`, as parts under the root; Refused when it leaves.
        Resolved once per folder and run: the parts are opened one by one with O_NOFOLLOW
        from the root, so a link swapped in later is refused at that open, and whatever
        they reach is inside the root."""
        folder = rel.rpartition("/")[0]
        found = self.resolved.get(folder)
        if found is None:
            real = Path(os.path.realpath(self.root / folder)) if folder else self.root
            if real != self.root and self.root not in real.parents:
                raise Refused(rel, f"its folder resolves to {real}, outside the manifest's "
                              "folder")
            found = self.resolved[folder] = real.relative_to(self.root).parts
        return found

    def _open_folder(self, rel: str, create: bool) -> int | None:
        """An fd of the folder of `rel` (None when it does not exist and create is off)."""
        fd = os.dup(self.fd)
        try:
            for part in self._folder_parts(rel):
                try:
                    nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        os.close(fd)
                        return None
                    try:
                        os.mkdir(part, 0o777, dir_fd=fd)
                    except FileExistsError:
                        pass
                    nfd = os.open(part, _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = nfd
            return fd
        except (NotADirectoryError, OSError) as exc:
            os.close(fd)
            if isinstance(exc, NotADirectoryError):
                raise Refused(rel, "a folder on its way is a file") from None
            if exc.errno == errno.ELOOP:
                raise Refused(rel, "a folder on its way became a symbolic link during the "
                              "run") from None
            raise

    def exists(self, rel: str) -> bool:
        """Whether anything (a file, a link, a folder) is at `rel`, looked at, not followed."""
        try:
            folder = self._open_folder(rel, create=False)
        except (Refused, OSError):
            return False
        if folder is None:
            return False
        try:
            os.stat(rel.rpartition("/")[2], dir_fd=folder, follow_symlinks=False)
            return True
        except OSError:
            return False
        finally:
            os.close(folder)

    # -- reading -------------------------------------------------------------------------

    def read(self, rel: str) -> bytes | None:
        """The bytes of a regular file at `rel`, or None when there is none."""
        folder = self._open_folder(rel, create=False)
        if folder is None:
            return None
        try:
            return self._read_at(folder, rel)
        finally:
            os.close(folder)

    def _read_at(self, folder: int, rel: str) -> bytes | None:
        name = rel.rpartition("/")[2]
        try:
            fd = os.open(name, _READ_FLAGS, dir_fd=folder)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise Refused(rel, "is a symbolic link; confgen neither follows nor replaces "
                              "links") from None
            raise
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise Refused(rel, _kind(info.st_mode) + "; confgen only writes regular files")
            if info.st_size > MAX_READ:
                raise Refused(rel, f"is {info.st_size} bytes, more than confgen ever writes")
            chunks, total = [], 0
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
                total += len(chunk)
                if total > MAX_READ:
                    raise Refused(rel, "grew past what confgen ever writes while being read")
            return b"".join(chunks)
        finally:
            os.close(fd)

    # -- writing -------------------------------------------------------------------------

    def write(self, rel: str, data: bytes, expected: bytes | None) -> None:
        """Atomically replace `rel` with `data`, provided it still holds `expected` (None:
        absent): temporary file beside it, fsync, re-check, rename, fsync the folder."""
        staged = self.stage(rel, data)
        try:
            try:
                os.fsync(staged.fd)
            except BaseException:
                staged.discard()
                raise
            self.commit(staged, expected)
            os.fsync(staged.folder)
        finally:
            staged.close()

    def stage(self, rel: str, data: bytes) -> Staged:
        """The first half of a write: `data` in a new temporary file beside `rel`, not yet
        synced (the caller fsyncs `.fd` before `commit`, and the folder after it)."""
        folder = self._open_folder(rel, create=True)
        assert folder is not None
        name = rel.rpartition("/")[2]
        temp = f".{name}.{os.urandom(4).hex()}{_TEMP}"  # secrets.token_hex, without its imports
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o644, dir_fd=folder)
        except BaseException:
            os.close(folder)
            raise
        staged = Staged(rel, folder, name, temp, fd)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            self._keep_mode(folder, name, fd)
        except BaseException:
            staged.discard()
            staged.close()
            raise
        return staged

    def commit(self, staged: Staged, expected: bytes | None) -> None:
        """The second half: provided `rel` still holds `expected`, rename the (synced)
        temporary file over it; on any failure the temporary file is removed."""
        try:
            if self._read_at(staged.folder, staged.rel) != expected:
                raise Changed(staged.rel)
            os.replace(staged.temp, staged.name, src_dir_fd=staged.folder,
                       dst_dir_fd=staged.folder)
        except BaseException:
            staged.discard()
            raise

    @staticmethod
    def _keep_mode(folder: int, name: str, fd: int) -> None:
        try:
            mode = os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode
        except FileNotFoundError:
            return
        if stat.S_ISREG(mode):
            os.fchmod(fd, mode & 0o777)

    def remove(self, rel: str, expected: bytes) -> None:
        """Delete `rel`, provided it still holds `expected`."""
        folder = self._open_folder(rel, create=False)
        if folder is None:
            return
        try:
            current = self._read_at(folder, rel)
            if current is None:
                return
            if current != expected:
                raise Changed(rel)
            os.unlink(rel.rpartition("/")[2], dir_fd=folder)
        finally:
            os.close(folder)

    # -- leftovers -----------------------------------------------------------------------

    def leftovers(self, rel: str) -> list[str]:
        """Temporary files an interrupted write of `rel` left beside it."""
        try:
            folder = self._open_folder(rel, create=False)
        except (Refused, OSError):
            return []
        if folder is None:
            return []
        prefix, _, name = rel.rpartition("/")
        pattern = temp_pattern(name)
        try:
            found = [entry.name for entry in os.scandir(folder)
                     if pattern.match(entry.name) and entry.is_file(follow_symlinks=False)]
        finally:
            os.close(folder)
        return sorted(f"{prefix}/{n}" if prefix else n for n in found)

    def remove_leftover(self, rel: str) -> None:
        folder = self._open_folder(rel, create=False)
        if folder is None:
            return
        try:
            os.unlink(rel.rpartition("/")[2], dir_fd=folder)
        except FileNotFoundError:
            pass
        finally:
            os.close(folder)
