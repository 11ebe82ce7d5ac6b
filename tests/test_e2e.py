"""A few end-to-end runs of `python kit.py` as a subprocess."""
import os
import subprocess
import sys

from conftest import ROOT, document

KIT = os.path.join(ROOT, "kit.py")


def kit(*argv, **kwargs):
    env = {key: value for key, value in os.environ.items()
           if key not in ("FORCE_COLOR", "NO_COLOR")}
    return subprocess.run([sys.executable, KIT, *argv], capture_output=True,
                          text=True, env=env, timeout=60, **kwargs)


def test_help():
    result = kit("--help")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("usage: kit.py [-h] [-f PATH] [--version] COMMAND ...")
    assert "exit codes:" in result.stdout


def test_list_of_the_shipped_file_is_plain_through_a_pipe():
    result = kit("list")
    assert (result.returncode, result.stderr) == (0, "")
    assert "\x1b" not in result.stdout
    assert "h100-gpus-16k" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_a_closed_pipe_ends_quietly():
    # `kit.py export --format markdown | head -1`, with a big enough output
    # that the write really meets the closed pipe.
    pipeline = subprocess.run(
        f"{sys.executable} {KIT} export --format html | head -c 10; "
        f"exit ${{PIPESTATUS[0]}}",
        shell=True, executable="/bin/bash", capture_output=True, text=True, timeout=60)
    assert pipeline.stdout == "<!DOCTYPE "
    assert pipeline.stderr == ""
    assert pipeline.returncode == 0


def test_a_bad_file_gives_one_line_and_exit_2(tmp_path):
    path = tmp_path / "claims.yaml"
    path.write_bytes(b"claims: [\xff\n")
    result = kit("check", "-f", str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"{path}:1:10: error[encoding]: not UTF-8: byte 0xff at byte offset 9 is not UTF-8"
        " (a file saved as cp1252 or latin-1?); save it as UTF-8\n")


def test_a_hostile_file_runs_nothing(tmp_path):
    marker = tmp_path / "ran"
    path = tmp_path / "claims.yaml"
    path.write_text(document().replace(
        "claim: It leaked two days early.",
        f"claim: !!python/object/apply:os.system [\"touch {marker}\"]"))
    result = kit("list", "-f", str(path))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert not marker.exists()
