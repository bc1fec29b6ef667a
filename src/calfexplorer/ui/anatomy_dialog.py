"""File > Get realistic anatomy...: download BodyParts3D (or take a file the user has), build the
pack, with progress and a Cancel that leaves the previous pack as it was."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from calfexplorer.anatomy.attribution import CC_BY_4, CC_BY_SA_21_JP, LICENCE_PAGE
from calfexplorer.ui.web_links import open_links_in_browser


class InstallWorker(QThread):
    """Runs :func:`calfexplorer.anatomy.install.install_pack` off the GUI thread."""

    progress = Signal(float, float, float)  # MB done, MB in all (0: unknown), MB/s
    said = Signal(str)
    succeeded = Signal(str)  # summary line
    failed = Signal(str)  # one line; "" when cancelled

    def __init__(self, source: Path | None, base: str | None, sha256: str | None) -> None:
        super().__init__()
        self.source = source
        self.base = base
        self.sha256 = sha256
        self.cancel_requested = False
        self._t0 = time.perf_counter()
        self._start: int | None = None

    def _check(self) -> None:
        from calfexplorer.anatomy.errors import Cancelled

        if self.cancel_requested:
            raise Cancelled

    def _progress(self, done: int, total: int | None) -> None:
        self._check()
        if self._start is None:
            self._start = done
        rate = (done - self._start) / max(time.perf_counter() - self._t0, 1e-6) / 1e6
        self.progress.emit(done / 1e6, (total or 0) / 1e6, rate)

    def _say(self, line: str) -> None:
        self._check()
        self.said.emit(line)

    def run(self) -> None:  # noqa: D102 - QThread
        from calfexplorer.anatomy.disk import is_disk_full
        from calfexplorer.anatomy.errors import AnatomyError, Cancelled
        from calfexplorer.anatomy.install import install_pack

        try:
            report = install_pack(self.source, base=self.base, sha256=self.sha256,
                                  say=self._say, progress=self._progress, still=self._check)
        except Cancelled:
            self.failed.emit("")
        except AnatomyError as exc:  # (a connection cut by a cancel fails as cut)
            self.failed.emit("" if self.cancel_requested else str(exc))
        except OSError as exc:
            what = "the disk is full" if is_disk_full(exc) else (exc.strerror or str(exc))
            self.failed.emit(f"{what}{f': {exc.filename}' if exc.filename else ''}")
        except Exception as exc:  # noqa: BLE001 - the dialog must say it, not the terminal
            self.failed.emit(f"unexpected error ({type(exc).__name__}: {exc})")
        else:
            self.succeeded.emit(f"Built {report.meshes} structures in {report.seconds:.0f} s.")


class GetAnatomyDialog(QDialog):
    """What the pack is, its size and licence; Download or From a file; progress; Cancel.

    ``installed(show_now)`` is emitted after a successful build (``show_now``: the user asked
    to see the realistic leg at once).
    """

    installed = Signal(bool)
    worker_progress = Signal(float, float, float)  # as InstallWorker.progress

    def __init__(self, parent: Any = None, base_url: str | None = None,
                 sha256: str | None = None) -> None:
        from calfexplorer.anatomy.install import archive_size
        from calfexplorer.anatomy.pack import PACK_MB

        super().__init__(parent)
        self.setWindowTitle("Get realistic anatomy")
        self.base_url = base_url  # None: the official archive (or CALFEXPLORER_ANATOMY_URL)
        self.sha256 = sha256  # None: the official release's checksum
        self.worker: InstallWorker | None = None
        size_mb = archive_size() / 1e6
        layout = QVBoxLayout(self)
        intro = QLabel(
            "<p><b>BodyParts3D 4.0</b> (the Database Center for Life Science, Japan) is a set "
            "of anatomical surfaces made from a real body. CalfExplorer downloads it from its "
            "official archive, keeps the right leg's bones, muscles, tendons and vessels, lays "
            "them on the built-in model's skeleton so they move with it, and then deletes the "
            "download.</p>"
            f"<p>Download: {size_mb:.0f} MB, once. Kept on disk: about {PACK_MB} MB. The nerves "
            "and a few small vessels BodyParts3D lacks stay as in the built-in model.</p>"
            f"<p>Licence: {CC_BY_4} (as the <a href='{LICENCE_PAGE}'>licence page</a> says "
            f"since 2025-02-27); the files themselves say: {CC_BY_SA_21_JP}.</p>"
        )
        intro.setWordWrap(True)
        open_links_in_browser(intro)
        layout.addWidget(intro)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.bar.setTextVisible(False)
        self.bar.hide()
        layout.addWidget(self.bar)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QHBoxLayout()
        self.download_button = QPushButton(f"Download ({size_mb:.0f} MB)", self)
        self.download_button.setDefault(True)
        self.download_button.clicked.connect(lambda: self.start(None))
        self.download_text = self.download_button.text()
        self.file_button = QPushButton("Use a file I have…", self)
        self.file_button.setToolTip("isa_BP3D_4.0_obj_99.zip with the three isa_*.txt tables "
                                    "beside it, or the unpacked folder")
        menu = QMenu(self.file_button)  # (a file dialog picks a file or a folder, not either)
        menu.addAction("The zip file…", self.choose_file)
        menu.addAction("The unpacked folder…", self.choose_folder)
        self.file_button.setMenu(menu)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.show_button = QPushButton("Show the realistic leg", self)
        self.show_button.clicked.connect(self._show_now)
        self.show_button.hide()
        self.close_button = QPushButton("Close", self)
        self.close_button.clicked.connect(self.close)
        for button in (self.download_button, self.file_button, self.cancel_button,
                       self.show_button, self.close_button):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.resize(560, self.sizeHint().height())

    @property
    def running(self) -> bool:
        """Whether a download or build is under way."""
        return self.worker is not None and self.worker.isRunning()

    def choose_file(self) -> None:
        """Ask for the zip (or the folder) and build from it."""
        name, _ = QFileDialog.getOpenFileName(
            self, "BodyParts3D archive", str(Path.home()), "BodyParts3D zip (*.zip);;All (*)")
        if name:
            self.start(Path(name))

    def choose_folder(self) -> None:
        """Ask for the unpacked archive's folder and build from it."""
        name = QFileDialog.getExistingDirectory(self, "Unpacked BodyParts3D archive",
                                                str(Path.home()))
        if name:
            self.start(Path(name))

    def start(self, source: Path | None) -> None:
        """Download (``source`` None) or build from ``source``, in the background."""
        if self.running:
            return
        self.worker = InstallWorker(source, self.base_url, self.sha256)
        self.worker.progress.connect(self._on_progress)
        self.worker.said.connect(self._on_said)
        self.worker.succeeded.connect(self._on_success)
        self.worker.failed.connect(self._on_failure)
        self.bar.setRange(0, 1000 if source is None else 0)  # a build has no byte count
        self.bar.setValue(0)
        self.bar.show()
        self.status.setStyleSheet("")
        self.status.setText("Starting the download…" if source is None else "Building…")
        for button in (self.download_button, self.file_button, self.close_button,
                       self.show_button):
            button.hide()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.worker.start()

    def cancel(self) -> None:
        """Stop at the next block of the download or step of the build (a connection waiting
        on a server is cut at once)."""
        if self.worker is not None:
            from calfexplorer.anatomy.download import abort_transfers

            self.worker.cancel_requested = True
            abort_transfers()
            self.cancel_button.setEnabled(False)
            self.status.setText("Cancelling…")

    def _on_progress(self, done_mb: float, total_mb: float, rate: float) -> None:
        self.worker_progress.emit(done_mb, total_mb, rate)
        if total_mb > 0:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(1000 * done_mb / total_mb))
            self.status.setText(f"Downloading: {done_mb:.1f} of {total_mb:.1f} MB "
                                f"({100 * done_mb / total_mb:.0f} %), {rate:.1f} MB/s")
        else:
            self.status.setText(f"Downloading: {done_mb:.1f} MB, {rate:.1f} MB/s")

    def _on_said(self, line: str) -> None:
        if not line.startswith("downloading"):
            self.bar.setRange(0, 0)  # building: busy, no count
        self.status.setText(line[0].upper() + line[1:])

    def _finish(self) -> None:
        self.bar.setRange(0, 1000)
        self.cancel_button.hide()
        for button in (self.download_button, self.file_button, self.close_button):
            button.show()

    def _on_success(self, summary: str) -> None:
        self._finish()
        self.bar.setValue(1000)
        self.download_button.hide()
        self.file_button.hide()
        self.show_button.show()
        self.show_button.setDefault(True)
        self.status.setText(f"{summary} The realistic leg is ready.")
        self.installed.emit(False)

    def _on_failure(self, message: str) -> None:
        self._finish()
        self.bar.hide()
        from_file = self.worker is not None and self.worker.source is not None
        # (after a file that failed, "Try again" started a 143 MB download)
        self.download_button.setText(self.download_text if from_file else "Try again")
        if not message:
            downloading = self.worker is not None and self.worker.source is None
            self.status.setText("Cancelled. The model shown is unchanged" + (
                "; what was downloaded is kept and the next download continues from it."
                if downloading else "."))
            return
        self.status.setStyleSheet("color: #a11;")
        self.status.setText(f"Could not get the anatomy: {message}. The model shown is "
                            "unchanged.")

    def _show_now(self) -> None:
        self.close()
        self.installed.emit(True)

    def stop(self) -> None:
        """Cancel a download or build under way and wait until it has stopped."""
        if self.worker is not None and self.worker.isRunning():
            self.cancel()
            self.worker.wait()

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.stop()  # closing means cancelling
        super().closeEvent(event)

    def reject(self) -> None:  # noqa: D102 - Qt override
        # Esc cancels too: it only hid the dialog, and quitting then destroyed the running
        # thread (an abort)
        self.stop()
        super().reject()
